import { readFile } from 'node:fs/promises';
import MiniSearch from 'minisearch';
import { z } from 'zod';
import { extractHeadings, toPlainText } from '../markdown-text.js';
import type { Article } from '../types.js';

/** One eval case: a visitor question and the id of the article that answers it. */
export const EvalQuestion = z.object({ question: z.string().min(1), expected: z.string().min(1) });
export type EvalQuestion = z.infer<typeof EvalQuestion>;

/** The eval set the ranking was tuned on; the quality gate applies to it. */
export const QUESTIONS_FILE = new URL('./questions.json', import.meta.url);

/**
 * Questions written before any tuning and kept out of it: how well the tuning generalizes.
 * Reported, not gated; if it lags far behind `questions.json`, the tuning is overfitting. Don't
 * add synonyms for its misses; that would turn it into a second tuning set.
 */
export const HOLDOUT_FILE = new URL('./holdout.json', import.meta.url);

/** The quality bar from the issue: the right article first for at least 90 % of questions. */
export const MIN_HIT_AT_1 = 0.9;

/** Where the right article must be among the first three. */
export const MIN_HIT_AT_3 = 0.97;

/** A search under test: article ids, best first. */
export type RankFn = (query: string) => string[];

export interface EvalMiss {
  question: string;
  expected: string;
  /** What the search returned instead, best first (up to 3). */
  got: string[];
}

export interface EvalReport {
  total: number;
  hitAt1: number;
  hitAt3: number;
  misses: EvalMiss[];
}

/** Reads and validates the eval questions. */
export async function loadQuestions(file: URL | string = QUESTIONS_FILE): Promise<EvalQuestion[]> {
  return z.array(EvalQuestion).parse(JSON.parse(await readFile(file, 'utf8')));
}

/** Runs every question through `rank` and measures hit@1 and hit@3. */
export function evaluate(rank: RankFn, questions: readonly EvalQuestion[]): EvalReport {
  let at1 = 0;
  let at3 = 0;
  const misses: EvalMiss[] = [];
  for (const { question, expected } of questions) {
    const got = rank(question).slice(0, 3);
    if (got[0] === expected) at1++;
    if (got.includes(expected)) at3++;
    if (got[0] !== expected) misses.push({ question, expected, got });
  }
  const total = questions.length;
  return { total, hitAt1: at1 / total, hitAt3: at3 / total, misses };
}

/**
 * MiniSearch with its defaults (its own tokenizer, lowercase only, no boosts, no prefix or fuzzy,
 * no synonyms) over the same fields: the baseline the tuned index must beat.
 */
export function createBaselineRank(articles: readonly Article[]): RankFn {
  const index = new MiniSearch({ fields: ['title', 'tags', 'headings', 'body'] });
  index.addAll(
    articles.map((article) => ({
      id: article.id,
      title: article.title,
      tags: article.tags.join(' '),
      headings: extractHeadings(article.body).join(' '),
      body: toPlainText(article.body),
    })),
  );
  return (query) => index.search(query).map((result) => String(result.id));
}
