import { expectLinearScaling, fill, repeated, TEXT_SIZES } from '@parley/testkit';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AnalyzedSentence, analyzeArticle, analyzeSentences } from './analyzed-article.js';

/**
 * Articles are analyzed once per index build, at start-up and on every re-index, from text anyone
 * with write access to the folder can edit. Timed at `TEXT_SIZES`, with two retries as
 * `knowledge/markdown-text.scaling.test.ts` explains.
 */
const HOSTILE_TEXTS: [string, (n: number) => string][] = [
  ['a long line without a sentence end', (n) => fill('word ', n)],
  ['a long word', (n) => 'a'.repeat(n)],
  ['many sentence ends', (n) => fill('A b. ', n)],
  [
    'sentence ends followed by long runs of spaces and tabs',
    (n) => fill(`a.${' \t'.repeat(50)}`, n),
  ],
  ['a long run of dots', (n) => '.'.repeat(n)],
  ['many line breaks', (n) => fill('a\n', n)],
  ['blank lines', (n) => '\n'.repeat(n)],
  // The old split never matched a carriage return and retried from every position before it.
  ['a long line ending in a carriage return', (n) => `${'a'.repeat(n)}\r`],
  ['carriage returns', (n) => fill('a\r', n)],
  ['list numbers without sentences', (n) => fill('1. ', n)],
];

describe('sentences of hostile text', { retry: 2 }, () => {
  it.each(HOSTILE_TEXTS)('split in linear time: %s', (what, input) => {
    expectLinearScaling(
      { ...TEXT_SIZES, input, run: repeated((text: string) => analyzeSentences(text, [])) },
      what,
    );
  });

  it.each(HOSTILE_TEXTS)('analyzed as an article in linear time: %s', (what, input) => {
    expectLinearScaling({ ...TEXT_SIZES, input, run: (text) => analyzeArticle(text, 40) }, what);
  });
});

/** The regular expression the split used to be, as the reference for text it could handle. */
function regexSentences(text: string): { text: string; separator: ' ' | '\n' }[] {
  const sentences: { text: string; separator: ' ' | '\n' }[] = [];
  let pending = '';
  for (const match of text.matchAll(/(.+?)(?:(?<=[.!?])[ \t]+|\n|$)/g)) {
    const part = match[1] ?? '';
    if (/^\d+\.$/.test(part)) {
      pending = `${pending}${part} `;
      continue;
    }
    sentences.push({ text: pending + part, separator: match[0].endsWith('\n') ? '\n' : ' ' });
    pending = '';
  }
  if (pending) sentences.push({ text: pending.trim(), separator: ' ' });
  return sentences;
}

const shape = (sentences: readonly AnalyzedSentence[]) =>
  sentences.map(({ text, separator }) => ({ text, separator }));

const words = (text: string) => text.split(/\s+/).filter(Boolean);

describe('sentences of any text', () => {
  it('are those of the regular expression they replace, where it worked', () => {
    // The old pattern dropped text before a carriage return or a Unicode line separator.
    const text = fc.string({ unit: fc.constantFrom(...'ab1.!? \t\n'.split('')), maxLength: 60 });
    fc.assert(
      fc.property(text, (t) => {
        expect(shape(analyzeSentences(t, []))).toEqual(regexSentences(t));
      }),
      { numRuns: 500 },
    );
  });

  it('keep every word, in order, and give no empty sentence', () => {
    const text = fc.string({
      unit: fc.constantFrom(...'ab1.!? \t\n\r'.split(''), '\u2028', '\u00a0', 'é', '😀'),
      maxLength: 200,
    });
    fc.assert(
      fc.property(text, (t) => {
        const sentences = analyzeSentences(t, []);
        expect(words(sentences.map((s) => s.text).join(' '))).toEqual(words(t));
        for (const sentence of sentences) expect(sentence.text).not.toBe('');
      }),
    );
  });
});
