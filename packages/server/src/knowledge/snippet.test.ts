import { describe, expect, it } from 'vitest';
import { extractHeadings, toPlainText } from './markdown-text.js';
import { extractSnippet, MAX_SNIPPET_LENGTH } from './snippet.js';
import { analyze } from './text-analysis.js';

const terms = (query: string) => new Map(analyze(query).map((term) => [term, 1]));

const ARTICLE = `Intro paragraph about the **Acme Home** app and nothing else in particular here.

## Reset your password

1. Tap **Forgot password?** on the [sign-in screen](https://x.example/signin).
2. Open the \`Reset\` email.

## Shipping

Parcels ship from Reno.

\`\`\`
<script>alert('hi')</script> Garage
\`\`\`
`;

describe('markdown to text', () => {
  it('strips emphasis, links and code marks, keeps list numbers (one item a line) and code text', () => {
    const text = toPlainText(ARTICLE);
    expect(text).toContain(
      '1. Tap Forgot password? on the sign-in screen.\n2. Open the Reset email.',
    );
    expect(text).toContain("<script>alert('hi')</script> Garage");
    expect(text).not.toMatch(/\*\*|\]\(|`|##/);
  });

  it('lists headings outside code blocks', () => {
    expect(extractHeadings(`${ARTICLE}\n\`\`\`\n# not a heading\n\`\`\``)).toEqual([
      'Reset your password',
      'Shipping',
    ]);
  });
});

describe('extractSnippet', () => {
  it('picks the block that shares the most words with the query', () => {
    expect(extractSnippet(ARTICLE, terms('forgot my password'))).toBe(
      '1. Tap Forgot password? on the sign-in screen.\n2. Open the Reset email.',
    );
  });

  it('counts the heading above a block', () => {
    // "reset" is in the list too, but "shipping" only in a heading: its section wins.
    expect(extractSnippet(ARTICLE, terms('shipping'))).toMatch(/^Parcels ship from Reno\./);
  });

  it('appends the next short block of the same section to a short best block', () => {
    expect(extractSnippet(ARTICLE, terms('parcels reno'))).toBe(
      "Parcels ship from Reno. <script>alert('hi')</script> Garage",
    );
  });

  it('falls back to the opening paragraph without any overlap', () => {
    expect(extractSnippet(ARTICLE, terms('zebra'))).toMatch(/^Intro paragraph/);
  });

  it('cuts long blocks to whole sentences around the match, with ellipses', () => {
    const filler = (n: number) =>
      Array.from({ length: n }, (_, i) => `Sentence number ${i} says nothing useful.`).join(' ');
    const body = `${filler(8)} The refund arrives within five business days. ${filler(16)}`;
    const snippet = extractSnippet(body, terms('when does the refund arrive'));
    expect(snippet.length).toBeLessThanOrEqual(MAX_SNIPPET_LENGTH);
    expect(snippet).toContain('The refund arrives within five business days.');
    expect(snippet).toMatch(/^…The refund arrives/);
    expect(snippet.endsWith('…')).toBe(true);
  });

  it('cuts a single overlong sentence at a word boundary', () => {
    const body = `${'word '.repeat(200)}end`;
    const snippet = extractSnippet(body, terms('word'));
    expect(snippet.length).toBeLessThanOrEqual(MAX_SNIPPET_LENGTH);
    expect(snippet).toMatch(/word…$/);
  });

  it('keeps bullet lists as one item a line, bullets normalised to "-"', () => {
    const markdown =
      'Before you call us, please:\n\n* restart the hub\n+ check the **Wi-Fi** light\n- update the app';
    expect(extractSnippet(markdown, terms('restart hub wifi'))).toBe(
      '- restart the hub\n- check the Wi-Fi light\n- update the app',
    );
  });
});
