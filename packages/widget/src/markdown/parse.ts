import { type Inline, MAX_NESTING, parseInline } from './inline';

export { type Inline, MAX_NESTING } from './inline';

/** The block-level AST. Rendering it only ever creates elements and text nodes. */
export type Block =
  | { type: 'paragraph' | 'heading'; children: Inline[] }
  | { type: 'code'; text: string }
  | { type: 'list'; ordered: boolean; start: number; items: Block[][] };

/**
 * Longer messages are shown as plain text, not parsed: parsing is linear, but a message is parsed
 * again on every page view, and 20,000 characters is about ten times the longest real answer.
 */
export const MAX_MARKDOWN_LENGTH = 20_000;

// Each pattern is anchored and no two of its quantifiers compete for the same characters, so a
// failed match costs at most one pass over the line. (The old heading pattern, with a lazy `.*?`
// before optional `\s+#+` and `\s*`, was quadratic on `# a` and a few thousand spaces.)
const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const HEADING = /^ {0,3}#{1,6}(?:\s|$)/;
const LIST_ITEM = /^( *)([-*+]|(\d{1,9})[.)])(?: +|$)/;

/** Lines `[from, to)` of one block (`to` may pass the end), and how to build it when needed. */
type Piece = [from: number, to: number, build: () => Block];

/**
 * Parses the markdown a support answer uses: paragraphs, `#` headings, fenced code blocks,
 * bullet and numbered lists (nested by indentation, at most {@link MAX_NESTING} deep; deeper
 * markers are text) and the inline syntax of {@link parseInline}, in time linear in the source.
 * Raw HTML is not markdown here: it stays text. An unclosed fence runs to the end, which is what a
 * half-streamed answer needs.
 *
 * @example
 * parseMarkdown('Hi **there**')
 * // [{ type: 'paragraph', children: ['Hi ', { type: 'strong', children: ['there'] }] }]
 */
export function parseMarkdown(source: string): Block[] {
  return parseBlocks(toLines(source), 0);
}

/**
 * Cuts the source into its top-level blocks, dropping the blank lines between them: each comes
 * with its source and a function that parses it. While an answer streams only the last block's
 * source changes, so the others need not be parsed again.
 *
 * @example
 * splitBlocks('Hi\n\n- a\n- b').map(([source]) => source) // ['Hi', '- a\n- b']
 */
export function splitBlocks(source: string): [source: string, parse: () => Block][] {
  const lines = toLines(source);
  return pieces(lines, 0).map(([from, to, parse]) => [lines.slice(from, to).join('\n'), parse]);
}

function toLines(source: string): string[] {
  return source.split(/\r\n?|\n/);
}

function parseBlocks(lines: string[], depth: number): Block[] {
  return pieces(lines, depth).map((piece) => piece[2]());
}

function pieces(lines: string[], depth: number): Piece[] {
  const out: Piece[] = [];
  for (let i = 0; i < lines.length; ) {
    const from = i;
    const line = lines[i] as string;
    if (!line.trim()) {
      i++;
      continue;
    }
    const fence = FENCE.exec(line)?.[1];
    const heading = HEADING.exec(line)?.[0];
    // Past the nesting limit a list marker is text.
    const item = depth < MAX_NESTING && LIST_ITEM.exec(line);
    let build: () => Block;
    if (fence) {
      // Closed by a run of the same character, at least as long, alone on its line.
      i = findLine(lines, i + 1, (l) => {
        const run = FENCE.exec(l)?.[1];
        return !!run?.startsWith(fence) && l.trim() === run;
      });
      const text = lines.slice(from + 1, i++).join('\n');
      build = () => ({ type: 'code', text });
    } else if (heading) {
      // A closing run of # counts only after a space (`# C#` keeps its #). Each start position
      // looks at one space and the run of # after it, so the pattern stays linear.
      const title = line
        .slice(heading.length)
        .trim()
        .replace(/(?:^|\s)#+$/, '')
        .trim();
      i++;
      build = () => ({ type: 'heading', children: parseInline(title) });
    } else if (item) {
      const items: string[][] = [];
      i = readList(lines, i, item, items);
      build = () => ({
        type: 'list',
        ordered: item[3] !== undefined,
        start: Number(item[3] ?? 1),
        items: items.map((itemLines) => parseBlocks(itemLines, depth + 1)),
      });
    } else {
      i = findLine(lines, i + 1, (l) => !l.trim() || startsBlock(l));
      const text = lines
        .slice(from, i)
        .map((l) => l.trim())
        .join('\n');
      build = () => ({ type: 'paragraph', children: parseInline(text) });
    }
    out.push([from, i, build]);
  }
  return out;
}

/**
 * Reads the list whose first item is `lines[start]` and pushes each item's lines, relative to the
 * item, onto `items`; returns the index after the list.
 */
function readList(
  lines: string[],
  start: number,
  first: RegExpExecArray,
  items: string[][],
): number {
  const indent = first[1]?.length ?? 0;
  const ordered = first[3] !== undefined;
  const sibling = (item: RegExpExecArray | null) => item && (item[3] !== undefined) === ordered;
  let i = start;
  while (i < lines.length) {
    const line = lines[i] as string;
    const item = LIST_ITEM.exec(line);
    const current = items.at(-1) as string[];
    const lineIndent = indentOf(line);
    if (sibling(item) && lineIndent <= indent) {
      items.push([line.slice(item?.[0].length)]);
      i++;
    } else if (!line.trim()) {
      // Blank lines continue the item only when indented content or a sibling item follows.
      const next = findLine(lines, i, (l) => !!l.trim());
      const after = lines[next];
      if (after === undefined || (indentOf(after) <= indent && !sibling(LIST_ITEM.exec(after))))
        break;
      for (; i < next; i++) current.push('');
    } else if (lineIndent > indent) {
      // Nested content: models indent by 2, 3 or 4 spaces, so anything deeper than the marker counts.
      current.push(line.slice(Math.min(lineIndent, indent + 4)));
      i++;
    } else if (!startsBlock(line) && current.at(-1) !== '') {
      current.push(line.trim());
      i++;
    } else break;
  }
  return i;
}

function findLine(lines: string[], from: number, match: (line: string) => boolean): number {
  let i = from;
  while (i < lines.length && !match(lines[i] as string)) i++;
  return i;
}

function startsBlock(line: string): boolean {
  return FENCE.test(line) || HEADING.test(line) || LIST_ITEM.test(line);
}

function indentOf(line: string): number {
  return line.search(/[^ ]|$/);
}
