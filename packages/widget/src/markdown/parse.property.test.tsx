import fc from 'fast-check';
import { render } from 'preact';
import { describe, expect, it, vi } from 'vitest';
import { Markdown } from '../components/Markdown';
import { type Block, type Inline, MAX_NESTING, parseMarkdown } from './parse';

/** Pieces of markup that interact: every delimiter, bracket, marker and scheme the parser knows. */
const PIECES = [
  '*',
  '**',
  '***',
  '_',
  '__',
  '`',
  '``',
  '```',
  '~~~',
  '\\',
  '[',
  ']',
  '(',
  ')',
  '](',
  '![',
  '<',
  '>',
  '"',
  "'",
  '#',
  '## ',
  '- ',
  '* ',
  '1. ',
  '2) ',
  '  ',
  '    ',
  '\t',
  '\n',
  '\n\n',
  'a',
  'word',
  ' ',
  'é',
  '👋',
  'http://a.example',
  'https://b.example/x_(y)',
  'mailto:c@d.example',
  'javascript:alert(1)',
  'java\tscript:x',
  'data:text/html,x',
  '//e.example',
  '&#58;',
  '<script>',
];

/** Markup soup: any sequence of the pieces above. */
const soup = fc.array(fc.constantFrom(...PIECES), { maxLength: 120 }).map((p) => p.join(''));

/** One piece repeated many times, optionally wrapped: long runs and deep nesting. */
const runs = fc
  .tuple(
    fc.constantFrom(...PIECES, '- ', '  - ', '> ', '*a ', '[a](', '**a ', '`a'),
    fc.integer({ min: 1, max: 3_000 }),
    fc.constantFrom('', 'x', '*', ')', ']', '`'),
  )
  .map(([piece, count, tail]) => piece.repeat(count) + tail);

/** Nested structure: openers, content, then the closers in reverse, possibly cut short. */
const nested = fc
  .tuple(
    fc.array(fc.constantFrom('*', '**', '_', '[', '- ', '  ', '`'), {
      minLength: 1,
      maxLength: 60,
    }),
    fc.nat(60),
  )
  .map(([openers, cut]) => {
    const closers = openers.map((o) => (o === '[' ? '](https://x.example)' : o.trim())).reverse();
    return `${openers.join('a ')}core${closers.slice(0, cut).join(' b')}`;
  });

const hostile = fc.oneof(soup, runs, nested, fc.string({ maxLength: 200 }));

function* inlines(nodes: Inline[], depth = 1): Generator<[Inline, number]> {
  for (const node of nodes) {
    yield [node, depth];
    if (typeof node !== 'string' && 'children' in node) yield* inlines(node.children, depth + 1);
  }
}

function* blockInlines(blocks: Block[], depth = 1): Generator<[Inline, number]> {
  for (const block of blocks) {
    expect(depth).toBeLessThanOrEqual(MAX_NESTING + 1);
    if (block.type === 'list') for (const item of block.items) yield* blockInlines(item, depth + 1);
    else if (block.type !== 'code') yield* inlines(block.children);
  }
}

const SAFE_SCHEME = /^(https?|mailto):$/;

describe('parseMarkdown on arbitrary hostile input', () => {
  it('never throws, nests boundedly, and links only to http(s) and mailto', () => {
    fc.assert(
      fc.property(hostile, (source) => {
        for (const [node, depth] of blockInlines(parseMarkdown(source))) {
          if (typeof node === 'string') continue;
          // A leaf (a code span, a bare URL's link) may sit inside the deepest element.
          const leaf =
            node.type === 'code' ||
            (node.type === 'link' &&
              node.children.length === 1 &&
              typeof node.children[0] === 'string');
          expect(depth).toBeLessThanOrEqual(leaf ? MAX_NESTING + 1 : MAX_NESTING);
          if (node.type === 'link') {
            expect(new URL(node.href).protocol).toMatch(SAFE_SCHEME);
          }
        }
      }),
      { numRuns: 400 },
    );
  });
});

describe('<Markdown> on arbitrary hostile input', () => {
  const ALLOWED = new Set(['P', 'STRONG', 'EM', 'CODE', 'PRE', 'UL', 'OL', 'LI', 'A']);

  it('never throws and renders only inert elements and safe links', () => {
    // The component would catch a throwing parse and show plain text; that must not happen either.
    const error = vi.spyOn(console, 'error');
    const root = document.createElement('div');
    fc.assert(
      fc.property(hostile, (source) => {
        render(<Markdown source={source} />, root);
        for (const el of root.querySelectorAll('*')) {
          expect(ALLOWED.has(el.tagName)).toBe(true);
          for (const attr of el.getAttributeNames()) {
            expect(['href', 'target', 'rel', 'start', 'tabindex']).toContain(attr);
          }
        }
        for (const link of root.querySelectorAll('a')) {
          expect(new URL(link.href).protocol).toMatch(SAFE_SCHEME);
        }
        render(null, root);
      }),
      { numRuns: 200 },
    );
    expect(error).not.toHaveBeenCalled();
  });

  it('renders a streamed answer exactly as the same answer rendered at once', () => {
    const streamed = document.createElement('div');
    const whole = document.createElement('div');
    fc.assert(
      fc.property(soup, fc.array(fc.nat(), { maxLength: 8 }), (source, cuts) => {
        const ends = [
          ...cuts.map((c) => c % (source.length + 1)).sort((a, b) => a - b),
          source.length,
        ];
        for (const end of ends) render(<Markdown source={source.slice(0, end)} />, streamed);
        render(<Markdown source={source} />, whole);
        expect(streamed.innerHTML).toBe(whole.innerHTML);
        render(null, streamed);
        render(null, whole);
      }),
      { numRuns: 200 },
    );
  });
});
