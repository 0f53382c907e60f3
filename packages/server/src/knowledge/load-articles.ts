import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import matter from 'gray-matter';
import { z } from 'zod';
import type { Article } from './types.js';

/** The front matter every article must carry. */
export const ArticleFrontMatter = z.object({
  title: z.string().trim().min(1),
  // Serialised by the URL parser, so spaces, quotes and angle brackets arrive percent-encoded
  // and a URL can never break the Markdown link an answer puts it in.
  url: z.url({ protocol: /^https?$/ }).transform((url) => new URL(url).href),
  tags: z.array(z.string().trim().min(1)).default([]),
});
export type ArticleFrontMatter = z.infer<typeof ArticleFrontMatter>;

/** What {@link loadArticles} found: the good articles, and one message per file it skipped. */
export interface LoadResult {
  articles: Article[];
  /** Human-readable reasons, one per skipped file, naming the file. */
  problems: string[];
  /** Ids of the files that exist but were skipped, so a reload can keep their last good version. */
  rejected: string[];
}

/**
 * gray-matter would `eval` front matter fenced as `---js`. Articles are data that anyone with
 * write access to the folder can edit, so that engine is replaced by one that refuses.
 */
const MATTER_OPTIONS = {
  engines: {
    javascript: () => {
      throw new Error('JavaScript front matter is not allowed');
    },
  },
};

/** Article id for a file: its path relative to the folder, without extension, with `/`. */
export function articleId(dir: string, file: string): string {
  return path.relative(dir, file).replace(/\.md$/i, '').split(path.sep).join('/');
}

/**
 * Parses one article file. Throws an `Error` whose message says what is wrong with the file.
 *
 * @example
 * parseArticle('reset-password', '---\ntitle: Reset\nurl: https://x.example/a\n---\nBody')
 */
export function parseArticle(id: string, source: string): Article {
  // Passing options also turns off gray-matter's cache, which would otherwise keep every
  // version of every file ever loaded while the folder is watched.
  const parsed = matter(source, MATTER_OPTIONS);
  const frontMatter = ArticleFrontMatter.safeParse(parsed.data);
  if (!frontMatter.success) {
    const issues = frontMatter.error.issues.map(
      (issue) => `${issue.path.join('.') || 'front matter'}: ${issue.message}`,
    );
    throw new Error(`invalid front matter (${issues.join('; ')})`);
  }
  const body = parsed.content.trim();
  if (!body) throw new Error('empty body');
  return { id, ...frontMatter.data, body };
}

async function listMarkdownFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.toLowerCase().endsWith('.md'))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}

/**
 * Reads every `.md` file under `dir` (recursively), parses and validates its front matter, and
 * returns the valid articles sorted by id. A broken file is skipped and described in `problems`;
 * only a missing or unreadable folder makes the promise reject.
 */
export async function loadArticles(dir: string): Promise<LoadResult> {
  const result: LoadResult = { articles: [], problems: [], rejected: [] };
  for (const file of await listMarkdownFiles(dir)) {
    const id = articleId(dir, file);
    try {
      result.articles.push(parseArticle(id, await readFile(file, 'utf8')));
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      result.problems.push(`${path.relative(dir, file)}: ${reason}`);
      result.rejected.push(id);
    }
  }
  return result;
}
