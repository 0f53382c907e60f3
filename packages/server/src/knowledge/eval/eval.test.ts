import { describe, expect, it } from 'vitest';
import { DEFAULT_KB_DIR } from '../knowledge-base.js';
import { loadArticles } from '../load-articles.js';
import { createSearchIndex } from '../search-index.js';
import {
  createBaselineRank,
  evaluate,
  HOLDOUT_FILE,
  loadQuestions,
  MIN_HIT_AT_1,
  MIN_HIT_AT_3,
} from './evaluate.js';

/** The quality gate: ranking changes must keep the eval numbers above the bar. */
describe('knowledge-base search quality', async () => {
  const { articles } = await loadArticles(DEFAULT_KB_DIR);
  const index = createSearchIndex(articles);
  const rank = (query: string) => index.search(query, 3).map((hit) => hit.id);
  const questions = await loadQuestions();

  it('has at least 45 questions, each expecting an existing article', async () => {
    const ids = new Set(articles.map((article) => article.id));
    const holdout = await loadQuestions(HOLDOUT_FILE);
    expect(questions.length).toBeGreaterThanOrEqual(45);
    for (const { expected } of [...questions, ...holdout]) expect(ids).toContain(expected);
  });

  it(`puts the right article first for at least ${MIN_HIT_AT_1 * 100} % of questions`, () => {
    const report = evaluate(rank, questions);
    expect(report.hitAt1, JSON.stringify(report.misses, null, 2)).toBeGreaterThanOrEqual(
      MIN_HIT_AT_1,
    );
    expect(report.hitAt3).toBeGreaterThanOrEqual(MIN_HIT_AT_3);
  });

  it('beats plain MiniSearch on the same questions', () => {
    const tuned = evaluate(rank, questions);
    const baseline = evaluate(createBaselineRank(articles), questions);
    expect(tuned.hitAt1).toBeGreaterThan(baseline.hitAt1);
  });
});
