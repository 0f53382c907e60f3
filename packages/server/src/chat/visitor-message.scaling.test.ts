import { characterCount, createChatRequestSchema, fitsLength } from '@parley/shared';
import { expectLinearScaling, fill, repeated, TEXT_SIZES } from '@parley/testkit';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

/**
 * The visitor's message is checked against the shared contract before anything else reads it. The
 * body can be far longer than the limit (up to the body-size limit), so the checks are measured on
 * messages both under and over it. Timed at `TEXT_SIZES`, with two retries as
 * `knowledge/markdown-text.scaling.test.ts` explains.
 */
const HOSTILE_MESSAGES: [string, (n: number) => string][] = [
  ['a long word', (n) => 'a'.repeat(n)],
  ['a long run of spaces around one letter', (n) => `${' '.repeat(n / 2)}a${' '.repeat(n / 2)}`],
  ['whitespace only', (n) => fill(' \t\n\u00a0\u2028', n)],
  ['emoji', (n) => fill('👋', n)],
  ['lone surrogates', (n) => fill('\ud83d', n)],
  ['combining marks', (n) => fill('e\u0301', n)],
];

const underLimit = createChatRequestSchema(Number.MAX_SAFE_INTEGER);
const overLimit = createChatRequestSchema(16);

describe('checking hostile visitor messages', { retry: 2 }, () => {
  it.each(HOSTILE_MESSAGES)('under the limit, scales linearly: %s', (what, input) => {
    expectLinearScaling(
      {
        ...TEXT_SIZES,
        input,
        run: repeated((message: string) => underLimit.safeParse({ message })),
      },
      what,
    );
  });

  it.each(HOSTILE_MESSAGES)('over the limit, scales linearly: %s', (what, input) => {
    expectLinearScaling(
      {
        ...TEXT_SIZES,
        input,
        run: repeated((message: string) => overLimit.safeParse({ message })),
      },
      what,
    );
  });

  it.each(HOSTILE_MESSAGES)('fitsLength and characterCount scale linearly: %s', (what, input) => {
    const run = (message: string) =>
      fitsLength(message, message.length / 2) && characterCount(message);
    expectLinearScaling({ ...TEXT_SIZES, input, run: repeated(run) }, what);
  });
});

const message = fc.string({
  unit: fc.oneof(
    fc.constantFrom(' ', '\t', '\n', '\u00a0', '\u200b', 'a', '👋', '\ud83d', 'e\u0301'),
    fc.string({ unit: 'binary', maxLength: 1 }),
  ),
  maxLength: 40,
});

describe('checking any visitor message', () => {
  it('accepts exactly the messages of 1 to max characters once trimmed, without NUL, and trims them', () => {
    fc.assert(
      fc.property(message, fc.integer({ min: 1, max: 30 }), (text, max) => {
        const result = createChatRequestSchema(max).safeParse({ message: text });
        const trimmed = text.trim();
        // NUL is refused anywhere in a message (PostgreSQL cannot store it).
        const storable = !trimmed.includes('\0');
        expect(result.success).toBe(trimmed !== '' && storable && characterCount(trimmed) <= max);
        if (result.success) expect(result.data.message).toBe(trimmed);
      }),
    );
  });

  it('says a text fits in max characters exactly when it has at most max code points', () => {
    fc.assert(
      fc.property(message, fc.integer({ min: 0, max: 30 }), (text, max) => {
        expect(fitsLength(text, max)).toBe(characterCount(text) <= max);
      }),
    );
  });
});
