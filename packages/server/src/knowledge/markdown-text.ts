import type { Token } from 'markdown-it';
import { createMarkdownParser } from './markdown-parser.js';

/**
 * Turns article Markdown into plain text blocks by walking markdown-it's tokens. Help-center
 * articles use headings, paragraphs, lists, simple tables and code blocks, and the output only
 * feeds the index and snippets, never a renderer: markup goes, the words stay.
 */

const parser = createMarkdownParser();

/** A run of plain text from one Markdown block, with the heading it sits under. */
export interface TextBlock {
  /** The nearest heading above the block, plain text; empty before the first heading. */
  heading: string;
  text: string;
}

/** An article body as plain text: its blocks and all of its headings, in order. */
export interface MarkdownText {
  blocks: TextBlock[];
  headings: string[];
}

/**
 * Text with each whitespace run as one space, trimmed. Only runs that are not a single space
 * already are replaced: prose has one between every two words, and in a long block that many
 * matches cost V8 far more than the scan itself.
 */
function clean(text: string): string {
  return text.replace(/\s{2,}|(?! )\s/g, ' ').trim();
}

/**
 * The words of an inline token: text and inline code as written, line breaks as spaces, links
 * as their text and images as their alt text. A stack rather than recursion, because image alt
 * text is parsed into tokens of its own and can nest as deep as the input likes.
 */
function inlineText(inline: Token | undefined): string {
  const parts: string[] = [];
  const stack = [...(inline?.children ?? [])].reverse();
  for (let token = stack.pop(); token; token = stack.pop()) {
    switch (token.type) {
      case 'text':
      case 'text_special': // escapes and entities, from markdown-it 14 on
      case 'code_inline':
        parts.push(token.content);
        break;
      case 'softbreak':
      case 'hardbreak':
        parts.push(' ');
        break;
      case 'image': {
        // Pushed one by one: spread as arguments, a long alt text would overflow the call stack.
        for (const child of [...(token.children ?? [])].reverse()) stack.push(child);
        break;
      }
    }
  }
  return parts.join('');
}

/** A list item's marker: the number as written for ordered lists ("2.", "3)"), "-" for bullets. */
function listMarker(item: Token): string {
  return item.info ? `${item.info}${item.markup}` : '-';
}

/**
 * Parses a Markdown body into plain-text blocks and headings. A block is what blank lines, headings
 * and code fences separate: a paragraph, a whole list or table (with the paragraph that leads into
 * it on the line before), or a code block. Headings are not blocks; they label the blocks below
 * them. Each paragraph, list item (marker kept, bullets as "-") and table row ("a, b, c.") starts
 * a line of its own, so a snippet quoting the steps of a how-to still reads, and renders, as a
 * list. Code is kept as text with its whitespace collapsed: it is data to quote, never to run.
 *
 * @example
 * readMarkdown('## Reset\n\n1. Open the **app**\n2. Tap Reset');
 * // { headings: ['Reset'], blocks: [{ heading: 'Reset', text: '1. Open the app\n2. Tap Reset' }] }
 */
export function readMarkdown(markdown: string): MarkdownText {
  const tokens = parser.parse(markdown, {});
  // Split as markdown-it splits, so its line numbers (`token.map`) index this array.
  const sourceLines = markdown.split(/\r\n?|\n/);
  const blocks: TextBlock[] = [];
  const headings: string[] = [];
  let heading = '';
  let lines: string[] = [];
  // Paragraphs of a list item continue the item's line; elsewhere each starts a new one.
  let continueLine = false;
  let listDepth = 0;
  let cells: string[] | undefined;

  const addText = (text: string) => {
    const last = lines.length - 1;
    if (continueLine && last >= 0) lines[last] = `${lines[last]} ${text}`;
    else lines.push(text);
  };
  const flush = () => {
    const text = lines.map(clean).filter(Boolean).join('\n');
    if (text) blocks.push({ heading, text });
    lines = [];
    continueLine = false;
  };
  // A paragraph, list or table outside any list continues the block unless a blank line (or a
  // quote marker alone) precedes it.
  const startBlock = (token: Token) => {
    const start = token.map?.[0] ?? 0;
    if (listDepth === 0 && /^[\s>]*$/.test(sourceLines[start - 1] ?? '')) flush();
  };

  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (!token) continue;
    switch (token.type) {
      case 'heading_open': {
        i++;
        const text = clean(inlineText(tokens[i]));
        // A heading inside a list item is part of the item, not a section of the article.
        if (listDepth > 0) {
          addText(text);
        } else {
          flush();
          heading = text;
          if (text) headings.push(text);
        }
        break;
      }
      case 'paragraph_open':
      case 'table_open':
        startBlock(token);
        break;
      case 'bullet_list_open':
      case 'ordered_list_open':
        startBlock(token);
        listDepth++;
        break;
      case 'bullet_list_close':
      case 'ordered_list_close':
        listDepth--;
        break;
      case 'list_item_open':
        lines.push(listMarker(token));
        continueLine = true;
        break;
      case 'list_item_close':
        continueLine = false;
        break;
      case 'tr_open':
        cells = [];
        break;
      case 'tr_close':
        if (cells?.some(Boolean)) lines.push(`${cells.filter(Boolean).join(', ')}.`);
        cells = undefined;
        break;
      case 'inline':
        if (cells) cells.push(clean(inlineText(token)));
        else addText(inlineText(token));
        break;
      case 'fence':
      case 'code_block':
        // Code in a list item is a line of the item's block; elsewhere a block of its own.
        if (listDepth === 0) flush();
        lines.push(token.content);
        continueLine = false;
        if (listDepth === 0) flush();
        break;
      case 'hr':
        flush();
        break;
    }
  }
  flush();
  return { blocks, headings };
}

/** The plain-text blocks of a Markdown body (see {@link readMarkdown}). */
export function toTextBlocks(markdown: string): TextBlock[] {
  return readMarkdown(markdown).blocks;
}

/** All headings of a Markdown body as plain text, in order. */
export function extractHeadings(markdown: string): string[] {
  return readMarkdown(markdown).headings;
}

/** The whole body as plain text without headings, blocks separated by blank lines. */
export function toPlainText(markdown: string): string {
  return toTextBlocks(markdown)
    .map((block) => block.text)
    .join('\n\n');
}
