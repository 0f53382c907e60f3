import { describe, expect, it } from 'vitest';
import { readMarkdown, toPlainText } from './markdown-text.js';

const blocks = (markdown: string) => readMarkdown(markdown).blocks;
const texts = (markdown: string) => blocks(markdown).map((block) => block.text);

describe('readMarkdown: blocks', () => {
  it('joins the lines of a paragraph with single spaces', () => {
    expect(texts('One  line\nand\tthe next.\n\nA second   paragraph.')).toEqual([
      'One line and the next.',
      'A second paragraph.',
    ]);
  });

  it('keeps a list as one block, one item a line, bullets as "-" and numbers as written', () => {
    expect(texts('* one\n+ two\n- three\n\n3) four\n4) five')).toEqual([
      '- one\n- two\n- three',
      '3) four\n4) five',
    ]);
  });

  it('keeps the lead-in of a list or table that follows it without a blank line', () => {
    expect(texts('Before you call us, please:\n- restart the hub\n- update the app')).toEqual([
      'Before you call us, please:\n- restart the hub\n- update the app',
    ]);
    expect(texts('Prices:\n| Plan | Price |\n|---|---|\n| Plus | $3 |')).toEqual([
      'Prices:\nPlan, Price.\nPlus, $3.',
    ]);
  });

  // The old line-based reading split a list at its blank lines; markdown-it reads a loose list as
  // one list, and a list item's later paragraphs as part of the item.
  it('keeps a loose list whole, with each item on one line', () => {
    expect(texts('- one\n\n- two\n\n  more about two\n- three')).toEqual([
      '- one\n- two more about two\n- three',
    ]);
  });

  it('puts nested items on lines of their own, without indentation', () => {
    expect(texts('1. Open Settings\n   - on iPhone: Acme > Settings\n2. Tap Reset')).toEqual([
      '1. Open Settings\n- on iPhone: Acme > Settings\n2. Tap Reset',
    ]);
  });

  it('reads a table row as "a, b, c." without the separator row or empty cells', () => {
    expect(
      texts('| Device | **Battery** | |\n|---|:-:|--|\n| [Cam](/cam) | 3 months | |\n| | | |'),
    ).toEqual(['Device, Battery.\nCam, 3 months.']);
  });

  it('keeps code verbatim, Markdown inside it included, as a block of its own', () => {
    expect(
      texts("Name it\n\n```\n<script>alert('hi')</script>   **Garage**\n# not a heading\n```"),
    ).toEqual(['Name it', "<script>alert('hi')</script> **Garage** # not a heading"]);
    expect(texts('Type:\n\n    reset --all **now**')).toEqual(['Type:', 'reset --all **now**']);
  });

  it('reads each paragraph of a block quote as a block, without the markers', () => {
    expect(texts('> Quoted line\n> and more.\n>\n> Second paragraph.')).toEqual([
      'Quoted line and more.',
      'Second paragraph.',
    ]);
  });

  it('separates the paragraphs around a thematic break', () => {
    expect(texts('Before.\n\n***\nAfter.')).toEqual(['Before.', 'After.']);
  });
});

describe('readMarkdown: headings', () => {
  it('labels the blocks below a heading with it, and lists every heading', () => {
    const markdown =
      'Intro.\n\n## Reset **your** password ##\n\nStep.\n\n# Empty section\n# Last\n\nEnd.';
    expect(readMarkdown(markdown)).toEqual({
      headings: ['Reset your password', 'Empty section', 'Last'],
      blocks: [
        { heading: '', text: 'Intro.' },
        { heading: 'Reset your password', text: 'Step.' },
        { heading: 'Last', text: 'End.' },
      ],
    });
  });

  // The old reader knew only "#" headings and left "Title" and "=====" as a paragraph.
  it('reads underlined (setext) headings as headings', () => {
    expect(readMarkdown('Shipping\n========\n\nParcels ship from Reno.')).toEqual({
      headings: ['Shipping'],
      blocks: [{ heading: 'Shipping', text: 'Parcels ship from Reno.' }],
    });
  });

  it('reads "#" inside a code block or a list item as text, not as a heading', () => {
    expect(readMarkdown('```\n# not a heading\n```\n\n- # not one either')).toEqual({
      headings: [],
      blocks: [
        { heading: '', text: '# not a heading' },
        { heading: '', text: '- not one either' },
      ],
    });
  });

  it('ignores empty headings', () => {
    expect(readMarkdown('#\n\nText.').headings).toEqual([]);
  });
});

describe('readMarkdown: inline markup', () => {
  it('keeps the words of links, images (their alt text), code spans and emphasis', () => {
    expect(
      toPlainText(
        'Tap **Forgot password?** on the [sign-in screen](https://x.example) or ' +
          '![the *key* icon](k.png), then `Reset`.',
      ),
    ).toBe('Tap Forgot password? on the sign-in screen or the key icon, then Reset.');
  });

  it('resolves reference links and drops their definitions', () => {
    expect(
      toPlainText('See [the pricing page][prices].\n\n[prices]: https://x.example "Prices"'),
    ).toBe('See the pricing page.');
  });

  // CommonMark, not the old patterns: "*" may emphasise inside a word and "~~" strikes through,
  // while "__" inside a word and "*" between spaces stay as written; escapes and entities become
  // the characters they stand for.
  it('follows CommonMark for emphasis, escapes and entities', () => {
    expect(toPlainText('a*b*c, 2 * 3 * 4, snake_case, __dunder__init, ~~old~~ new')).toBe(
      'abc, 2 * 3 * 4, snake_case, __dunder__init, old new',
    );
    expect(toPlainText('\\*not emphasis\\* &amp; &copy; <https://x.example/a>')).toBe(
      '*not emphasis* & © https://x.example/a',
    );
  });

  it('keeps HTML as the text it is, never as markup', () => {
    expect(
      toPlainText('Names like <b>Kid</b> or <script>alert(1)</script> are shown as typed.'),
    ).toBe('Names like <b>Kid</b> or <script>alert(1)</script> are shown as typed.');
  });

  it('reads hard line breaks as spaces', () => {
    expect(toPlainText('line one  \nline two\\\nline three')).toBe('line one line two line three');
  });
});
