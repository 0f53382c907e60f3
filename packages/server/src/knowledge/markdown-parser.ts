import MarkdownIt, { type Options, type StateBlock } from 'markdown-it';

/**
 * The Markdown tokenizer for knowledge-base articles: markdown-it (CommonMark plus tables and
 * strikethrough), with no raw HTML, no linkify and no typographer, because its tokens only feed
 * the index and snippets, never a renderer. Articles can be edited by anyone with write access to
 * the folder and are parsed synchronously at start-up and on every re-index, so the two rules of
 * markdown-it 13 whose cost grows with the square of the input are bounded here (markdown-it 14.1
 * bounds both itself; drop the guards after upgrading).
 */

/**
 * Deepest nesting of lists and block quotes that is parsed; deeper content is dropped, as
 * markdown-it does past this limit. Help articles nest two or three levels; markdown-it's default
 * of 100 only multiplies the cost of hostile input (each level rescans the lines it holds).
 */
export const MAX_NESTING = 20;

/**
 * A table with more columns than this is read as a paragraph. markdown-it 13 fills every short row
 * up to the header's width, so a wide header over many one-cell rows costs columns × rows
 * (markdown-it #1000).
 */
export const MAX_TABLE_COLUMNS = 64;

/**
 * How many lines a link reference definition (`[label]: url "title"`) may span. markdown-it 13
 * reads the whole rest of the paragraph for each definition, so a list of definitions costs the
 * square of its length (markdown-it #996); real ones take a line or two.
 */
export const MAX_REFERENCE_LINES = 20;

type BlockRule = (
  state: StateBlock,
  startLine: number,
  endLine: number,
  silent: boolean,
) => boolean;

/** The built-in block rule called `name` (rule functions carry their rule's name). */
function blockRule(md: MarkdownIt, name: string): BlockRule {
  const rule = md.block.ruler.getRules('').find((fn) => fn.name === name);
  if (!rule) throw new Error(`markdown-it has no block rule named "${name}"`);
  return rule;
}

function pipesInLine(state: StateBlock, line: number): number {
  let pipes = 0;
  const end = state.eMarks[line] ?? 0;
  for (let pos = (state.bMarks[line] ?? 0) + (state.tShift[line] ?? 0); pos < end; pos++) {
    if (state.src.charCodeAt(pos) === 0x7c /* | */) pipes++;
  }
  return pipes;
}

/**
 * Creates the parser. One instance is enough: `parse` keeps no state between calls.
 *
 * @example
 * createMarkdownParser().parse('## Reset\n\n1. Open the app', {});
 */
export function createMarkdownParser(): MarkdownIt {
  // `maxNesting` is a real option of markdown-it that its type definitions leave out.
  const options: Options & { maxNesting: number } = {
    html: false,
    linkify: false,
    typographer: false,
    maxNesting: MAX_NESTING,
  };
  const md = new MarkdownIt('default', options);

  const table = blockRule(md, 'table');
  // The second line of a table is its delimiter row: a `|` between each two columns, and
  // usually one at each end.
  const boundedTable: BlockRule = (state, startLine, endLine, silent) =>
    startLine + 1 < endLine &&
    pipesInLine(state, startLine + 1) <= MAX_TABLE_COLUMNS + 1 &&
    table(state, startLine, endLine, silent);
  md.block.ruler.at('table', boundedTable, { alt: ['paragraph', 'reference'] });

  const reference = blockRule(md, 'reference');
  // The rule looks ahead to `state.lineMax`, not to the `endLine` it is given.
  const boundedReference: BlockRule = (state, startLine, endLine, silent) => {
    const lineMax = state.lineMax;
    state.lineMax = Math.min(lineMax, startLine + MAX_REFERENCE_LINES);
    try {
      return reference(state, startLine, endLine, silent);
    } finally {
      state.lineMax = lineMax;
    }
  };
  md.block.ruler.at('reference', boundedReference);
  return md;
}
