import { describe, expect, it } from 'vitest';
import { type Inline, parseInline } from './inline';
import { type Block, MAX_NESTING, parseMarkdown, splitBlocks } from './parse';
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

  it('drops a closing run of # only when a space precedes it', () => {
    expect(parseMarkdown('### Step 3 ###   \n# C#\n####### seven')).toEqual([
      { type: 'heading', children: ['Step 3'] },
      { type: 'heading', children: ['C#'] },
      { type: 'paragraph', children: ['####### seven'] },
    ]);
  });

  it('closes a fence only with a run of the same character at least as long', () => {
    expect(parseMarkdown('````\n```\n~~~~\n````  \nafter')).toEqual([
      { type: 'code', text: '```\n~~~~' },
      { type: 'paragraph', children: ['after'] },
    ]);
  });

  it('keeps a list item going across blank lines when indented text follows', () => {
    expect(parseMarkdown(`- a${'\n'.repeat(5)}  more\n- b`)).toEqual([
      {
        type: 'list',
        ordered: false,
        start: 1,
        items: [
          [
            { type: 'paragraph', children: ['a'] },
            { type: 'paragraph', children: ['more'] },
          ],
          [{ type: 'paragraph', children: ['b'] }],
        ],
      },
    ]);
  });
});

/** How deep lists nest in `blocks`, following first items. */
function listDepth(blocks: Block[]): number {
  const first = blocks[0];
  return first?.type === 'list' ? 1 + listDepth(first.items[0] ?? []) : 0;
}

/** How deep inline elements nest in `nodes`. */
function inlineDepth(nodes: Inline[]): number {
  let deepest = 0;
  for (const node of nodes) {
    if (typeof node !== 'string' && 'children' in node) {
      deepest = Math.max(deepest, 1 + inlineDepth(node.children));
    }
  }
  return deepest;
}

describe('parseMarkdown on hostile input', () => {
  it(`nests lists at most ${MAX_NESTING} deep and keeps deeper markers as text`, () => {
    const blocks = parseMarkdown(`${'- '.repeat(2000)}x`);
    expect(listDepth(blocks)).toBe(MAX_NESTING);
    let innermost = blocks;
    for (let level = 0; level < MAX_NESTING; level++) {
      const list = innermost[0] as Extract<Block, { type: 'list' }>;
      innermost = list.items[0] ?? [];
    }
    expect(innermost).toEqual([
      { type: 'paragraph', children: [`${'- '.repeat(2000 - MAX_NESTING)}x`] },
    ]);
  });

  it(`nests inline elements at most ${MAX_NESTING} deep; deeper ones keep only their text`, () => {
    const nodes = parseInline(`${'*'.repeat(40)}deep${'*'.repeat(40)}`);
    expect(inlineDepth(nodes)).toBe(MAX_NESTING);
    expect(JSON.stringify(nodes)).toContain('"deep"');
    expect(parseInline('**a [b *c `d`*](https://x.example)**')).toEqual([
      {
        type: 'strong',
        children: [
          'a ',
          {
            type: 'link',
            href: 'https://x.example/',
            children: ['b ', { type: 'em', children: ['c ', { type: 'code', text: 'd' }] }],
          },
        ],
      },
    ]);
  });

  it('leaves unclosed delimiters of every kind as text', () => {
    const soup = '*a **b _c ``d [e ![f (g `';
    expect(parseInline(soup)).toEqual([soup]);
    expect(parseMarkdown(`${'*a '.repeat(5)}\`\`\`\``)).toEqual([
      { type: 'paragraph', children: [`${'*a '.repeat(5)}\`\`\`\``] },
    ]);
  });
});

describe('splitBlocks', () => {
  const source = 'Intro **bold**\n\n\n- a\n\n  more a\n- b\n\n```\ncode\n\n```\n# Title\nlast';
  const sources = (text: string) => splitBlocks(text).map(([piece]) => piece);

  it('cuts the source into its top-level blocks, blank lines between them dropped', () => {
    expect(sources(source)).toEqual([
      'Intro **bold**',
      '- a\n\n  more a\n- b',
      '```\ncode\n\n```',
      '# Title',
      'last',
    ]);
  });

  it('parses each block as parseMarkdown does, and each piece alone the same way', () => {
    const blocks = parseMarkdown(source);
    expect(splitBlocks(source).map(([, parse]) => parse())).toEqual(blocks);
    expect(sources(source).flatMap(parseMarkdown)).toEqual(blocks);
  });

  it('keeps a still-open fence in one piece while it streams', () => {
    expect(sources('Run:\n\n```sh\nnpm i\n\nnpm t')).toEqual(['Run:', '```sh\nnpm i\n\nnpm t']);
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
    expect(parseInline('[a](https://x.dev/a "T") [b](https://x.dev/\\))')).toEqual([
      { type: 'link', href: 'https://x.dev/a', children: ['a'] },
      ' ',
      { type: 'link', href: 'https://x.dev/)', children: ['b'] },
    ]);
  });

  it('keeps a link with an unsafe or unfinished destination as the text that was written', () => {
    for (const text of ['[x](javascript:alert(1))', '[x](/relative)', '[x]( )', '[x]']) {
      expect(parseInline(text)).toEqual([text]);
    }
    expect(parseInline('[x](https://a.example "t)')).toEqual([
      '[x](',
      { type: 'link', href: 'https://a.example/', children: ['https://a.example'] },
      ' "t)',
    ]);
  });

  it('never puts a link inside a link', () => {
    expect(parseInline('[see https://a.example](https://b.example)')).toEqual([
      { type: 'link', href: 'https://b.example/', children: ['see https://a.example'] },
    ]);
    // An image is a link to its source, so it is the inner link that wins.
    expect(parseInline('[![badge](https://a.example/b.png)](https://b.example)')).toEqual([
      '[',
      { type: 'link', href: 'https://a.example/b.png', children: ['badge'] },
      '](',
      { type: 'link', href: 'https://b.example/', children: ['https://b.example'] },
      ')',
    ]);
    // The inner link wins (as in CommonMark); the rest is text, in which a URL is still a URL.
    expect(parseInline('[a [b](https://a.example) c](https://b.example)')).toEqual([
      '[a ',
      { type: 'link', href: 'https://a.example/', children: ['b'] },
      ' c](',
      { type: 'link', href: 'https://b.example/', children: ['https://b.example'] },
      ')',
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
