import type { StoreContext } from './context.js';
import { deleteConversations, type TicketTranscripts } from './conversation-data.js';
import { oldestKeptUsageDay, utcDay } from './usage-days.js';

/** Conversations deleted per statement, so one sweep never holds locks for long. */
const BATCH = 200;
/** Finished outbox items are kept this long (for looking into a delivery), then deleted. */
const OUTBOX_KEPT_MS = 7 * 86_400_000;

export interface RetentionPolicy {
  /** Conversations untouched for longer are deleted with everything they hold; undefined keeps them. */
  conversationsMs: number | undefined;
  /** Tickets of deleted conversations keep their transcript, or lose it and the contact. */
  ticketTranscripts: TicketTranscripts;
}

/** What one sweep removed. */
export interface SweepResult {
  conversations: number;
  expired: number;
}

/**
 * Data lifecycle: conversations older than the retention period go, with their messages, items,
 * feedback, usage and queued work; tickets stay, with or without their transcript as configured.
 * Expired idempotency records and rate-limit counters, usage days past the budget's week and old
 * finished outbox items go too.
 * Every statement is an idempotent delete, so instances sweeping at the same time only share work.
 */
export function retention({ db, clock }: StoreContext) {
  return {
    async sweep(policy: RetentionPolicy): Promise<SweepResult> {
      const now = clock.now();
      let conversations = 0;
      if (policy.conversationsMs !== undefined) {
        const cutoff = now - policy.conversationsMs;
        for (;;) {
          const old = await db
            .selectFrom('conversations')
            .select('id')
            .where('last_seen_at', '<', cutoff)
            .limit(BATCH)
            .execute();
          if (old.length === 0) break;
          const ids = old.map((row) => row.id);
          conversations += await db
            .transaction()
            .execute((trx) => deleteConversations(trx, ids, policy.ticketTranscripts));
          if (old.length < BATCH) break;
        }
      }
      let expired = 0;
      const count = (result: { numDeletedRows: bigint }) => {
        expired += Number(result.numDeletedRows);
      };
      count(await db.deleteFrom('idempotency').where('expires_at', '<', now).executeTakeFirst());
      count(
        await db
          .deleteFrom('usage')
          .where('day', '<', oldestKeptUsageDay(utcDay(now)))
          .executeTakeFirst(),
      );
      count(await db.deleteFrom('rate_limit_hits').where('reset_at', '<', now).executeTakeFirst());
      count(
        await db
          .deleteFrom('outbox')
          .where('done_at', '<', now - OUTBOX_KEPT_MS)
          .executeTakeFirst(),
      );
      return { conversations, expired };
    },
  };
}

export type Retention = ReturnType<typeof retention>;
