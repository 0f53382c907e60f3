import { render } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import { Markdown } from './Markdown';

function renderMarkdown(source: string): HTMLElement {
  return render(<Markdown source={source} />).container as HTMLElement;
}

/** Every attribute of every element, to prove nothing executable slipped through. */
function attributes(root: HTMLElement): string[] {
  return [...root.querySelectorAll('*')].flatMap((el) =>
    [...el.attributes].map((a) => `${a.name}=${a.value}`),
  );
}

const PAYLOADS: Array<[name: string, source: string, text: string]> = [
  ['script tag', '<script>alert(1)</script>', '<script>alert(1)</script>'],
  ['img onerror', '<img src=x onerror=alert(1)>', '<img src=x onerror=alert(1)>'],
  ['svg onload', '<svg onload=alert(1)>', '<svg onload=alert(1)>'],
  [
    'iframe',
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe src="javascript:alert(1)"></iframe>',
  ],
  ['javascript link', '[click](javascript:alert(1))', 'click'],
  ['mixed-case javascript link', '[click](JaVaScRiPt:alert(1))', 'click'],
  ['tab-split javascript link', '[click](java\tscript:alert(1))', '[click](java\tscript:alert(1))'],
  ['entity-encoded colon', '[click](javascript&#58;alert(1))', 'click'],
  [
    'entity-encoded script',
    '&lt;script&gt;alert(1)&lt;/script&gt;',
    '&lt;script&gt;alert(1)&lt;/script&gt;',
  ],
  ['data link', '[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)', 'x'],
  ['vbscript link', '[x](vbscript:msgbox(1))', 'x'],
  ['image', '![logo](http://x/y.png)', 'logo'],
  ['image with unsafe source', '![a](javascript:alert(1))', 'a'],
  ['nested brackets', '[a [b] c](https://ok.example)', 'a [b] c'],
  [
    'link in link text',
    '[[inner](javascript:alert(1))](https://ok.example)',
    '[inner](javascript:alert(1))',
  ],
  [
    'html in link text',
    '[<b onmouseover=alert(1)>hi</b>](https://ok.example)',
    '<b onmouseover=alert(1)>hi</b>',
  ],
  ['quote breaking href', '[x](https://a.example/"onmouseover="alert(1))', 'x'],
  ['code span with html', '`<script>alert(1)</script>`', '<script>alert(1)</script>'],
  [
    'code block with html',
    '```\n<img src=x onerror=alert(1)>\n```',
    '<img src=x onerror=alert(1)>',
  ],
];

describe('Markdown safety', () => {
  it.each(PAYLOADS)('%s renders as inert text', (_name, source, text) => {
    const root = renderMarkdown(source);
    expect(root.textContent).toContain(text);
    expect(root.querySelector('script, img, svg, iframe, object, embed, style, b')).toBeNull();
    for (const attr of attributes(root)) {
      expect(attr).not.toMatch(/^on/i);
      expect(attr).not.toMatch(/javascript:|data:|vbscript:/i);
    }
    for (const link of root.querySelectorAll('a')) {
      expect(new URL(link.href).protocol).toMatch(/^(https?|mailto):$/);
    }
  });

  it('renders an image as a link to its source, never an <img>', () => {
    const root = renderMarkdown('![product photo](https://cdn.example.com/p.png)');
    const link = root.querySelector('a');
    expect(root.querySelector('img')).toBeNull();
    expect(link?.textContent).toBe('product photo');
    expect(link?.getAttribute('href')).toBe('https://cdn.example.com/p.png');
  });

  it('opens safe links in a new tab without an opener', () => {
    const link = renderMarkdown('[help](https://help.example.com) or mailto:x').querySelector('a');
    expect(link?.getAttribute('target')).toBe('_blank');
    expect(link?.getAttribute('rel')).toBe('noopener noreferrer');
  });
});

describe('Markdown rendering', () => {
  it('renders paragraphs, emphasis, code, lists and links as elements', () => {
    const root = renderMarkdown(
      'Hello **you**, *see* `code`:\n\n1. one\n2. two\n\n- [docs](https://d.example)\n\n```\nx < y\n```',
    );
    expect(root.querySelector('p strong')?.textContent).toBe('you');
    expect(root.querySelector('p em')?.textContent).toBe('see');
    expect(root.querySelector('p code')?.textContent).toBe('code');
    expect([...root.querySelectorAll('ol li')].map((li) => li.textContent)).toEqual(['one', 'two']);
    expect(root.querySelector('ul li a')?.getAttribute('href')).toBe('https://d.example/');
    expect(root.querySelector('pre code')?.textContent).toBe('x < y');
  });

  it('keeps the numbering of a list that starts later', () => {
    expect(renderMarkdown('4. four\n5. five').querySelector('ol')?.getAttribute('start')).toBe('4');
  });
});
