/** Results as tables: the same rows print to stdout and land in docs/performance.md. */

export type Cell = string | number | undefined;

export interface Table {
  title: string;
  columns: string[];
  rows: Cell[][];
  /** One or two sentences under the table: what was measured and how to read it. */
  note?: string;
}

/** A cell as text: numbers get thousands separators and at most `digits` decimals; gaps are "–". */
export function formatCell(cell: Cell, digits = 2): string {
  if (cell === undefined) return '–';
  if (typeof cell === 'string') return cell;
  if (!Number.isFinite(cell)) return '–';
  return cell.toLocaleString('en-US', { maximumFractionDigits: digits });
}

/** A GitHub-flavoured Markdown table, numbers right-aligned. */
export function toMarkdown(table: Table): string {
  const numeric = table.columns.map((_, i) => table.rows.some((r) => typeof r[i] === 'number'));
  const head = `| ${table.columns.join(' | ')} |`;
  const rule = `|${numeric.map((n) => (n ? ' ---: ' : ' --- ')).join('|')}|`;
  const body = table.rows.map(
    (row) => `| ${table.columns.map((_, i) => formatCell(row[i])).join(' | ')} |`,
  );
  const parts = [`**${table.title}**`, '', head, rule, ...body];
  if (table.note) parts.push('', table.note);
  return parts.join('\n');
}

/** A padded plain-text table for the terminal. */
export function toText(table: Table): string {
  const cells = [
    table.columns,
    ...table.rows.map((row) => table.columns.map((_, i) => formatCell(row[i]))),
  ];
  const widths = table.columns.map((_, i) =>
    Math.max(...cells.map((row) => (row[i] ?? '').length)),
  );
  const numeric = table.columns.map((_, i) => table.rows.some((r) => typeof r[i] === 'number'));
  const line = (row: string[]) =>
    row
      .map((cell, i) => (numeric[i] ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const [head, ...body] = cells;
  const out = [
    table.title,
    line(head!),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...body.map(line),
  ];
  if (table.note) out.push(table.note);
  return out.join('\n');
}
