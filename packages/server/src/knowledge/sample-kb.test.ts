import { describe, expect, it } from 'vitest';
import { DEFAULT_KB_DIR } from './knowledge-base.js';
import { loadArticles } from './load-articles.js';
import { toPlainText } from './markdown-text.js';

/** The demo, the eval and later security tests rely on the sample knowledge base being sound. */
describe('the sample Acme knowledge base', async () => {
  const { articles, problems } = await loadArticles(DEFAULT_KB_DIR);

  it('loads at least 28 articles without problems', () => {
    expect(problems).toEqual([]);
    expect(articles.length).toBeGreaterThanOrEqual(28);
  });

  it('gives every article a help-center url matching its file name, and tags', () => {
    for (const article of articles) {
      expect(article.url).toBe(`https://help.acme.example/articles/${article.id}`);
      expect(article.tags.length).toBeGreaterThan(0);
    }
  });

  it('keeps articles between 150 and 400 words', () => {
    for (const article of articles) {
      const words = toPlainText(article.body).split(/\s+/).length;
      expect({ id: article.id, ok: words >= 150 && words <= 400 }).toEqual({
        id: article.id,
        ok: true,
      });
    }
  });

  it('has one article that quotes a script tag inside a code block', () => {
    const withScript = articles.filter((article) => article.body.includes('<script>'));
    expect(withScript.map((article) => article.id)).toEqual(['device-names-special-characters']);
    expect(withScript[0]?.body).toMatch(/```\n<script>alert\('hi'\)<\/script> Garage\n```/);
  });

  it('points to the business hours tool instead of stating hours', () => {
    const contact = articles.find((article) => article.id === 'contact-support');
    expect(contact?.body).toMatch(/business hours tool/);
    expect(contact?.body).not.toMatch(/\d{1,2}(:\d{2})?\s?(am|pm)/i);
  });
});
