import { InvalidCursorError } from '../errors.js';

/**
 * Keyset paging over `(created_at, id)`, newest first: a cursor is the position of the last item
 * of a page, so a page is one indexed range scan however deep, and stays right while rows are
 * added. Cursors are opaque base64url to callers.
 */
export interface PagePosition {
  createdAt: number;
  id: string;
}

export function encodeCursor(position: PagePosition): string {
  return Buffer.from(JSON.stringify([position.createdAt, position.id])).toString('base64url');
}

/** @throws InvalidCursorError for anything {@link encodeCursor} did not produce. */
export function decodeCursor(cursor: string): PagePosition {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      Number.isSafeInteger(value[0]) &&
      typeof value[1] === 'string'
    ) {
      return { createdAt: value[0] as number, id: value[1] as string };
    }
  } catch {
    // Falls through to the error below.
  }
  throw new InvalidCursorError();
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
