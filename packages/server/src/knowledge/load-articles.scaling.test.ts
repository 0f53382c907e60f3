import { expectLinearScaling, fill, TEXT_SIZES } from '@parley/testkit';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseArticle } from './load-articles.js';
import { readMarkdown } from './markdown-text.js';

/**
 * Loading an article file is front matter (YAML) plus Markdown, from a folder anyone with write
 * access can edit, read synchronously at start-up and on every re-index. Timed at `TEXT_SIZES`,
 * with two retries as `knowledge/markdown-text.scaling.test.ts` explains.
 */
const URL = 'url: https://help.example/a';

/** An article file with these front matter lines (title and url supplied unless given). */
function articleFile(frontMatter: string, body = 'Body.'): string {
  const title = frontMatter.includes('title:') ? '' : 'title: T\n';
  const url = frontMatter.includes('url:') ? '' : `${URL}\n`;
  return `---\n${title}${url}${frontMatter}\n---\n${body}`;
}

/** What start-up does with one file: parse it and turn its body into text blocks. */
function load(source: string): unknown {
  try {
    return readMarkdown(parseArticle('hostile', source).body);
  } catch (error) {
    // A broken file is reported and skipped; only the time it took matters here.
    return error;
  }
}

const HOSTILE_FILES: [string, (n: number) => string][] = [
  ['a long title', (n) => articleFile(`title: ${fill('a ', n)}`)],
  ['a title of one long word', (n) => articleFile(`title: ${'a'.repeat(n)}`)],
  ['many tags in a flow list', (n) => articleFile(`tags: [${fill('a, ', n)}a]`)],
  ['many tags in a block list', (n) => articleFile(`tags:\n${fill('  - a\n', n)}`)],
  ['many keys', (n) => articleFile(fill('k: v\n', n))],
  ['a long run of spaces inside a value', (n) => articleFile(`x: a${' '.repeat(n)}b`)],
  ['deeply nested flow lists', (n) => articleFile(`x: ${'['.repeat(n)}`)],
  ['deeply nested flow maps', (n) => articleFile(`x: ${'{'.repeat(n)}`)],
  ['deeply nested block lists', (n) => articleFile(`x:\n${fill('- ', n)}a`)],
  ['many aliases of one anchor', (n) => articleFile(`x: &a b\ny: [${fill('*a, ', n)}*a]`)],
  ['a long double-quoted value of escapes', (n) => articleFile(`x: "${fill('\\t', n)}"`)],
  ['a block scalar of many lines', (n) => articleFile(`x: |\n${fill('  a\n', n)}`)],
  ['a long URL path', (n) => articleFile(`url: https://help.example/${'a'.repeat(n)}`)],
  ['a URL host of many labels', (n) => articleFile(`url: https://${fill('a.', n)}example`)],
  ['front matter that never closes', (n) => `---\ntitle: T\n${URL}\n${fill('a: b\n', n)}`],
  ['many front matter fences', (n) => fill('---\n', n)],
  ['a body heading with a long run of spaces', (n) => articleFile('', `# x${' '.repeat(n)}y`)],
  ['a body of delimiter soup', (n) => articleFile('', fill('*_[]()`<>!#|-+~\\&', n))],
];

describe('loading hostile article files', { retry: 2 }, () => {
  it.each(HOSTILE_FILES)('scales linearly: %s', (what, input) => {
    expectLinearScaling({ ...TEXT_SIZES, input, run: load }, what);
  });
});

const frontMatterSoup = fc.string({
  unit: fc.constantFrom(
    ...'[]{},-:|>"\'#&*!?%@`\\ \t\na1'.split(''),
    'title: ',
    'url: ',
    'tags: ',
    'https://help.example/a',
    'javascript:alert(1)',
    '---',
    '<<: ',
    '&a ',
    '*a',
    '!!js/function ',
  ),
  maxLength: 120,
});

describe('parseArticle on any file', () => {
  it('returns a well-formed article or throws an Error saying why', () => {
    const file = fc.oneof(
      fc
        .tuple(frontMatterSoup, frontMatterSoup)
        .map(([front, body]) => `---\n${front}\n---\n${body}`),
      fc.tuple(frontMatterSoup, frontMatterSoup).map(([front, body]) => articleFile(front, body)),
      frontMatterSoup,
    );
    fc.assert(
      fc.property(file, (source) => {
        let article: ReturnType<typeof parseArticle>;
        try {
          article = parseArticle('a', source);
        } catch (error) {
          expect(error).toBeInstanceOf(Error);
          expect((error as Error).message).not.toBe('');
          return;
        }
        expect(article.title).toBe(article.title.trim());
        expect(article.title).not.toBe('');
        expect(article.url).toMatch(/^https?:\/\/[^\s"<>]+$/);
        for (const tag of article.tags) expect(tag).toMatch(/^\S(.*\S)?$/);
        expect(article.body).toBe(article.body.trim());
        expect(article.body).not.toBe('');
      }),
      { numRuns: 300 },
    );
  });
});
