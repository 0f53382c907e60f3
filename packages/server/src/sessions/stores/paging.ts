import { InvalidCursorError } from '../store-errors.js';

/** Largest page any store returns, whatever the caller asks for. */
export const MAX_PAGE_SIZE = 500;
/** Fixed width so that sort keys compare as strings in time order (good until year 33658). */
const TIME_DIGITS = 15;
const SORT_KEY_SHAPE = /^\d{15}\|.+$/s;

/**
 * A key whose string order is (time, id) order. Every store pages tickets and feedback newest
 * first by this key (SQLite index, Redis sorted set by lex, an in-memory sorted array), so paging
 * is stable while new records arrive and ties in time are broken by id.
 */
export function sortKey(isoTime: string, id: string): string {
  const ms = Date.parse(isoTime);
  const time = Number.isFinite(ms) && ms >= 0 ? ms : 0;
  return `${String(time).padStart(TIME_DIGITS, '0')}|${id}`;
}

/** The opaque cursor handed to clients: the sort key of the last record of a page. */
export function encodeCursor(key: string): string {
  return Buffer.from(key).toString('base64url');
}

/** The sort key inside a cursor; throws {@link InvalidCursorError} for anything else. */
export function decodeCursor(cursor: string): string {
  const key = /^[A-Za-z0-9_-]{1,2048}$/.test(cursor)
    ? Buffer.from(cursor, 'base64url').toString()
    : '';
  if (!SORT_KEY_SHAPE.test(key)) throw new InvalidCursorError();
  return key;
}

/** A page size between 1 and {@link MAX_PAGE_SIZE}. */
export function clampPageSize(limit: number): number {
  if (!Number.isFinite(limit)) return MAX_PAGE_SIZE;
  return Math.min(MAX_PAGE_SIZE, Math.max(1, Math.floor(limit)));
}
