import { expectLinearScaling, fill, TEXT_SIZES } from '@parley/testkit';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyzeArticle } from './analyzed-article.js';
import { extractSnippet, MAX_SNIPPET_LENGTH } from './snippet.js';
import { analyze } from './text-analysis.js';

/**
 * A snippet is chosen for every hit of every search, from article text anyone with write access to
 * the folder can edit. Timed at `TEXT_SIZES`, with two retries as
 * `knowledge/markdown-text.scaling.test.ts` explains.
 */
const terms = (query: string) => new Map(analyze(query).map((term) => [term, 1]));
const QUERY = terms('refund camera');

const HOSTILE_ARTICLES: [string, (n: number) => string][] = [
  ['one block of many matching sentences', (n) => fill('A refund. ', n)],
  ['one block of many one-letter sentences', (n) => fill('a. ', n)],
  ['one matching sentence without an end', (n) => fill('refund camera ', n)],
  ['one long word', (n) => `refund ${'a'.repeat(n)}`],
  ['many short blocks', (n) => fill('Refund.\n\n', n)],
  ['many list items', (n) => fill('- camera\n', n)],
  ['a long heading over a short block', (n) => `# ${fill('refund ', n)}\n\nCamera.`],
  ['many headings', (n) => fill('# refund\n', n)],
  ['many sentence ends with spaces', (n) => fill(`refund.${' '.repeat(20)}`, n)],
  ['numbered list numbers without text', (n) => fill('1. ', n)],
];

describe('snippets of hostile articles', { retry: 2 }, () => {
  it.each(HOSTILE_ARTICLES)('are chosen in linear time from Markdown: %s', (what, input) => {
    expectLinearScaling({ ...TEXT_SIZES, input, run: (body) => extractSnippet(body, QUERY) }, what);
  });

  it.each(HOSTILE_ARTICLES)(
    'are chosen in linear time from an analyzed article: %s',
    (what, input) => {
      const analyzed = (n: number) => analyzeArticle(input(n), MAX_SNIPPET_LENGTH);
      expectLinearScaling(
        { ...TEXT_SIZES, input: analyzed, run: (a) => extractSnippet(a, QUERY) },
        what,
      );
    },
  );
});

const markdownSoup = fc.string({
  unit: fc.constantFrom(
    ...'*_`[]()!#>-|. \n'.split(''),
    'refund',
    'camera',
    'word',
    '1. ',
    '\n\n',
    '# ',
    '😀',
  ),
  maxLength: 600,
});
const query = fc.constantFrom('refund', 'camera', 'refund camera', 'zebra', '');

describe('snippets of any article', () => {
  it('fit the length asked for, the same from Markdown as from the analyzed article', () => {
    fc.assert(
      fc.property(markdownSoup, query, fc.integer({ min: 1, max: 500 }), (body, q, maxLength) => {
        const snippet = extractSnippet(body, terms(q), maxLength);
        expect(snippet.length).toBeLessThanOrEqual(maxLength);
        expect(extractSnippet(analyzeArticle(body, maxLength), terms(q), maxLength)).toBe(snippet);
      }),
    );
  });
});
