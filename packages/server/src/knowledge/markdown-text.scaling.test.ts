import { expectLinearScaling, fill, TEXT_SIZES } from '@parley/testkit';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_TABLE_COLUMNS } from './markdown-parser.js';
import { readMarkdown, toPlainText } from './markdown-text.js';

/**
 * Articles are Markdown that anyone with write access to the folder can edit, parsed synchronously
 * at start-up and on every re-index: no input may cost more than linear time. Timed at
 * `TEXT_SIZES`; other work on a shared machine can slow one measurement and not the other, so each
 * scaling test gets two more tries: a cost that really grows faster than linearly fails them all.
 */
/** `n / width` lines of about `width` characters each. */
const lines = (n: number, width: number, line: (i: number) => string) =>
  Array.from({ length: Math.ceil(n / width) }, (_, i) => line(i)).join('\n');

/** Hostile article bodies of about n characters. */
const HOSTILE_BODIES: [string, (n: number) => string][] = [
  // The old heading pattern took 191 s on 8,000 spaces.
  ['a heading with a long run of spaces before its last word', (n) => `# x${' '.repeat(n)}y`],
  ['a heading of " #" pairs', (n) => `# x${fill(' #', n)}y`],
  ['a heading of hashes then spaces', (n) => `###### x${' '.repeat(n / 2)}${'#'.repeat(n / 2)}`],
  ['unclosed link brackets', (n) => '['.repeat(n)],
  ['unclosed image brackets', (n) => fill('![', n)],
  ['link openings without a closing parenthesis', (n) => fill('[a](', n)],
  ['nested images', (n) => `${fill('![', n / 2)}a${fill('](b)', n)}`],
  ['delimiter soup', (n) => fill('*_[]()`<>!#|-+~\\&', n)],
  ['strong emphasis that never closes', (n) => fill('**a', n)],
  ['underscores between words', (n) => fill('_a ', n)],
  ['emphasis openers, then closers', (n) => `${fill('*a ', n / 2)}${fill('a* ', n / 2)}`],
  ['backtick runs of every length', (n) => lines(n, 20, (i) => `${'`'.repeat((i % 40) + 1)}a`)],
  ['a long line without breaks', (n) => fill('word ', n)],
  ['a long word', (n) => 'a'.repeat(n)],
  ['many sentence ends', (n) => fill('A b. ', n)],
  ['many short lines', (n) => fill('a\n', n)],
  ['deeply nested list markers', (n) => `${fill('- ', n)}x`],
  ['deeply nested block quotes', (n) => `${'>'.repeat(n)} x`],
  ['lines of ever deeper block quotes', (n) => lines(n, 50, (i) => `${'>'.repeat(i % 100)} x`)],
  ['lines of ever deeper list items', (n) => lines(n, 50, (i) => `${' '.repeat(2 * (i % 50))}- x`)],
  ['many numbered items', (n) => fill('1. a\n', n)],
  ['a table header as wide as its rows are many', (n) => wideTable(n / 8, n / 8)],
  ['many table rows', (n) => `| a | b |\n|---|---|\n${fill('| x | y |\n', n)}`],
  ['many link reference definitions', (n) => fill('[a]: b\n', n)],
  ['reference definitions without a destination', (n) => fill('[a]:\n', n)],
  ['an unclosed code fence', (n) => `\`\`\`\n${fill('a\n', n)}`],
  ['many code fences', (n) => fill('```\n', n)],
  ['a paragraph over a setext underline', (n) => `${fill('a\n', n)}===`],
  ['backslashes', (n) => '\\'.repeat(n)],
];

function wideTable(columns: number, rows: number): string {
  return `|${' a |'.repeat(columns)}\n|${'---|'.repeat(columns)}\n${'| x\n'.repeat(rows)}`;
}

describe('Markdown to text on hostile articles', { retry: 2 }, () => {
  it.each(HOSTILE_BODIES)('scales linearly: %s', (what, input) => {
    expectLinearScaling({ ...TEXT_SIZES, input, run: readMarkdown }, what);
  });

  it('reads a table of the widest size it accepts as a table, a wider one as a paragraph', () => {
    expect(toPlainText(wideTable(MAX_TABLE_COLUMNS, 1))).toBe(
      `${Array(MAX_TABLE_COLUMNS).fill('a').join(', ')}.\nx.`,
    );
    expect(toPlainText(wideTable(MAX_TABLE_COLUMNS + 1, 1))).toMatch(/^\| a \| a \|/);
  });

  it('drops what is nested deeper than a help article ever is, and keeps the rest', () => {
    const deep = `${'> '.repeat(200)}buried\n\nAfter the quote.`;
    expect(toPlainText(deep)).toBe('After the quote.');
  });
});

/** Markdown's special characters and constructs, mixed with words and every kind of space. */
const markdownSoup = fc.string({
  unit: fc.constantFrom(
    ...'*_`[]()!#>-+|:~<&;\\.1a '.split(''),
    'word',
    '\t',
    '\n',
    '\n\n',
    '    ',
    '```',
    '# ',
    '- ',
    '1. ',
    '> ',
    '|---|',
    '===',
    '\u00a0',
    'é',
    '😀',
  ),
  maxLength: 300,
});

describe('Markdown to text on any input', () => {
  it('gives trimmed, non-empty blocks of single-spaced lines under known headings', () => {
    fc.assert(
      fc.property(markdownSoup, (markdown) => {
        const { blocks, headings } = readMarkdown(markdown);
        for (const heading of headings) expect(heading).toMatch(/^\S(.*\S)?$/);
        for (const block of blocks) {
          expect(['', ...headings]).toContain(block.heading);
          for (const line of block.text.split('\n')) expect(line).toMatch(/^\S+( \S+)*$/);
        }
      }),
    );
  });

  it('passes prose without markup through word for word', () => {
    const word = fc.stringMatching(/^[a-z]{1,8}$/);
    const prose = fc.array(fc.tuple(word, fc.constantFrom(' ', '  ', '\n', ' \n ')), {
      minLength: 1,
      maxLength: 40,
    });
    fc.assert(
      fc.property(prose, (parts) => {
        const markdown = parts.map(([w, space]) => w + space).join('');
        expect(toPlainText(markdown)).toBe(parts.map(([w]) => w).join(' '));
      }),
    );
  });
});
