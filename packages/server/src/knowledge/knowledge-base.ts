import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type FSWatcher, watch as watchFolder } from 'chokidar';
import { loadArticles } from './load-articles.js';
import { createSearchIndex, type SearchIndex } from './search-index.js';
import type { Article, KnowledgeBase } from './types.js';

/** The subset of a pino logger the knowledge base writes to. */
export interface KnowledgeBaseLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export interface KnowledgeBaseOptions {
  /** Folder of Markdown articles, searched recursively. */
  dir: string;
  /** Rebuild the index when files are added, changed or removed. Off by default. */
  watch?: boolean;
  logger?: KnowledgeBaseLogger;
}

/** Edits usually arrive as bursts of events (save, rename, touch); one rebuild covers a burst. */
export const REINDEX_DEBOUNCE_MS = 200;

const SAMPLE_KB = path.join('kb', 'acme');

/**
 * Finds `packages/server/kb/acme` from this module's location. From `src/knowledge/` (tsx,
 * vitest) and from `dist/knowledge/` (compiled) it is `../../kb/acme`; walking up also covers a
 * bundle that flattens `dist/`. Falls back to the working directory so a misplaced build still
 * gives a readable "folder not found" error rather than a wrong path deep in node_modules.
 */
function findSampleKbDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 5; depth++) {
    const candidate = path.join(dir, SAMPLE_KB);
    if (existsSync(candidate)) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return path.resolve(SAMPLE_KB);
}

/** Absolute path of the sample Acme knowledge base shipped in `packages/server/kb/acme`. */
export const DEFAULT_KB_DIR: string = findSampleKbDir();

const silentLogger: KnowledgeBaseLogger = { info() {}, warn() {} };

const DEFAULT_SEARCH_LIMIT = 3;

/**
 * Loads every article under `dir`, indexes it, and, with `watch`, keeps the index current.
 * A reload builds a complete new index and swaps it in at once, so searches never see a half-built
 * index. A file that breaks in an edit keeps its last good version (with a warning); a new broken
 * file is skipped with a warning. Rejects only when the folder itself can't be read.
 *
 * @example
 * const kb = await createKnowledgeBase({ dir: DEFAULT_KB_DIR, watch: true, logger });
 * kb.search('reset my password'); // [{ id: 'reset-password', title, url, snippet, score }]
 * await kb.close();
 */
export async function createKnowledgeBase(options: KnowledgeBaseOptions): Promise<KnowledgeBase> {
  const { dir, logger = silentLogger } = options;
  let articles = new Map<string, Article>();
  // No result cache: a search costs about half a millisecond, and the bench measured no
  // difference in a turn's cost with a cache in front of it (docs/performance.md).
  let index: SearchIndex = createSearchIndex([]);

  async function reload(reason: string): Promise<void> {
    const loaded = await loadArticles(dir);
    const next = new Map(loaded.articles.map((article) => [article.id, article]));
    const keptLastGood = loaded.rejected.filter((id) => articles.has(id));
    for (const id of keptLastGood) next.set(id, articles.get(id)!);
    if (loaded.problems.length > 0) {
      logger.warn(
        { dir, problems: loaded.problems, keptLastGood },
        'knowledge base: invalid articles (new ones skipped, edited ones kept as they were)',
      );
    }
    index = createSearchIndex([...next.values()]);
    articles = next;
    logger.info({ dir, articles: index.size, reason }, 'knowledge base indexed');
  }

  await reload('start-up');

  let watcher: FSWatcher | undefined;
  let timer: NodeJS.Timeout | undefined;
  // Reloads run one after another, so a slow reload can't overwrite a newer one.
  let reloading: Promise<void> = Promise.resolve();

  let closed = false;
  const scheduleReload = () => {
    // An event can still arrive while the watcher is closing.
    if (closed) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      reloading = reloading
        .then(() => reload('files changed'))
        .catch((error: unknown) => {
          logger.warn({ dir, err: error }, 'knowledge base: reload failed, keeping the old index');
        });
    }, REINDEX_DEBOUNCE_MS);
  };

  if (options.watch) {
    watcher = watchFolder(dir, {
      ignoreInitial: true,
      ignored: (file, stats) => Boolean(stats?.isFile()) && !file.toLowerCase().endsWith('.md'),
    });
    watcher.on('all', scheduleReload);
    watcher.on('error', (error) => logger.warn({ dir, err: error }, 'knowledge base watcher'));
    await new Promise<void>((resolve) => watcher?.once('ready', resolve));
  }

  return {
    search(query, limit = DEFAULT_SEARCH_LIMIT) {
      return index.search(query, limit);
    },
    get size() {
      return index.size;
    },
    async close() {
      closed = true;
      clearTimeout(timer);
      await watcher?.close();
      await reloading;
    },
  };
}
