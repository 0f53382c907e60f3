import type { Message } from '@parley/shared';
import { sql } from 'kysely';
import type { StoreContext } from './context.js';

/** What a completed turn answered, kept so a retried request returns it without running again. */
export interface StoredTurn {
  question: Message;
  answer?: Message;
}

/** What a failed turn left for its retry: the stored question, and how far its live events went. */
export interface FailedTurn {
  question: Message;
  liveEvents: number;
}

/**
 * What {@link Idempotency.begin} found for a key:
 * - `started`: no record; one was created in state "running" and the caller runs the turn;
 * - `running`: another request with this key is running now (→ 409 `turn_in_progress`);
 * - `done`: the turn completed before; `turn` is what it answered;
 * - `retry`: the turn failed after storing the question; the record is running again for this
 *   caller, who answers `question` instead of storing it a second time, numbering its live
 *   events after `liveEvents`;
 * - `conflict`: the key was used with a different message (→ 422 `idempotency_conflict`).
 */
export type IdempotencyOutcome =
  | { state: 'started' }
  | { state: 'running' }
  | { state: 'done'; turn: StoredTurn }
  | ({ state: 'retry' } & FailedTurn)
  | { state: 'conflict' };

/**
 * Idempotency keys, per conversation. A running record expires after `runningTtlMs` (a crashed
 * instance must not block the key for long), a completed one after the store's idempotency TTL.
 */
function retryOf(reply: string): { state: 'retry' } & FailedTurn {
  const failed = JSON.parse(reply) as FailedTurn;
  return { state: 'retry', question: failed.question, liveEvents: failed.liveEvents ?? 0 };
}

export function idempotency({ db, clock, limits }: StoreContext) {
  /** Ends a key's running record, kept for the idempotency TTL from now. */
  const settle = (
    conversationId: string,
    key: string,
    state: 'done' | 'failed',
    reply: StoredTurn | FailedTurn,
  ) =>
    db
      .updateTable('idempotency')
      .set({
        state,
        reply: JSON.stringify(reply),
        expires_at: clock.now() + limits.idempotencyTtlMs,
      })
      .where('conversation_id', '=', conversationId)
      .where('key', '=', key)
      .where('state', '=', 'running')
      .execute();

  return {
    async begin(
      conversationId: string,
      key: string,
      requestHash: string,
      runningTtlMs: number,
    ): Promise<IdempotencyOutcome> {
      const now = clock.now();
      const running = {
        request_hash: requestHash,
        state: 'running' as const,
        reply: null,
        expires_at: now + runningTtlMs,
      };
      const inserted = await db
        .insertInto('idempotency')
        .values({ conversation_id: conversationId, key, ...running })
        .onConflict((oc) => oc.columns(['conversation_id', 'key']).doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0) return { state: 'started' };
      // An expired record is taken over by exactly one caller: the update re-checks the expiry.
      // A retry that died with its instance left the question it was answering: kept for this
      // request when it carries the same message (SET reads the row's old values).
      const taken = await db
        .updateTable('idempotency')
        .set({
          ...running,
          reply: sql<
            string | null
          >`case when state <> 'done' and request_hash = ${requestHash} then reply else null end`,
        })
        .where('conversation_id', '=', conversationId)
        .where('key', '=', key)
        .where('expires_at', '<=', now)
        .returning('reply')
        .executeTakeFirst();
      if (taken) return taken.reply === null ? { state: 'started' } : retryOf(taken.reply);
      const row = await db
        .selectFrom('idempotency')
        .select(['request_hash', 'state', 'reply'])
        .where('conversation_id', '=', conversationId)
        .where('key', '=', key)
        .executeTakeFirst();
      if (!row) return this.begin(conversationId, key, requestHash, runningTtlMs);
      if (row.request_hash !== requestHash) return { state: 'conflict' };
      if (row.state === 'failed' && row.reply !== null) {
        // Exactly one retry takes a failed record over: the update re-checks the state.
        const retried = await db
          .updateTable('idempotency')
          .set({ state: 'running', expires_at: now + runningTtlMs })
          .where('conversation_id', '=', conversationId)
          .where('key', '=', key)
          .where('state', '=', 'failed')
          .executeTakeFirst();
        if (Number(retried.numUpdatedRows) === 0) return { state: 'running' };
        return retryOf(row.reply);
      }
      if (row.state === 'running' || row.reply === null) return { state: 'running' };
      return { state: 'done', turn: JSON.parse(row.reply) as StoredTurn };
    },

    /**
     * Takes over a record left "running" by a turn that is no longer running (its instance died:
     * the caller holds the conversation's turn lock, which that turn would hold otherwise).
     */
    async restart(
      conversationId: string,
      key: string,
      runningTtlMs: number,
    ): Promise<FailedTurn | undefined> {
      const taken = await db
        .updateTable('idempotency')
        .set({ expires_at: clock.now() + runningTtlMs })
        .where('conversation_id', '=', conversationId)
        .where('key', '=', key)
        .where('state', '=', 'running')
        .returning('reply')
        .executeTakeFirst();
      // A retry that died left the question it was answering.
      if (!taken?.reply) return undefined;
      const { question, liveEvents } = retryOf(taken.reply);
      return { question, liveEvents };
    },

    async complete(conversationId: string, key: string, turn: StoredTurn): Promise<void> {
      await settle(conversationId, key, 'done', turn);
    },

    /**
     * Records that the running turn failed after storing its question, so a retry with the key
     * answers that question rather than storing it again. Kept for the idempotency TTL.
     */
    async fail(conversationId: string, key: string, failed: FailedTurn): Promise<void> {
      await settle(conversationId, key, 'failed', failed);
    },

    /** Forgets a running record whose turn failed, so the same key may be retried. */
    async abandon(conversationId: string, key: string): Promise<void> {
      await db
        .deleteFrom('idempotency')
        .where('conversation_id', '=', conversationId)
        .where('key', '=', key)
        .where('state', '=', 'running')
        .execute();
    },
  };
}

export type Idempotency = ReturnType<typeof idempotency>;
