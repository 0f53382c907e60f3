import { describe, expect, it } from 'vitest';
import { parseInline } from './inline';
import { parseMarkdown } from './parse';
import { safeHref } from './safe-href';

describe('parseMarkdown blocks', () => {
  it('splits paragraphs on blank lines and keeps single line breaks', () => {
    expect(parseMarkdown('one\ntwo\n\nthree')).toEqual([
      { type: 'paragraph', children: ['one\ntwo'] },
      { type: 'paragraph', children: ['three'] },
    ]);
  });

  it('reads fenced code verbatim, and an unclosed fence runs to the end (mid-stream)', () => {
    expect(parseMarkdown('```js\nconst a = "**no**";\n```\nafter')).toEqual([
      { type: 'code', text: 'const a = "**no**";' },
      { type: 'paragraph', children: ['after'] },
    ]);
    expect(parseMarkdown('~~~\nstill streaming')).toEqual([
      { type: 'code', text: 'still streaming' },
    ]);
  });

  it('renders headings as their text', () => {
    expect(parseMarkdown('## Reset your *password* ##')).toEqual([
      { type: 'heading', children: ['Reset your ', { type: 'em', children: ['password'] }] },
    ]);
  });

  it('parses bullet and numbered lists, with nesting by indentation', () => {
    expect(parseMarkdown('3. Open **Settings**\n4. Click Reset\n   - then confirm')).toEqual([
      {
        type: 'list',
        ordered: true,
        start: 3,
        items: [
          [{ type: 'paragraph', children: ['Open ', { type: 'strong', children: ['Settings'] }] }],
          [
            { type: 'paragraph', children: ['Click Reset'] },
            {
              type: 'list',
              ordered: false,
              start: 1,
              items: [[{ type: 'paragraph', children: ['then confirm'] }]],
            },
          ],
        ],
      },
    ]);
  });

  it('ends a list at a blank line followed by plain text', () => {
    const blocks = parseMarkdown('- a\n- b\n\nDone.');
    expect(blocks.map((b) => b.type)).toEqual(['list', 'paragraph']);
  });

  it('does not mistake emphasis or a rule for a list', () => {
    expect(parseMarkdown('*really* important')[0]?.type).toBe('paragraph');
    expect(parseMarkdown('---')[0]?.type).toBe('paragraph');
  });
});

describe('parseInline', () => {
  it('parses strong, emphasis, code and escapes', () => {
    expect(parseInline('**a** *b* `c*d` \\*e\\*')).toEqual([
      { type: 'strong', children: ['a'] },
      ' ',
      { type: 'em', children: ['b'] },
      ' ',
      { type: 'code', text: 'c*d' },
      ' *e*',
    ]);
  });

  it('nests emphasis inside strong and the other way round', () => {
    expect(parseInline('*a **b** c*')).toEqual([
      { type: 'em', children: ['a ', { type: 'strong', children: ['b'] }, ' c'] },
    ]);
    expect(parseInline('***both***')).toEqual([
      { type: 'strong', children: [{ type: 'em', children: ['both'] }] },
    ]);
  });

  it('leaves snake_case and lone delimiters alone', () => {
    expect(parseInline('use reset_password_now or 2 * 3')).toEqual([
      'use reset_password_now or 2 * 3',
    ]);
  });

  it('matches code spans by backtick count', () => {
    expect(parseInline('``a ` b``')).toEqual([{ type: 'code', text: 'a ` b' }]);
    expect(parseInline('`unclosed')).toEqual(['`unclosed']);
  });

  it('parses links with titles and parentheses in the URL', () => {
    expect(parseInline('[Docs](https://x.dev/a_(b) "Title")')).toEqual([
      { type: 'link', href: 'https://x.dev/a_(b)', children: ['Docs'] },
    ]);
  });

  it('links bare URLs without trailing punctuation', () => {
    expect(parseInline('See https://help.example.com/a.')).toEqual([
      'See ',
      {
        type: 'link',
        href: 'https://help.example.com/a',
        children: ['https://help.example.com/a'],
      },
      '.',
    ]);
  });
});

describe('safeHref', () => {
  it.each([
    ['https://example.com/a b', 'https://example.com/a%20b'],
    ['mailto:help@example.com', 'mailto:help@example.com'],
    ['javascript:alert(1)', undefined],
    ['JaVaScRiPt:alert(1)', undefined],
    ['java\tscript:alert(1)', undefined],
    ['  javascript:alert(1)', undefined],
    ['javascript&#58;alert(1)', undefined],
    ['data:text/html,<script>alert(1)</script>', undefined],
    ['vbscript:msgbox(1)', undefined],
    ['/relative/path', undefined],
  ])('%j -> %j', (raw, expected) => {
    expect(safeHref(raw)).toBe(expected);
  });

  it('resolves relative URLs against a base when one is given', () => {
    expect(safeHref('/kb/reset', 'https://chat.example.com')).toBe(
      'https://chat.example.com/kb/reset',
    );
  });
});
