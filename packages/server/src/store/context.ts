import type { Kysely, Transaction } from 'kysely';
import type { Clock } from '../clock.js';
import type { SqlDialect } from './database.js';
import type { Tables } from './schema.js';

/** Lifetimes the store enforces; all in milliseconds. */
export interface StoreLimits {
  /** A conversation unused for this long no longer answers to its visitor's token. */
  sessionTtlMs: number;
  /** Nor does one older than this, however busy. */
  sessionMaxAgeMs: number;
  /** How long idempotency records of completed turns are kept. */
  idempotencyTtlMs: number;
}

/** What every concern of the store is built from. */
export interface StoreContext {
  db: Kysely<Tables>;
  dialect: SqlDialect;
  clock: Clock;
  limits: StoreLimits;
}

/** One page of a list, newest first; pass `nextCursor` back as `cursor` for the next. */
export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

/** JSON columns: text on both dialects. */
export function toJson(value: unknown): string {
  return JSON.stringify(value);
}

export function fromJson<T>(text: string | null | undefined, fallback: T): T {
  if (!text) return fallback;
  return JSON.parse(text) as T;
}

/**
 * Takes the conversation row's lock for the rest of `trx` by touching it (an update that
 * changes nothing), which orders a write to the conversation's data against an erase running at
 * the same time: after the erase commits, the row is gone and this returns false.
 *
 * @returns whether the conversation exists.
 */
export async function holdConversation(
  trx: Transaction<Tables>,
  conversationId: string,
): Promise<boolean> {
  return (await holdConversations(trx, [conversationId])) > 0;
}

/** {@link holdConversation} for several at once (an erase); returns how many exist. */
export async function holdConversations(
  trx: Transaction<Tables>,
  ids: readonly string[],
): Promise<number> {
  const held = await trx
    .updateTable('conversations')
    .set((eb) => ({ last_seq: eb.ref('last_seq') }))
    .where('id', 'in', ids)
    .executeTakeFirst();
  return Number(held.numUpdatedRows);
}
