import { expectLinearScaling } from '@parley/testkit';
import { describe, it } from 'vitest';
import { parseMarkdown } from './parse';

/** `'`'`, `'``'`, `'```'`... separated by spaces, about `n` characters in all. */
function growingBacktickRuns(n: number): string {
  let text = '';
  for (let run = 1; text.length < n; run++) text += `${'`'.repeat(run)} `;
  return text;
}

/**
 * Each input is timed at n and 4n characters, n growing from 256 to at most 1,024: long enough
 * for a quadratic cost to show (the old parser took 0.8 s on 2,000 characters of `*a ` and
 * backticks, and failed here at n = 256 to 1,024), small enough that V8's young generation holds
 * one parse's tokens. Past about 10,000 live objects garbage collection alone grows faster than
 * linearly, and the ratio would measure V8 rather than the parser (as the server's scaling tests
 * note too).
 */
const SIZES = { n: 256, maxN: 4_096, minMs: 1, repeats: 10 };

/**
 * Inputs built to make a markdown parser rescan: each is about `n` characters of one shape an
 * attacker (or a confused model) can send. The widget re-parses answers on every streamed delta,
 * so anything worse than linear here freezes the customer's page.
 */
const HOSTILE: Array<[shape: string, input: (n: number) => string]> = [
  ['unclosed emphasis `*a `', (n) => '*a '.repeat(n / 3)],
  ['unclosed strong `**a `', (n) => '**a '.repeat(n / 4)],
  ['unclosed underscores `_a `', (n) => '_a '.repeat(n / 3)],
  [
    'openers of one kind, closers of the other',
    (n) => `${'_a '.repeat(n / 6)}${'a* '.repeat(n / 6)}`,
  ],
  ['backtick runs of growing length', growingBacktickRuns],
  [
    '`*a ` then growing backtick runs',
    (n) => `${'*a '.repeat(n / 6)}${growingBacktickRuns(n / 2)}`,
  ],
  ['open brackets `[`', (n) => '['.repeat(n)],
  ['link tails `](`', (n) => '](['.repeat(n / 3)],
  ['unfinished links `[a](`', (n) => '[a]('.repeat(n / 4)],
  ['links with unclosed titles', (n) => '[a](b "'.repeat(n / 7)],
  ['link targets padded with spaces', (n) => `[a](b${' '.repeat(n)}x`],
  ['link targets of escapes and parentheses', (n) => `[a](${'\\((x)'.repeat(n / 5)}`],
  [
    'brackets around delimiters',
    (n) => `${'['.repeat(n / 4)}${'_a '.repeat(n / 8)}${']a* '.repeat(n / 8)}`,
  ],
  ['bare URLs that are not URLs', (n) => '(http://['.repeat(n / 9)],
  ['nested list markers `- `', (n) => `${'- '.repeat(n / 2)}x`],
  [
    'indented list markers',
    (n) => Array.from({ length: n / 40 }, (_, i) => `${' '.repeat(i % 40)}- x`).join('\n'),
  ],
  ['blank lines inside a list', (n) => `- a${'\n'.repeat(n)}  b`],
  ['`#` then spaces', (n) => `#${' '.repeat(n)}x`],
  ['a heading then spaces', (n) => `# a${' '.repeat(n)}x`],
  ['a closing run of `#`', (n) => `# a ${'#'.repeat(n)}x`],
  ['a long line without breaks', (n) => 'word '.repeat(n / 5)],
  ['escapes', (n) => '\\*\\_\\`\\['.repeat(n / 8)],
];

describe('parseMarkdown scales linearly on hostile input', () => {
  it.each(HOSTILE)('%s', (shape, input) => {
    expectLinearScaling({ ...SIZES, input, run: parseMarkdown }, `parseMarkdown on ${shape}`);
  });
});
