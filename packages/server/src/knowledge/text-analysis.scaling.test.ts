import { expectLinearScaling, fill, repeated, TEXT_SIZES } from '@parley/testkit';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyze, tokenize } from './text-analysis.js';

/**
 * Every article is analyzed when the index is built and every visitor question when it is asked.
 * Timed at `TEXT_SIZES`, with two retries as `knowledge/markdown-text.scaling.test.ts` explains.
 */
/** About `n` characters of different words, all as long, so each costs the same. */
const distinctWords = (n: number) =>
  Array.from({ length: n / 7 }, (_, i) => `w${String(i).padStart(5, '0')}`).join(' ');

const HOSTILE_TEXTS: [string, (n: number) => string][] = [
  ['a long word', (n) => 'a'.repeat(n)],
  ['a long word the stemmer works hard on', (n) => `${fill('ab', n)}ational`],
  ['a long number with a unit', (n) => `${'1'.repeat(n)}ghz`],
  ['alternating digits and letters', (n) => fill('1a', n)],
  ['a long hyphenated compound', (n) => fill('a-', n)],
  ['a long chain of apostrophes', (n) => fill("a'", n)],
  ['letters with combining marks', (n) => fill('e\u0301', n)],
  ['a long run of hyphens', (n) => '-'.repeat(n)],
  ['a long run of spaces', (n) => ' '.repeat(n)],
  ['many British spellings', (n) => fill('colour ', n)],
  ['many stop words', (n) => fill('the ', n)],
  ['many distinct words', (n) => distinctWords(n)],
];

describe('analysis of hostile text', { retry: 2 }, () => {
  it.each(HOSTILE_TEXTS)('scales linearly: %s', (what, input) => {
    expectLinearScaling({ ...TEXT_SIZES, input, run: repeated(analyze) }, what);
  });
});

describe('analysis of any text', () => {
  it('gives lowercase word tokens, and terms among them or their stems', () => {
    const text = fc.string({
      unit: fc.oneof(
        fc.constantFrom(
          ..."aZ1-'’ .\t\n".split(''),
          'colour',
          'the',
          'é',
          'e\u0301',
          'İ',
          'ß',
          '😀',
        ),
        fc.string({ unit: 'grapheme', maxLength: 1 }),
      ),
      maxLength: 200,
    });
    fc.assert(
      fc.property(text, (t) => {
        for (const token of tokenize(t)) {
          expect(token).toMatch(/^[\p{L}\p{N}]+$/u);
          expect(token).toBe(token.toLowerCase());
        }
        for (const term of analyze(t)) expect(term).toMatch(/^[\p{L}\p{N}]+$/u);
      }),
    );
  });
});
