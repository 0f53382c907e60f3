import { render } from '@testing-library/preact';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { settle } from '../../test/fake-fetch';
import { parseInline } from '../markdown/inline';
import { MAX_MARKDOWN_LENGTH } from '../markdown/parse';
import { loadPart } from '../parts';
import { Markdown } from './Markdown';

// The real inline parser, watched: streaming tests count what is parsed, and one test makes it
// fail.
vi.mock('../markdown/inline', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../markdown/inline')>();
  return { ...actual, parseInline: vi.fn(actual.parseInline) };
});
const parsed = vi.mocked(parseInline);
afterEach(() => parsed.mockClear());

describe('Markdown before its renderer has loaded', () => {
  it('shows the text as it is, then renders it once the part arrives', async () => {
    const { container } = render(<Markdown source={'**Bold** move'} />);
    expect(container.innerHTML).toBe('<p>**Bold** move</p>');
    await loadPart('markdown');
    await settle();
    expect(container.querySelector('strong')?.textContent).toBe('Bold');
  });
});

function renderMarkdown(source: string): HTMLElement {
  return render(<Markdown source={source} />).container as HTMLElement;
}

/** Every attribute of every element, to prove nothing executable slipped through. */
function attributes(root: HTMLElement): string[] {
  return [...root.querySelectorAll('*')].flatMap((el) =>
    [...el.attributes].map((a) => `${a.name}=${a.value}`),
  );
}

/** Each payload with the text that must show for it: the source itself, as typed, when left out. */
const PAYLOADS: Array<[name: string, source: string, text?: string]> = [
  ['script tag', '<script>alert(1)</script>'],
  ['img onerror', '<img src=x onerror=alert(1)>'],
  ['svg onload', '<svg onload=alert(1)>'],
  ['iframe', '<iframe src="javascript:alert(1)"></iframe>'],
  ['javascript link', '[click](javascript:alert(1))', 'click'],
  ['mixed-case javascript link', '[click](JaVaScRiPt:alert(1))', 'click'],
  ['tab-split javascript link', '[click](java\tscript:alert(1))'],
  ['entity-encoded colon', '[click](javascript&#58;alert(1))', 'click'],
  ['entity-encoded script', '&lt;script&gt;alert(1)&lt;/script&gt;'],
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
  // The renderer is a part; the widget loads it when the panel opens.
  beforeAll(() => loadPart('markdown'));

  it.each(PAYLOADS)('%s renders as inert text', (_name, source, text = source) => {
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
  // The renderer is a part; the widget loads it when the panel opens.
  beforeAll(() => loadPart('markdown'));

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

describe('Markdown while an answer streams', () => {
  // The renderer is a part; the widget loads it when the panel opens.
  beforeAll(() => loadPart('markdown'));

  it('parses each finished block once and re-parses only the growing last block', () => {
    const view = render(<Markdown source={'First **block**'} />);
    view.rerender(<Markdown source={'First **block**\n\n- one'} />);
    const first = view.container.querySelector('p');
    parsed.mockClear();
    view.rerender(<Markdown source={'First **block**\n\n- one\n- two'} />);
    view.rerender(<Markdown source={'First **block**\n\n- one\n- two\n\nDone'} />);
    // The growing list is parsed again with each delta; the paragraph before it never is.
    expect(parsed.mock.calls.map(([text]) => text)).toEqual(['one', 'two', 'Done']);
    // The finished paragraph is the same element, untouched by the later renders.
    expect(view.container.querySelector('p')).toBe(first);
    expect(view.container.textContent).toBe('First blockonetwoDone');
  });
});

describe('Markdown that cannot be rendered as markdown', () => {
  // The renderer is a part; the widget loads it when the panel opens.
  beforeAll(() => loadPart('markdown'));

  it(`shows a message longer than ${MAX_MARKDOWN_LENGTH} characters as plain text`, () => {
    const source = `**not bold** ${'x'.repeat(MAX_MARKDOWN_LENGTH)}`;
    const root = renderMarkdown(source);
    expect(parsed).not.toHaveBeenCalled();
    expect(root.querySelector('strong')).toBeNull();
    expect(root.textContent).toBe(source);
  });

  it('shows a message whose rendering fails as its raw text, and leaves its neighbours alone', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    parsed.mockImplementationOnce(() => {
      throw new RangeError('Maximum call stack size exceeded');
    });
    const { container, findByText } = render(
      <div>
        <Markdown source={'**broken** <b>answer</b>'} />
        <Markdown source={'**fine** answer'} />
      </div>,
    );
    const fallback = await findByText('**broken** <b>answer</b>');
    expect(fallback.childNodes).toHaveLength(1);
    expect(fallback.firstChild?.nodeType).toBe(Node.TEXT_NODE);
    expect(container.querySelector('b')).toBeNull();
    expect(container.querySelector('strong')?.textContent).toBe('fine');
    expect(error).toHaveBeenCalledWith(
      'Parley: a message failed to render',
      expect.any(RangeError),
    );
  });

  it('renders a list nested 2,000 deep, its deepest levels as text', () => {
    const root = renderMarkdown(`${'- '.repeat(2000)}x`);
    expect(root.querySelectorAll('ul')).toHaveLength(6);
    expect(root.textContent).toBe(`${'- '.repeat(1994)}x`);
  });
});
