import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** The sections of docs/reliability.md, in the order they are rendered. */
export const SECTIONS = [
  'load',
  'model_faults',
  'infrastructure',
  'human_loop',
  'bad_input',
  'attacks',
] as const;
export type Section = (typeof SECTIONS)[number];

/** One thing a suite proved (or failed to prove), in words and, when it has them, numbers. */
export interface CheckResult {
  name: string;
  outcome: 'held' | 'failed';
  detail: string;
  numbers?: Record<string, number>;
}

/**
 * What one suite (one test file) found in one run; `results/<suite>.json` (git-ignored) holds it.
 * The report writer renders every file it finds.
 */
export interface SuiteResult {
  suite: string;
  section: Section;
  checks: CheckResult[];
}

/** A stored result: the record plus when, and in which vitest run, it was written. */
export interface StoredSuiteResult extends SuiteResult {
  recordedAt: string;
  runId: string;
}

/**
 * Where result files live: `packages/reliability/results/`, ignored by git, so running the tests
 * never changes a tracked file. `PARLEY_RELIABILITY_RESULTS` moves them (the writer's tests do).
 */
export function resultsDir(): string {
  return (
    process.env.PARLEY_RELIABILITY_RESULTS ?? path.resolve(import.meta.dirname, '../../results')
  );
}

/**
 * Identifies one vitest run: set by the global setup before test files start, so every file of a
 * run agrees; a file run on its own (no global setup) gets one of its own.
 */
function currentRunId(): string {
  process.env.PARLEY_RELIABILITY_RUN_ID ??= `local-${process.pid}-${Date.now()}`;
  return process.env.PARLEY_RELIABILITY_RUN_ID;
}

function fileOf(suite: string): string {
  if (!/^[a-z0-9][a-z0-9._-]*$/i.test(suite)) {
    throw new Error(`suite name "${suite}" must be a plain file name (letters, digits, . _ -)`);
  }
  return path.join(resultsDir(), `${suite}.json`);
}

function readStored(file: string): StoredSuiteResult | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as StoredSuiteResult;
  } catch {
    return undefined;
  }
}

/**
 * Adds checks to `results/<suite>.json`. Within one run the checks accumulate (a check with the
 * same name is replaced); a file left by an earlier run is started afresh. Use one suite name per
 * test file: files run in parallel processes, and two writers of one file would race.
 *
 * @example
 * recordResult({ suite: 'load-memory', section: 'load', checks: [{ name, outcome: 'held', detail }] });
 */
export function recordResult(result: SuiteResult): void {
  const file = fileOf(result.suite);
  mkdirSync(path.dirname(file), { recursive: true });
  const runId = currentRunId();
  const previous = readStored(file);
  const kept =
    previous && previous.runId === runId && previous.section === result.section
      ? previous.checks.filter((c) => !result.checks.some((n) => n.name === c.name))
      : [];
  const stored: StoredSuiteResult = {
    suite: result.suite,
    section: result.section,
    checks: [...kept, ...result.checks],
    recordedAt: new Date().toISOString(),
    runId,
  };
  // Write then rename, so the report writer never reads half a file.
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(stored, null, 2)}\n`);
  renameSync(temporary, file);
}

/** Every stored result, sorted by section then suite; unreadable files are skipped. */
export function readResults(dir = resultsDir()): StoredSuiteResult[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((name) => name.endsWith('.json'));
  } catch {
    return [];
  }
  return names
    .map((name) => readStored(path.join(dir, name)))
    .filter((r): r is StoredSuiteResult => r !== undefined && SECTIONS.includes(r.section))
    .sort(
      (a, b) =>
        SECTIONS.indexOf(a.section) - SECTIONS.indexOf(b.section) || a.suite.localeCompare(b.suite),
    );
}

export interface CheckOutcome {
  detail: string;
  numbers?: Record<string, number>;
}

/**
 * A suite's recorder: `check(name, fn)` runs `fn` (the assertions), records `held` with the
 * detail it returns, or `failed` with the error's first line, and rethrows the failure so the test
 * fails too.
 *
 * @example
 * const results = suiteRecorder('faults-model', 'model_faults');
 * it('survives a 500', () => results.check('500 from the model', async () => {
 *   // ...assertions...
 *   return { detail: 'answered by the fallback', numbers: { ms: 120 } };
 * }));
 */
export function suiteRecorder(suite: string, section: Section) {
  return {
    async check(name: string, fn: () => Promise<CheckOutcome> | CheckOutcome): Promise<void> {
      let outcome: CheckOutcome;
      try {
        outcome = await fn();
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        recordResult({
          suite,
          section,
          checks: [{ name, outcome: 'failed', detail: message.split('\n')[0] ?? message }],
        });
        throw error;
      }
      recordResult({
        suite,
        section,
        checks: [
          {
            name,
            outcome: 'held',
            detail: outcome.detail,
            ...(outcome.numbers ? { numbers: outcome.numbers } : {}),
          },
        ],
      });
    },
  };
}
