/**
 * Turns article Markdown into plain text blocks. Deliberately small: help-center articles use
 * headings, paragraphs, lists, simple tables and code blocks, and the output only feeds the
 * index and snippets, never a renderer.
 */

const HEADING = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/;
const CODE_FENCE = /^\s*(```|~~~)/;

/** A run of plain text from one Markdown block, with the heading it sits under. */
export interface TextBlock {
  /** The nearest heading above the block, plain text; empty before the first heading. */
  heading: string;
  text: string;
}

/** Removes inline Markdown (emphasis, links, images, inline code) from one line. */
export function stripInline(line: string): string {
  return line
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\[([^\]]+)\]\([^)]*\)/g, '$1')
    .replace(/`([^`]+)`/g, '$1')
    .replace(/(\*\*|__)(.+?)\1/g, '$2')
    .replace(/(^|[\s(])[*_]([^*_\s][^*_]*?)[*_](?=[\s).,;:!?]|$)/g, '$1$2');
}

function tableRowText(line: string): string | null {
  const cells = line
    .trim()
    .replace(/^\||\|$/g, '')
    .split('|')
    .map((cell) => stripInline(cell.trim()));
  // The separator row ("|---|:---:|") carries no text.
  if (cells.every((cell) => /^:?-*:?$/.test(cell))) return null;
  return `${cells.filter(Boolean).join(', ')}.`;
}

const LIST_ITEM = /^\s{0,3}([-*+]|\d{1,3}[.)])\s+/;

/**
 * One line as plain text. List markers stay (bullets normalised to "-"), so a snippet keeps the
 * steps of a how-to as steps: quoted in an answer, they still read, and render, as a list.
 */
function lineText(line: string): string | null {
  const trimmed = line.trim();
  if (trimmed.startsWith('|')) return tableRowText(trimmed);
  return stripInline(trimmed.replace(/^[*+]\s+/, '- ').replace(/^>\s?/, ''));
}

/**
 * Splits a Markdown body into plain-text blocks: paragraphs, whole lists, tables and code blocks
 * (code is kept verbatim as text; it is data to quote, never to run). Headings are not blocks;
 * they label the blocks below them.
 */
export function toTextBlocks(markdown: string): TextBlock[] {
  const blocks: TextBlock[] = [];
  let heading = '';
  // Each list item and table row starts a line of its own; other lines of a block are joined.
  let lines: { text: string; ownLine: boolean }[] = [];
  const flush = () => {
    const text = lines
      .map((line, index) => {
        const clean = line.text.replace(/\s+/g, ' ').trim();
        return index === 0 ? clean : `${line.ownLine ? '\n' : ' '}${clean}`;
      })
      .join('')
      .trim();
    if (text) blocks.push({ heading, text });
    lines = [];
  };

  let inCode = false;
  for (const raw of markdown.split(/\r?\n/)) {
    if (CODE_FENCE.test(raw)) {
      flush();
      inCode = !inCode;
      continue;
    }
    if (inCode) {
      lines.push({ text: raw.trim(), ownLine: false });
      continue;
    }
    const headingMatch = HEADING.exec(raw);
    if (headingMatch) {
      flush();
      heading = stripInline(headingMatch[1] ?? '');
      continue;
    }
    if (raw.trim() === '') {
      flush();
      continue;
    }
    const text = lineText(raw);
    if (text) lines.push({ text, ownLine: LIST_ITEM.test(raw) || raw.trim().startsWith('|') });
  }
  flush();
  return blocks;
}

/** All headings of a Markdown body as plain text, in order. */
export function extractHeadings(markdown: string): string[] {
  const headings: string[] = [];
  let inCode = false;
  for (const raw of markdown.split(/\r?\n/)) {
    if (CODE_FENCE.test(raw)) inCode = !inCode;
    if (inCode) continue;
    const match = HEADING.exec(raw);
    if (match) headings.push(stripInline(match[1] ?? ''));
  }
  return headings;
}

/** The whole body as plain text without headings, blocks separated by blank lines. */
export function toPlainText(markdown: string): string {
  return toTextBlocks(markdown)
    .map((block) => block.text)
    .join('\n\n');
}
