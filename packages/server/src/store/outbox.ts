import type { StoreContext } from './context.js';

/** One piece of queued work. */
export interface OutboxItem<P = unknown> {
  id: number;
  kind: 'mail' | 'webhook';
  conversationId: string | null;
  payload: P;
  attempts: number;
}

/**
 * Work to do later, exactly once across instances: mail to visitors and webhook deliveries. An
 * item is claimed for a while before it is worked on; a claim is one UPDATE that re-checks the
 * item is still free, so on PostgreSQL two instances racing for it cannot both win (the second
 * re-reads the row after the first commits). An instance that dies mid-work leaves its claim to
 * expire, and the item is done again by someone else: receivers see at-least-once delivery.
 */
export function outbox({ db, clock }: StoreContext) {
  return {
    /** Queues an item, due at `dueAt` (default now). */
    async enqueue(
      kind: OutboxItem['kind'],
      payload: unknown,
      options: { conversationId?: string; dueAt?: number } = {},
    ): Promise<number> {
      const now = clock.now();
      const row = await db
        .insertInto('outbox')
        .values({
          kind,
          conversation_id: options.conversationId ?? null,
          payload: JSON.stringify(payload),
          due_at: options.dueAt ?? now,
          attempts: 0,
          created_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return Number(row.id);
    },

    /** Whether a `kind` item for the conversation is still waiting to be done. */
    async pending(kind: OutboxItem['kind'], conversationId: string): Promise<boolean> {
      const row = await db
        .selectFrom('outbox')
        .select('id')
        .where('kind', '=', kind)
        .where('conversation_id', '=', conversationId)
        .where('done_at', 'is', null)
        .executeTakeFirst();
      return row !== undefined;
    },

    /** Claims up to `limit` due items of `kind` for `leaseMs`; each is this caller's until then. */
    async claim<P>(
      kind: OutboxItem['kind'],
      limit: number,
      leaseMs: number,
    ): Promise<OutboxItem<P>[]> {
      const now = clock.now();
      const candidates = await db
        .selectFrom('outbox')
        .select('id')
        .where('kind', '=', kind)
        .where('done_at', 'is', null)
        .where('due_at', '<=', now)
        .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', now)]))
        .orderBy('due_at')
        .limit(limit)
        .execute();
      const claimed: OutboxItem<P>[] = [];
      for (const { id } of candidates) {
        const row = await db
          .updateTable('outbox')
          .set({ claimed_until: now + leaseMs })
          .where('id', '=', id)
          .where('done_at', 'is', null)
          .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', now)]))
          .returning(['id', 'kind', 'conversation_id', 'payload', 'attempts'])
          .executeTakeFirst();
        if (row) {
          claimed.push({
            id: Number(row.id),
            kind: row.kind,
            conversationId: row.conversation_id,
            payload: JSON.parse(row.payload) as P,
            attempts: row.attempts,
          });
        }
      }
      return claimed;
    },

    async complete(id: number): Promise<void> {
      await db
        .updateTable('outbox')
        .set({ done_at: clock.now(), claimed_until: null })
        .where('id', '=', id)
        .execute();
    },

    /** Records a failed attempt: retried at `retryAt`, or given up (done with the error) without. */
    async fail(id: number, error: string, retryAt: number | undefined): Promise<void> {
      await db
        .updateTable('outbox')
        .set((eb) => ({
          attempts: eb('attempts', '+', 1),
          last_error: error.slice(0, 500),
          claimed_until: null,
          ...(retryAt === undefined ? { done_at: clock.now() } : { due_at: retryAt }),
        }))
        .where('id', '=', id)
        .execute();
    },

    /**
     * Records a failed attempt of an item whose retries wait `delays[n]` after the n-th failure:
     * due again then, or given up after the last. Returns whether it will be retried.
     */
    async retryLater(item: OutboxItem, error: string, delays: readonly number[]): Promise<boolean> {
      const delay = delays[item.attempts];
      await this.fail(item.id, error, delay === undefined ? undefined : clock.now() + delay);
      return delay !== undefined;
    },

    /** Items not done yet, by kind (metrics, tests). */
    async backlog(kind: OutboxItem['kind']): Promise<number> {
      const row = await db
        .selectFrom('outbox')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('kind', '=', kind)
        .where('done_at', 'is', null)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
  };
}

export type Outbox = ReturnType<typeof outbox>;
