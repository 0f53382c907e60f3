import { describe, expect, it } from 'vitest';
import { analyzeArticle } from './analyzed-article.js';
import { HOLDOUT_FILE, loadQuestions } from './eval/evaluate.js';
import { DEFAULT_KB_DIR } from './knowledge-base.js';
import { loadArticles } from './load-articles.js';
import { toTextBlocks } from './markdown-text.js';
import { analyzeQuery, weightedTerms } from './query-analysis.js';
import { DEFAULT_TUNING } from './search-tuning.js';
import { extractSnippet, MAX_SNIPPET_LENGTH } from './snippet.js';
import { analyze } from './text-analysis.js';

const distinctTerms = (text: string) => [...new Set(analyze(text))];

/** The index analyzes articles once, for all queries; snippets must not notice. */
describe('articles analyzed for snippets (sample knowledge base)', async () => {
  const { articles } = await loadArticles(DEFAULT_KB_DIR);
  const analyzed = articles.map((article) => analyzeArticle(article.body, MAX_SNIPPET_LENGTH));

  it('holds the terms analyze() gives for each block, heading and long block sentence', () => {
    let cutBlocks = 0;
    articles.forEach((article, i) => {
      const blocks = analyzed[i] ?? [];
      expect(blocks.map((b) => ({ heading: b.heading.text, text: b.text }))).toEqual(
        toTextBlocks(article.body),
      );
      for (const block of blocks) {
        // In order of first occurrence: snippet scores are sums, and float sums depend on order.
        expect(block.terms).toEqual(distinctTerms(block.text));
        expect(block.heading.terms).toEqual(distinctTerms(block.heading.text));
        expect(block.sentences !== undefined).toBe(block.text.length > MAX_SNIPPET_LENGTH);
        for (const sentence of block.sentences ?? []) {
          expect(sentence.terms).toEqual(distinctTerms(sentence.text));
        }
        if (block.sentences) cutBlocks++;
      }
    });
    expect(cutBlocks).toBeGreaterThan(0);
  });

  it('gives, query after query, the snippets of analyzing the Markdown per query', async () => {
    const questions = [...(await loadQuestions()), ...(await loadQuestions(HOLDOUT_FILE))];
    const mismatches: string[] = [];
    const cutSnippets = new Map<number, number>();
    for (const { question, expected } of questions) {
      const terms = weightedTerms(analyzeQuery(question), DEFAULT_TUNING.synonymWeight);
      const i = articles.findIndex((article) => article.id === expected);
      // A shorter snippet than the articles were analyzed for also cuts blocks without
      // precomputed sentences.
      for (const maxLength of [MAX_SNIPPET_LENGTH, 120]) {
        const snippet = extractSnippet(analyzed[i] ?? [], terms, maxLength);
        if (snippet !== extractSnippet(articles[i]?.body ?? '', terms, maxLength)) {
          mismatches.push(`${expected} / ${maxLength} / ${question}`);
        }
        if (snippet.endsWith('…')) {
          cutSnippets.set(maxLength, (cutSnippets.get(maxLength) ?? 0) + 1);
        }
      }
    }
    expect(mismatches).toEqual([]);
    // Both kinds of cut happened: from precomputed sentences and from sentences split on demand.
    expect(cutSnippets.get(MAX_SNIPPET_LENGTH)).toBeGreaterThan(0);
    expect(cutSnippets.get(120)).toBeGreaterThan(0);
  });
});
