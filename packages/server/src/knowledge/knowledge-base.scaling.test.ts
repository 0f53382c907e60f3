import { expectLinearScaling, fill, TEXT_SIZES } from '@parley/testkit';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { createKnowledgeBase, DEFAULT_KB_DIR } from './knowledge-base.js';
import { fuzziness, MAX_FUZZY_TERM_LENGTH } from './search-tuning.js';
import { MAX_SNIPPET_LENGTH } from './snippet.js';

/**
 * The search tool passes the model's query, at most 500 characters; the knowledge base itself takes
 * any string, so it must not cost more than linear time in it either. Timed at `TEXT_SIZES`, with
 * two retries as `knowledge/markdown-text.scaling.test.ts` explains.
 */
/** About `n` characters of different words, all as long, so each costs the same. */
const distinctWords = (n: number) =>
  Array.from({ length: n / 7 }, (_, i) => `w${String(i).padStart(5, '0')}`).join(' ');

const HOSTILE_QUESTIONS: [string, (n: number) => string][] = [
  // MiniSearch's typo search allocates a table of the word's length squared.
  ['one long word', (n) => 'a'.repeat(n)],
  ['one long word starting like an article word', (n) => fill('password', n)],
  ['many distinct unknown words', (n) => distinctWords(n)],
  ['many typos of article words', (n) => fill('pasword refnd camra ', n)],
  ['one synonym phrase, again and again', (n) => fill('money back ', n)],
  ['many sentence ends', (n) => fill('Refund? ', n)],
  ['delimiter soup', (n) => fill('*_[]()`<>!#|-+~\\&', n)],
  ['a long run of spaces between two words', (n) => `reset${' '.repeat(n)}password`],
];

describe('searching the sample knowledge base with hostile questions', { retry: 2 }, async () => {
  // Without the result cache, so every run searches.
  const kb = await createKnowledgeBase({ dir: DEFAULT_KB_DIR });
  afterAll(() => kb.close());

  it.each(HOSTILE_QUESTIONS)('scales linearly: %s', (what, input) => {
    expectLinearScaling({ ...TEXT_SIZES, input, run: (question) => kb.search(question) }, what);
  });

  it('matches typos only in words of up to MAX_FUZZY_TERM_LENGTH letters', () => {
    expect(fuzziness('a'.repeat(MAX_FUZZY_TERM_LENGTH))).toBe(2);
    expect(fuzziness('a'.repeat(MAX_FUZZY_TERM_LENGTH + 1))).toBe(false);
  });

  it('returns at most `limit` distinct hits, best first, with snippets that fit', () => {
    const vocabulary = ['reset', 'password', 'refund', 'money', 'back', 'camera', 'pasword', 'the'];
    const word = fc.oneof(fc.constantFrom(...vocabulary), fc.string({ maxLength: 12 }));
    const question = fc.array(word, { maxLength: 20 }).map((words) => words.join(' '));
    fc.assert(
      fc.property(question, fc.integer({ min: 0, max: 5 }), (q, limit) => {
        const hits = kb.search(q, limit);
        expect(hits.length).toBeLessThanOrEqual(limit);
        expect(new Set(hits.map((hit) => hit.id)).size).toBe(hits.length);
        for (const [i, hit] of hits.entries()) {
          expect(hit.snippet.length).toBeLessThanOrEqual(MAX_SNIPPET_LENGTH);
          if (i > 0) expect(hit.score).toBeLessThanOrEqual(hits[i - 1]?.score ?? 0);
        }
      }),
      { numRuns: 200 },
    );
  });
});
