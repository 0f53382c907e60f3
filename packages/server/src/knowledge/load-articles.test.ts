import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadArticles, parseArticle } from './load-articles.js';

const article = (frontMatter: string, body = 'Some body text.') =>
  `---\n${frontMatter}\n---\n\n${body}\n`;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'parley-kb-load-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('parseArticle', () => {
  it('reads title, url, tags and the body without front matter', () => {
    const parsed = parseArticle(
      'reset',
      article(
        'title: Reset\nurl: https://help.example/reset\ntags: [account, password]',
        '# Hi\n\nBody',
      ),
    );
    expect(parsed).toEqual({
      id: 'reset',
      title: 'Reset',
      url: 'https://help.example/reset',
      tags: ['account', 'password'],
      body: '# Hi\n\nBody',
    });
  });

  it('percent-encodes characters that would break a Markdown link', () => {
    const article = parseArticle(
      'odd',
      '---\ntitle: Odd\nurl: https://help.example/a b"c>d\n---\nBody text.',
    );
    expect(article.url).toBe('https://help.example/a%20b%22c%3Ed');
  });

  it('defaults tags to an empty list', () => {
    expect(parseArticle('a', article('title: A\nurl: http://help.example/a')).tags).toEqual([]);
  });

  it.each([
    ['a missing title', 'url: https://help.example/a', /title/],
    ['a non-http url', 'title: A\nurl: ftp://help.example/a', /url/],
    ['a url that is not one', 'title: A\nurl: see the help center', /url/],
    ['tags that are not a list', 'title: A\nurl: https://help.example/a\ntags: 42', /tags/],
  ])('rejects %s, naming the field', (_case, frontMatter, field) => {
    expect(() => parseArticle('a', article(frontMatter))).toThrow(field);
  });

  it('rejects an empty body', () => {
    expect(() => parseArticle('a', article('title: A\nurl: https://help.example/a', ''))).toThrow(
      /empty body/,
    );
  });

  it('refuses JavaScript front matter instead of evaluating it', () => {
    const source =
      '---js\n{ title: (globalThis.__kbPwned = "yes"), url: "https://x.example/a" }\n---\nBody';
    expect(() => parseArticle('a', source)).toThrow(/JavaScript front matter/);
    expect(Reflect.get(globalThis, '__kbPwned')).toBeUndefined();
  });
});

describe('loadArticles', () => {
  it('loads .md files recursively with ids relative to the folder, sorted', async () => {
    await mkdir(path.join(dir, 'billing'));
    await writeFile(path.join(dir, 'b.md'), article('title: B\nurl: https://help.example/b'));
    await writeFile(
      path.join(dir, 'billing', 'refunds.md'),
      article('title: Refunds\nurl: https://help.example/refunds'),
    );
    await writeFile(path.join(dir, 'notes.txt'), 'not an article');

    const { articles, problems } = await loadArticles(dir);
    expect(articles.map((a) => a.id)).toEqual(['b', 'billing/refunds']);
    expect(problems).toEqual([]);
  });

  it('skips and reports broken files without throwing', async () => {
    await writeFile(path.join(dir, 'good.md'), article('title: Good\nurl: https://help.example/g'));
    await writeFile(path.join(dir, 'no-title.md'), article('url: https://help.example/n'));
    await writeFile(path.join(dir, 'bad-yaml.md'), '---\ntitle: [unclosed\n---\nBody');

    const result = await loadArticles(dir);
    expect(result.articles.map((a) => a.id)).toEqual(['good']);
    expect(result.rejected.sort()).toEqual(['bad-yaml', 'no-title']);
    expect(result.problems).toHaveLength(2);
    expect(result.problems.find((p) => p.startsWith('no-title.md:'))).toMatch(/title/);
    expect(result.problems.some((p) => p.startsWith('bad-yaml.md:'))).toBe(true);
  });

  it('rejects when the folder itself does not exist', async () => {
    await expect(loadArticles(path.join(dir, 'missing'))).rejects.toThrow(/ENOENT/);
  });
});
