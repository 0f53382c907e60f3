import { expectLinearScaling, fill, repeated, TEXT_SIZES } from '@parley/testkit';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatSearchResults } from '../../knowledge/format-results.js';
import { composeOfflineAnswer, splitIntoDeltas } from './offline-answer.js';

/**
 * The offline model writes its answer from tool output: article snippets (text anyone with write
 * access to the knowledge base can edit) and ticket confirmations. Timed at `TEXT_SIZES`, with two
 * retries as `knowledge/markdown-text.scaling.test.ts` explains.
 */
const hit = (snippet: string, i = 0) => ({
  id: `a${i}`,
  title: `Article ${i}`,
  url: `https://help.example/a${i}`,
  snippet,
  score: 1,
});

const HOSTILE_SEARCH_OUTPUTS: [string, (n: number) => string][] = [
  ['a snippet of one long line', (n) => formatSearchResults([hit(fill('word ', n))])],
  ['a snippet of many lines', (n) => formatSearchResults([hit(fill('a\n', n))])],
  [
    'many results',
    (n) => formatSearchResults(Array.from({ length: n / 80 }, (_, i) => hit('x', i))),
  ],
  ['headers without URLs', (n) => fill('[1] t\n', n)],
  ['quote markers', (n) => `[1] t\nURL: u\n${fill('>', n)}`],
  ['a long run of brackets', (n) => '['.repeat(n)],
];

const HOSTILE_TICKET_OUTPUTS: [string, (n: number) => string][] = [
  ['a confirmation without a sentence end', (n) => `Ticket ${'a'.repeat(n)}`],
  ['a confirmation of many lines', (n) => `Ticket ${fill('a\n', n)}.`],
  ['a confirmation of dots without spaces', (n) => `Ticket ${'.'.repeat(n)}`],
];

const HOSTILE_ANSWERS: [string, (n: number) => string][] = [
  ['many words', (n) => fill('word ', n)],
  ['a long run of spaces', (n) => ' '.repeat(n)],
  ['a long word', (n) => 'a'.repeat(n)],
];

const answer = (name: string) => (output: string) => composeOfflineAnswer({ name, output }, 'Acme');

describe('offline answers from hostile tool output', { retry: 2 }, () => {
  it.each(HOSTILE_SEARCH_OUTPUTS)('from search results, scale linearly: %s', (what, input) => {
    expectLinearScaling(
      { ...TEXT_SIZES, input, run: repeated(answer('search_knowledge_base')) },
      what,
    );
  });

  it.each(HOSTILE_TICKET_OUTPUTS)('from a ticket, scale linearly: %s', (what, input) => {
    expectLinearScaling(
      { ...TEXT_SIZES, input, run: repeated(answer('create_support_ticket')) },
      what,
    );
  });

  it.each(HOSTILE_ANSWERS)('are split into stream pieces in linear time: %s', (what, input) => {
    expectLinearScaling(
      { ...TEXT_SIZES, input, run: repeated((text: string) => splitIntoDeltas(text)) },
      what,
    );
  });
});

const tools = ['search_knowledge_base', 'get_business_hours', 'create_support_ticket', 'other'];
const toolOutput = fc.string({
  unit: fc.constantFrom(...'[]1> .!?\n\t'.split(''), 'URL: ', 'Ticket ', 'https://x.example', 'a'),
  maxLength: 300,
});

describe('offline answers from any tool output', () => {
  it('are written for every tool, and split into pieces that add up to them', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...tools),
        toolOutput,
        fc.integer({ min: 1, max: 8 }),
        (name, output, words) => {
          const text = composeOfflineAnswer({ name, output }, 'Acme');
          // Business hours are passed through as the tool wrote them; every other answer has text.
          if (name !== 'get_business_hours') expect(text).not.toBe('');
          expect(splitIntoDeltas(text, words).join('')).toBe(text);
        },
      ),
    );
  });
});
