import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { readResults, recordResult, SECTIONS, suiteRecorder } from './results.js';
import { renderReport, writeReport } from './write-report.js';

const dir = mkdtempSync(path.join(tmpdir(), 'parley-results-'));
const out = path.join(dir, 'reliability.md');
process.env.PARLEY_RELIABILITY_RESULTS = dir;

beforeEach(() => {
  rmSync(dir, { recursive: true, force: true });
  process.env.PARLEY_RELIABILITY_RUN_ID = 'run-a';
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('results', () => {
  it('accumulates checks within a run, replacing a check of the same name', () => {
    recordResult({
      suite: 's',
      section: 'load',
      checks: [{ name: 'a', outcome: 'failed', detail: 'x' }],
    });
    recordResult({
      suite: 's',
      section: 'load',
      checks: [{ name: 'b', outcome: 'held', detail: 'y' }],
    });
    recordResult({
      suite: 's',
      section: 'load',
      checks: [{ name: 'a', outcome: 'held', detail: 'z' }],
    });
    const [stored] = readResults(dir);
    expect(stored?.checks.map((c) => `${c.name}:${c.outcome}`)).toEqual(['b:held', 'a:held']);
    expect(stored?.runId).toBe('run-a');
  });

  it('starts a suite afresh in a new run', () => {
    recordResult({
      suite: 's',
      section: 'load',
      checks: [{ name: 'old', outcome: 'held', detail: '' }],
    });
    process.env.PARLEY_RELIABILITY_RUN_ID = 'run-b';
    recordResult({
      suite: 's',
      section: 'load',
      checks: [{ name: 'new', outcome: 'held', detail: '' }],
    });
    expect(readResults(dir)[0]?.checks.map((c) => c.name)).toEqual(['new']);
  });

  it('records a failed check with the first line of its error, and rethrows', async () => {
    const recorder = suiteRecorder('r', 'attacks');
    await expect(
      recorder.check('boom', () => {
        throw new Error('first line\nsecond line');
      }),
    ).rejects.toThrow('first line');
    expect(readResults(dir)[0]?.checks).toEqual([
      { name: 'boom', outcome: 'failed', detail: 'first line' },
    ]);
  });

  it('refuses suite names that are not plain file names', () => {
    expect(() => recordResult({ suite: '../x', section: 'load', checks: [] })).toThrow(
      /suite name/,
    );
  });
});

describe('the report', () => {
  it('is written only when every section has results, and only by the script', () => {
    recordResult({
      suite: 'l',
      section: 'load',
      checks: [{ name: 'c', outcome: 'held', detail: 'd' }],
    });
    expect(writeReport({ dir, file: out })).toMatchObject({
      written: false,
      reason: expect.stringMatching(
        /^no results yet for: model_faults, infrastructure, human_loop, bad_input, attacks/,
      ),
    });
    expect(existsSync(out)).toBe(false);
    for (const section of SECTIONS.slice(1)) {
      recordResult({
        suite: section,
        section,
        checks: [{ name: 'c', outcome: section === 'attacks' ? 'failed' : 'held', detail: 'd' }],
      });
    }
    expect(writeReport({ dir, file: out })).toMatchObject({ written: true, checks: 6, failed: 1 });
    const text = readFileSync(out, 'utf8');
    expect(text).toContain('**1 of 6 checks FAILED.**');
    expect(text).toContain('in one test run');
  });

  it('names how many test runs the results come from', () => {
    for (const [i, section] of SECTIONS.entries()) {
      process.env.PARLEY_RELIABILITY_RUN_ID = `run-${i % 2}`;
      recordResult({
        suite: section,
        section,
        checks: [{ name: 'c', outcome: 'held', detail: '' }],
      });
    }
    writeReport({ dir, file: out });
    expect(readFileSync(out, 'utf8')).toContain('in 2 test runs');
  });

  it('renders sections in order, numbers, failures, and escapes table cells', () => {
    const text = renderReport(
      [
        {
          suite: 'faults',
          section: 'model_faults',
          recordedAt: 't',
          runId: 'r',
          checks: [
            {
              name: 'a | b',
              outcome: 'failed',
              detail: 'line\nbreak',
              numbers: { ms: 1.25, n: 3 },
            },
          ],
        },
      ],
      { generatedAt: 'now', node: 'v20', cpus: 2 },
    );
    expect(text).toContain('**1 of 1 checks FAILED.**');
    expect(text).toContain(
      '## Failed checks\n\n| Suite | Check | Why |\n|---|---|---|\n| `faults` | a \\| b | line break |',
    );
    expect(text).toContain('| a \\| b | **FAILED** | line break | ms: 1.3, n: 3 |');
    expect(text.indexOf('## Load')).toBeLessThan(text.indexOf('## Model faults'));
    expect(text).toContain('## Attacks\n\nAttacks');
    expect(text).toContain('_No results recorded._');
  });
});
