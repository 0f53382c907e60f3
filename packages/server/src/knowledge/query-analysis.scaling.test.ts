import { expectLinearScaling, fill, TEXT_SIZES } from '@parley/testkit';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyzeQuery, weightedTerms } from './query-analysis.js';

/**
 * Every visitor question is analyzed: synonym phrases are looked for, then the remaining words.
 * Timed at `TEXT_SIZES`, with two retries as `knowledge/markdown-text.scaling.test.ts` explains.
 */
/** About `n` characters of different words, all as long, so each costs the same. */
const distinctWords = (n: number) =>
  Array.from({ length: n / 7 }, (_, i) => `w${String(i).padStart(5, '0')}`).join(' ');

const HOSTILE_QUESTIONS: [string, (n: number) => string][] = [
  ['one synonym phrase, again and again', (n) => fill('sign in ', n)],
  ["a phrase's first word, again and again", (n) => `${fill('sign ', n)}in`],
  ['phrase words with gaps just too long', (n) => fill('send it to them back ', n)],
  ['particles between phrase words', (n) => fill('sign up in ', n)],
  ['filler between phrase words', (n) => `close ${fill('the my a ', n)}account`],
  ['stop words only', (n) => fill('the ', n)],
  ['many distinct words', (n) => distinctWords(n)],
  ['a long word', (n) => 'a'.repeat(n)],
  ['many sentence ends', (n) => fill('Refund? ', n)],
];

describe('analysis of hostile questions', { retry: 2 }, () => {
  it.each(HOSTILE_QUESTIONS)('scales linearly: %s', (what, input) => {
    expectLinearScaling({ ...TEXT_SIZES, input, run: analyzeQuery }, what);
  });
});

describe('analysis of any question', () => {
  it('gives concepts of non-empty alternatives, weighted at most 1', () => {
    const vocabulary = ['sign', 'in', 'up', 'money', 'back', 'close', 'my', 'account', 'the'];
    const word = fc.oneof(fc.constantFrom(...vocabulary), fc.string({ maxLength: 6 }));
    const question = fc.array(word, { maxLength: 30 }).map((words) => words.join(' '));
    fc.assert(
      fc.property(question, fc.double({ min: 0, max: 1, noNaN: true }), (q, synonymWeight) => {
        const concepts = analyzeQuery(q);
        for (const concept of concepts) {
          expect(concept.alternatives.length).toBeGreaterThan(0);
          for (const alternative of concept.alternatives) {
            expect(alternative.terms.length).toBeGreaterThan(0);
            for (const term of alternative.terms) expect(term).not.toBe('');
          }
        }
        for (const weight of weightedTerms(concepts, synonymWeight).values()) {
          expect(weight).toBeGreaterThanOrEqual(0);
          expect(weight).toBeLessThanOrEqual(1);
        }
      }),
    );
  });
});
