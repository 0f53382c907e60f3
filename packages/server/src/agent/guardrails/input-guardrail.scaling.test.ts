import { expectLinearScaling, fill, repeated, TEXT_SIZES } from '@parley/testkit';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { screenMessage } from './input-guardrail.js';

/**
 * Every visitor message is screened before the model sees it. The length limit is configurable, so
 * the screen is measured without one. Timed at `TEXT_SIZES`, with two retries as
 * `knowledge/markdown-text.scaling.test.ts` explains.
 */
const NO_LIMIT = { maxChars: Number.POSITIVE_INFINITY };

const HOSTILE_MESSAGES: [string, (n: number) => string][] = [
  // The old "ignore" rule rescanned a run of blank lines from each of them: 1.2 s for 64,000.
  ['line breaks', (n) => '\n'.repeat(n)],
  ['blank lines of mixed whitespace', (n) => fill('\n \n\t', n)],
  ['blank lines, then the verb', (n) => `${'\n'.repeat(n)}ignore`],
  ['the verb after every line break', (n) => fill('\nignore ', n)],
  ['sentence ends', (n) => fill('. ', n)],
  ['a long run of spaces after punctuation', (n) => `.${' '.repeat(n)}x`],
  ['the verb, again and again', (n) => fill('ignore ', n)],
  ['"please", again and again', (n) => fill('please ', n)],
  ['a long run of spaces after "show"', (n) => `show${' '.repeat(n)}x`],
  ['adjectives that never reach the prompt', (n) => `show your ${fill('full ', n)}x`],
  ['"you are now", again and again', (n) => fill('you are now ', n)],
  ['"pretend you", again and again', (n) => fill('pretend you ', n)],
  // NFKC makes 18 characters of each of these; the screen reads what NFKC made.
  ['characters NFKC expands', (n) => fill('\ufdfa', n / 18)],
  ['full-width letters', (n) => fill('ｉｇｎｏｒｅ ', n)],
];

describe('screening hostile messages', { retry: 2 }, () => {
  it.each(HOSTILE_MESSAGES)('scales linearly: %s', (what, input) => {
    expectLinearScaling(
      { ...TEXT_SIZES, input, run: repeated((text: string) => screenMessage(text, NO_LIMIT)) },
      what,
    );
  });

  it('refuses an over-long message before reading it', () => {
    expect(screenMessage('\n'.repeat(100_001), { maxChars: 100_000 })).toMatchObject({
      ok: false,
      reason: 'too_long',
    });
  });
});

/** The "ignore" rule as it was, checking what precedes the verb first, as the reference. */
const OLD_IGNORE_RULE =
  /(?:^|[.,!?:;\n"'(]\s*|\b(?:please|now)\s+)(?:ignore|disregard|forget)\s+(?:(?:all|any)\s+(?:of\s+)?(?:your\s+|the\s+)?|your\s+)(?:previous|prior|earlier|above)\s+(?:instructions|prompts|rules)\b/i;

/** Near misses and hits of the "ignore" rule, built from the pieces it looks for. */
const ignoreAttempt = fc
  .tuple(
    fc.constantFrom(
      '',
      'x',
      'x ',
      '.',
      '. \n',
      '\n\n',
      '(',
      '"',
      'please ',
      'Now\t',
      'snow ',
      'nowhere ',
    ),
    fc.constantFrom('ignore', 'IGNORE', 'Disregard', 'forget', 'ignores', 'xignore'),
    fc.constantFrom(' ', '  ', '\n', '\t', ''),
    fc.constantFrom('all ', 'any of the ', 'your ', 'all of your ', 'my ', 'all  ', ''),
    fc.constantFrom('previous', 'prior', 'earlier', 'above', 'next'),
    fc.constantFrom(' ', '\n', ''),
    fc.constantFrom('instructions', 'prompts', 'rules', 'rulesx', 'messages'),
    fc.constantFrom('', '.', 'x', ' now'),
  )
  .map((parts) => parts.join(''));

describe('screening any message', () => {
  it('refuses "ignore previous instructions" exactly where the old rule did', () => {
    const message = fc.oneof(
      ignoreAttempt,
      fc.tuple(ignoreAttempt, ignoreAttempt).map(([a, b]) => a + b),
      fc.string({
        unit: fc.constantFrom(
          ...'.,!?:;"\'( \n\tx'.split(''),
          'ignore',
          'please',
          'all ',
          'previous ',
          'rules',
        ),
        maxLength: 30,
      }),
    );
    fc.assert(
      fc.property(message, (text) => {
        const result = screenMessage(text, NO_LIMIT);
        const refused =
          !result.ok &&
          result.reason === 'prompt_injection' &&
          result.rule === 'ignore_instructions';
        expect(refused).toBe(OLD_IGNORE_RULE.test(text.normalize('NFKC')));
      }),
      { numRuns: 2000 },
    );
  });

  it('answers every message with a verdict', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
        const result = screenMessage(text, { maxChars: 200 });
        if (result.ok) return;
        expect(['too_long', 'prompt_injection']).toContain(result.reason);
      }),
    );
  });
});
