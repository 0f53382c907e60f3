import { expectLinearScaling, fill, repeated, TEXT_SIZES } from '@parley/testkit';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyIntent } from './offline-intent.js';

/**
 * Without a language model, every visitor message goes through these keyword patterns. Timed at
 * `TEXT_SIZES`, with two retries as `knowledge/markdown-text.scaling.test.ts` explains.
 */
/** About `n` characters of different words, all as long, so each costs the same. */
const distinctWords = (n: number) =>
  Array.from({ length: n / 7 }, (_, i) => `w${String(i).padStart(5, '0')}`).join(' ');

const specialists = [{ name: 'billing', keywords: ['invoice', 'refund', 'charged'] }];

const HOSTILE_MESSAGES: [string, (n: number) => string][] = [
  ['"talk to", again and again', (n) => fill('talk to ', n)],
  ['"speak with some", without a space after', (n) => fill('speak with some', n)],
  ['"open on" before a long word', (n) => `open on ${'a'.repeat(n)}`],
  ['"complain" with a long ending', (n) => `complain${'s'.repeat(n)}`],
  ['"are you" without "open"', (n) => fill('are you ', n)],
  ['"open", again and again', (n) => fill('open ', n)],
  ['a long run of spaces', (n) => ' '.repeat(n)],
  ['a long word', (n) => 'a'.repeat(n)],
  ['many distinct words', (n) => distinctWords(n)],
];

describe('intent of hostile messages', { retry: 2 }, () => {
  it.each(HOSTILE_MESSAGES)('scales linearly: %s', (what, input) => {
    expectLinearScaling(
      { ...TEXT_SIZES, input, run: repeated((m: string) => classifyIntent(m, specialists)) },
      what,
    );
  });
});

describe('intent of any message', () => {
  it('is one of the five, handing off only to a configured specialist', () => {
    const words = [
      'open',
      'now',
      'hours',
      'talk',
      'to',
      'a',
      'human',
      'ticket',
      'refund',
      'urgent',
    ];
    const message = fc
      .array(fc.oneof(fc.constantFrom(...words), fc.string({ maxLength: 8 })), { maxLength: 20 })
      .map((parts) => parts.join(' '));
    fc.assert(
      fc.property(message, fc.boolean(), (m, withSpecialists) => {
        const intent = classifyIntent(m, withSpecialists ? specialists : []);
        expect(['hours', 'human', 'ticket', 'handoff', 'search']).toContain(intent.kind);
        if (intent.kind === 'handoff') {
          expect(withSpecialists).toBe(true);
          expect(intent.agent).toBe('billing');
        }
      }),
    );
  });
});
