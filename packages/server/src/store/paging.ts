import { type Expression, type RawBuilder, type SqlBool, sql } from 'kysely';
import { InvalidCursorError } from '../errors.js';

/**
 * Keyset paging: a cursor is the sort key of the last item of a page (numbers, then the row id
 * that breaks ties), so a page is one indexed range scan however deep, and stays right while
 * rows are added. Cursors are opaque base64url to callers.
 */
export type PagePosition = readonly (number | string)[];

export function encodeCursor(position: PagePosition): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

/**
 * The position in `cursor`: `numbers` safe integers, then an id.
 * @throws InvalidCursorError for anything {@link encodeCursor} did not produce with that shape.
 */
export function decodeCursor(cursor: string, numbers: number): PagePosition {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(value) &&
      value.length === numbers + 1 &&
      value.slice(0, numbers).every(Number.isSafeInteger) &&
      typeof value[numbers] === 'string'
    ) {
      return value as PagePosition;
    }
  } catch {
    // Falls through to the error below.
  }
  throw new InvalidCursorError();
}

/**
 * Where the page after `position` begins: the rows whose sort key comes after it in `order`, as
 * one row-value comparison (`(a, b) < (x, y)`), which PostgreSQL and SQLite both answer from an
 * index on the same columns.
 */
export function after(
  keys: readonly Expression<unknown>[],
  order: 'asc' | 'desc',
  position: PagePosition,
): RawBuilder<SqlBool> {
  const comparison = sql.raw(order === 'asc' ? '>' : '<');
  // Numbers go in as bigint: PostgreSQL would otherwise type a parameter after its column, and a
  // forged cursor's 2^53 against an integer expression fails the query instead of matching nothing.
  const values = position.map((value) =>
    typeof value === 'number' ? sql`cast(${value} as bigint)` : sql`${value}`,
  );
  return sql<SqlBool>`(${sql.join(keys)}) ${comparison} (${sql.join(values)})`;
}

/** Splits a fetched `limit + 1` rows into the page and the cursor to the next one. */
export function toPage<R, T>(
  rows: R[],
  limit: number,
  position: (row: R) => PagePosition,
  map: (row: R) => T,
): { items: T[]; nextCursor?: string } {
  const more = rows.length > limit;
  const shown = more ? rows.slice(0, limit) : rows;
  const last = shown.at(-1);
  return {
    items: shown.map(map),
    ...(more && last ? { nextCursor: encodeCursor(position(last)) } : {}),
  };
}
