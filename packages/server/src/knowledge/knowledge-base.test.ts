import { existsSync } from 'node:fs';
import { mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createKnowledgeBase, DEFAULT_KB_DIR, type KnowledgeBaseLogger } from './knowledge-base.js';
import type { KnowledgeBase } from './types.js';

const article = (title: string, body: string) =>
  `---\ntitle: ${title}\nurl: https://help.example/${title.toLowerCase().replace(/\s+/g, '-')}\ntags: [test]\n---\n\n${body}\n`;

/**
 * BM25 rates a word by how rare it is across the articles; in a folder of one article every word
 * is as common as can be. These give each test folder a few neighbours, like a real knowledge base.
 */
async function writeNeighbours(dir: string): Promise<void> {
  await writeFile(path.join(dir, 'kettles.md'), article('Kettles', 'Descale the kettle monthly.'));
  await writeFile(path.join(dir, 'lamps.md'), article('Lamps', 'Lamps use warm white bulbs.'));
  await writeFile(path.join(dir, 'sofas.md'), article('Sofas', 'Vacuum the sofa cushions weekly.'));
}

function recordingLogger() {
  const warnings: { obj: object; msg?: string }[] = [];
  const logger: KnowledgeBaseLogger = {
    info: () => {},
    warn: (obj, msg) => warnings.push({ obj, msg }),
  };
  return { logger, warnings };
}

/** The debounce is 200 ms; give the watcher and the reload generous time on a busy machine. */
const eventually = { timeout: 5000, interval: 50 };

describe('DEFAULT_KB_DIR', () => {
  it('is the absolute path of the sample knowledge base', () => {
    expect(path.isAbsolute(DEFAULT_KB_DIR)).toBe(true);
    expect(DEFAULT_KB_DIR.endsWith(path.join('server', 'kb', 'acme'))).toBe(true);
    expect(existsSync(path.join(DEFAULT_KB_DIR, 'reset-password.md'))).toBe(true);
  });
});

describe('createKnowledgeBase', () => {
  let dir: string;
  let kb: KnowledgeBase | undefined;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'parley-kb-'));
    await writeNeighbours(dir);
  });
  afterEach(async () => {
    await kb?.close();
    kb = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  it('indexes the sample knowledge base', async () => {
    kb = await createKnowledgeBase({ dir: DEFAULT_KB_DIR });
    expect(kb.size).toBeGreaterThanOrEqual(28);
    expect(kb.search('How do I reset my password?')[0]?.id).toBe('reset-password');
  });

  it('warns about invalid files and serves the valid ones', async () => {
    await writeFile(path.join(dir, 'good.md'), article('Good', 'Pelicans deliver parcels.'));
    await writeFile(path.join(dir, 'bad.md'), '---\nurl: nope\n---\nBody');
    const { logger, warnings } = recordingLogger();

    kb = await createKnowledgeBase({ dir, logger });
    expect(kb.size).toBe(4);
    expect(warnings).toHaveLength(1);
    expect(JSON.stringify(warnings[0]?.obj)).toMatch(/bad\.md/);
  });

  it('rejects when the folder does not exist', async () => {
    await expect(createKnowledgeBase({ dir: path.join(dir, 'missing') })).rejects.toThrow();
  });

  it('does not reindex without watch', async () => {
    kb = await createKnowledgeBase({ dir });
    await writeFile(path.join(dir, 'late.md'), article('Late', 'Flamingos are pink.'));
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(kb.search('flamingos')).toEqual([]);
  });

  it('answers a repeated question the same way, with copies a caller cannot spoil', async () => {
    kb = await createKnowledgeBase({ dir: DEFAULT_KB_DIR });
    const first = kb.search('How do I reset my password?');
    first[0]!.title = 'changed by a caller';
    const again = kb.search('  how do I reset my PASSWORD? ');
    expect(again[0]?.id).toBe('reset-password');
    expect(again[0]?.title).not.toBe('changed by a caller');
    expect(kb.search('How do I reset my password?', 1)).toHaveLength(1);
  });

  it('with watch, finds added and changed articles and forgets deleted ones', async () => {
    kb = await createKnowledgeBase({ dir, watch: true });
    const { search } = kb;
    expect(search('flamingos')).toEqual([]);

    const file = path.join(dir, 'birds.md');
    await writeFile(file, article('Birds', 'Flamingos are pink because of their food.'));
    await vi.waitFor(() => expect(search('flamingos')[0]?.id).toBe('birds'), eventually);

    await writeFile(file, article('Birds', 'Penguins cannot fly but swim very well.'));
    await vi.waitFor(() => expect(search('penguins')[0]?.id).toBe('birds'), eventually);
    expect(search('flamingos')).toEqual([]);

    await unlink(file);
    await vi.waitFor(() => expect(search('penguins')).toEqual([]), eventually);
    expect(kb.size).toBe(3);
  });

  it('with watch, keeps the last good version of a file broken by an edit', async () => {
    const file = path.join(dir, 'birds.md');
    await writeFile(file, article('Birds', 'Flamingos are pink because of their food.'));
    const { logger, warnings } = recordingLogger();
    kb = await createKnowledgeBase({ dir, watch: true, logger });

    await writeFile(file, '---\ntitle: Birds\n---\nThe url went missing.');
    await vi.waitFor(() => expect(warnings).toHaveLength(1), eventually);
    expect(kb.search('flamingos')[0]?.id).toBe('birds');
    expect(kb.size).toBe(4);
  });

  it('with watch, skips a new broken file with a warning', async () => {
    const { logger, warnings } = recordingLogger();
    kb = await createKnowledgeBase({ dir, watch: true, logger });

    await writeFile(path.join(dir, 'broken.md'), '---\ntitle: [\n---\nPenguins.');
    await vi.waitFor(() => expect(warnings).toHaveLength(1), eventually);
    expect(kb.size).toBe(3);
    expect(kb.search('penguins')).toEqual([]);
  });

  it('stops reindexing once closed', async () => {
    kb = await createKnowledgeBase({ dir, watch: true });
    await kb.close();
    await writeFile(path.join(dir, 'late.md'), article('Late', 'Flamingos are pink.'));
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(kb.search('flamingos')).toEqual([]);
  });
});
