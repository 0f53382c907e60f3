import { holdConversation, type StoreContext } from './context.js';
import { assertUsageDay, assertUsageDelta, zeroUsage } from './usage-days.js';

/** What one conversation used on one UTC day. */
export interface UsageTotals {
  /** Completed turns (one per visitor message answered by the model). */
  turns: number;
  /** Model tokens, input and output, as the Agents SDK's run usage counts them. */
  tokens: number;
}

/** Per-conversation, per-UTC-day counters the turn budget reads and writes. */
export function usage({ db }: StoreContext) {
  return {
    /**
     * Adds `delta` to the day's counters in one atomic step and returns the new totals (days
     * more than a week old are swept by retention). Recorded after a turn has answered, best effort: for a
     * conversation that is gone (erased mid-turn) nothing is recorded and zeros are returned.
     *
     * @throws RangeError for a `day` that is not a calendar date, or a negative or fractional delta.
     */
    async add(conversationId: string, day: string, delta: UsageTotals): Promise<UsageTotals> {
      assertUsageDay(day);
      assertUsageDelta(delta);
      return db.transaction().execute(async (trx) => {
        if (!(await holdConversation(trx, conversationId))) return zeroUsage();
        const row = await trx
          .insertInto('usage')
          .values({
            conversation_id: conversationId,
            day,
            turns: delta.turns,
            tokens: delta.tokens,
          })
          .onConflict((oc) =>
            oc.columns(['conversation_id', 'day']).doUpdateSet((eb) => ({
              turns: eb('usage.turns', '+', delta.turns),
              tokens: eb('usage.tokens', '+', delta.tokens),
            })),
          )
          .returning(['turns', 'tokens'])
          .executeTakeFirstOrThrow();
        return { turns: Number(row.turns), tokens: Number(row.tokens) };
      });
    },

    /** The day's totals; zeros when there are none. */
    async get(conversationId: string, day: string): Promise<UsageTotals> {
      assertUsageDay(day);
      const row = await db
        .selectFrom('usage')
        .select(['turns', 'tokens'])
        .where('conversation_id', '=', conversationId)
        .where('day', '=', day)
        .executeTakeFirst();
      return row ? { turns: Number(row.turns), tokens: Number(row.tokens) } : zeroUsage();
    },
  };
}

export type Usage = ReturnType<typeof usage>;
