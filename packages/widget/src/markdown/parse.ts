import { type Inline, parseInline } from './inline';

export type { Inline } from './inline';

/** The block-level AST. Rendering it only ever creates elements and text nodes. */
export type Block =
  | { type: 'paragraph' | 'heading'; children: Inline[] }
  | { type: 'code'; text: string }
  | { type: 'list'; ordered: boolean; start: number; items: Block[][] };

const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const HEADING = /^ {0,3}#{1,6}(?:\s+|$)(.*?)(?:\s+#+)?\s*$/;
const LIST_ITEM = /^( *)([-*+]|(\d{1,9})[.)])(?: +|$)/;

/**
 * Parses the markdown a support answer uses: paragraphs, `#` headings, fenced code blocks,
 * bullet and numbered lists (nested by indentation) and the inline syntax of {@link parseInline}.
 * Raw HTML is not markdown here: it stays text. An unclosed fence runs to the end, which is what a
 * half-streamed answer needs.
 *
 * @example
 * parseMarkdown('Hi **there**')
 * // [{ type: 'paragraph', children: ['Hi ', { type: 'strong', children: ['there'] }] }]
 */
export function parseMarkdown(source: string): Block[] {
  return parseBlocks(source.replace(/\r\n?/g, '\n').split('\n'));
}

function parseBlocks(lines: string[]): Block[] {
  const blocks: Block[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] as string;
    if (!line.trim()) {
      i++;
      continue;
    }
    const fence = FENCE.exec(line)?.[1];
    if (fence) {
      const closing = new RegExp(`^ {0,3}${fence[0]}{${fence.length},}\\s*$`);
      const end = findIndex(lines, i + 1, (l) => closing.test(l));
      blocks.push({ type: 'code', text: lines.slice(i + 1, end).join('\n') });
      i = end + 1;
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      blocks.push({ type: 'heading', children: parseInline(heading[1] ?? '') });
      i++;
      continue;
    }
    if (LIST_ITEM.test(line)) {
      i = parseList(lines, i, blocks);
      continue;
    }
    const end = findIndex(lines, i + 1, (l) => !l.trim() || startsBlock(l));
    const text = lines
      .slice(i, end)
      .map((l) => l.trim())
      .join('\n');
    blocks.push({ type: 'paragraph', children: parseInline(text) });
    i = end;
  }
  return blocks;
}

function startsBlock(line: string): boolean {
  return FENCE.test(line) || HEADING.test(line) || LIST_ITEM.test(line);
}

function findIndex(lines: string[], from: number, match: (line: string) => boolean): number {
  let i = from;
  while (i < lines.length && !match(lines[i] as string)) i++;
  return i;
}

/** Parses the list starting at `lines[start]` into `blocks`; returns the index after it. */
function parseList(lines: string[], start: number, blocks: Block[]): number {
  const first = LIST_ITEM.exec(lines[start] as string);
  const indent = first?.[1]?.length ?? 0;
  const ordered = first?.[3] !== undefined;
  const items: string[][] = [];
  let i = start;
  while (i < lines.length) {
    const line = lines[i] as string;
    const item = LIST_ITEM.exec(line);
    const itemIndent = item?.[1]?.length ?? -1;
    if (item && itemIndent <= indent && (item[3] !== undefined) === ordered) {
      items.push([line.slice(item[0].length)]);
      i++;
      continue;
    }
    const current = items[items.length - 1] as string[];
    const lineIndent = /^ */.exec(line)?.[0].length ?? 0;
    if (!line.trim()) {
      // A blank line continues the item only when indented content follows it.
      const next = lines[findIndex(lines, i + 1, (l) => l.trim() !== '')];
      const nextItem = next === undefined ? null : LIST_ITEM.exec(next);
      const continues =
        next !== undefined &&
        ((/^ */.exec(next)?.[0].length ?? 0) > indent ||
          (nextItem !== null && (nextItem[3] !== undefined) === ordered));
      if (!continues) break;
      current.push('');
      i++;
    } else if (lineIndent > indent) {
      // Nested content: models indent by 2, 3 or 4 spaces, so anything deeper than the marker counts.
      current.push(line.slice(Math.min(lineIndent, indent + 4)));
      i++;
    } else if (!startsBlock(line) && current[current.length - 1] !== '') {
      current.push(line.trim());
      i++;
    } else {
      break;
    }
  }
  blocks.push({
    type: 'list',
    ordered,
    start: ordered ? Number(first?.[3]) : 1,
    items: items.map(parseBlocks),
  });
  return i;
}
