import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_KB_DIR } from './knowledge-base.js';
import { loadArticles } from './load-articles.js';
import { createSearchIndex, type SearchIndex } from './search-index.js';
import { DEFAULT_TUNING } from './search-tuning.js';
import type { Article } from './types.js';

let articles: Article[];
let index: SearchIndex;
beforeAll(async () => {
  ({ articles } = await loadArticles(DEFAULT_KB_DIR));
  index = createSearchIndex(articles);
});

const topIds = (query: string, limit = 3) => index.search(query, limit).map((hit) => hit.id);

describe('search on the sample knowledge base', () => {
  it.each([
    ['How do I reset my password?', 'reset-password'],
    ['how do I get my money back', 'refund-policy'],
    ['my camera is not connecting to the internet', 'wifi-connection-problems'],
    ['where can I get a receipt', 'download-invoices'],
    ['forgot my pasword', 'reset-password'],
  ])('puts the right article first for "%s"', (query, expected) => {
    expect(topIds(query)[0]).toBe(expected);
  });

  it('returns title, url, a snippet from the article and a score', () => {
    const [hit] = index.search('How do I reset my password?');
    expect(hit).toMatchObject({
      id: 'reset-password',
      title: 'Reset a forgotten password',
      url: 'https://help.acme.example/articles/reset-password',
    });
    expect(hit?.snippet).toMatch(/Forgot password\?/);
    expect(hit?.snippet).not.toMatch(/\*\*/);
    expect(hit?.score).toBeGreaterThan(0);
  });

  it('returns best matches first, three by default, fewer when asked', () => {
    const hits = index.search('refund for my subscription');
    expect(hits).toHaveLength(3);
    expect(hits.map((hit) => hit.score)).toEqual(
      [...hits.map((hit) => hit.score)].sort((a, b) => b - a),
    );
    expect(index.search('refund for my subscription', 1)).toHaveLength(1);
    expect(index.search('refund for my subscription', 0)).toEqual([]);
  });

  it.each(['asdfgh qwerty', 'zzzzzz', 'lorem ipsum dolor sit amet', 'tell me a joke', '', '?!'])(
    'finds nothing for the nonsense query "%s"',
    (query) => {
      expect(index.search(query)).toEqual([]);
    },
  );

  it('drops typo-only matches of common words but keeps typos of distinctive ones', () => {
    // "lorem" is one edit from "order", a word in half the articles: noise.
    expect(index.search('lorem')).toEqual([]);
    expect(topIds('refnd')[0]).toBe('refund-policy');
  });

  it.each([
    ['how do I unsubscribe', 'change-or-cancel-subscription'],
    ['can I get reimbursed', 'refund-policy'],
    ['the internet keeps dropping on my cam', 'wifi-connection-problems'],
  ])('needs synonyms to answer "%s"', (query, expected) => {
    const withoutSynonyms = createSearchIndex(articles, { ...DEFAULT_TUNING, synonymWeight: 0 });
    expect(withoutSynonyms.search(query)[0]?.id).not.toBe(expected);
    expect(topIds(query)[0]).toBe(expected);
  });

  it('scales its relevance threshold to the size of the knowledge base', () => {
    const small = ['Kettles', 'Lamps', 'Sofas', 'Birds'].map((title) => ({
      id: title.toLowerCase(),
      title,
      url: `https://help.example/${title.toLowerCase()}`,
      tags: [],
      body: title === 'Birds' ? 'Flamingos are pink because of their food.' : `All about ${title}.`,
    }));
    expect(createSearchIndex(small).search('why are flamingos pink')[0]?.id).toBe('birds');
    expect(createSearchIndex(small).search('asdfgh qwerty')).toEqual([]);
  });

  it('reports its size', () => {
    expect(index.size).toBe(articles.length);
    expect(createSearchIndex([]).search('password')).toEqual([]);
  });
});
