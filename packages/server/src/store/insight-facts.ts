import type { Citation } from '@parley/shared';
import type { StoreContext } from './context.js';

/** The raw facts insights are computed from, for one time range. Times are epoch ms. */
export interface InsightFacts {
  conversations: Array<{
    createdAt: number;
    escalatedAt: number | null;
    firstReplyAt: number | null;
  }>;
  ratings: Array<{ createdAt: number; rating: 'up' | 'down' }>;
  ticketsOpened: number[];
  ticketsSolved: number[];
  /** Visitor questions whose answer cited nothing or was rated down. */
  unanswered: Array<{ text: string; reason: 'no_citation' | 'thumbs_down' }>;
}

/** Questions looked at per range, at most: enough for a top list, bounded for a big site. */
const MAX_ANSWERS = 5_000;

/** Reads what the insights page summarises; one query per kind of fact, all bounded by range. */
export function insightFacts({ db }: StoreContext) {
  return {
    async between(from: number, to: number): Promise<InsightFacts> {
      const conversations = await db
        .selectFrom('conversations')
        .select(['created_at', 'escalated_at', 'first_operator_reply_at'])
        .where('created_at', '>=', from)
        .where('created_at', '<', to)
        .where('last_seq', '>', 0)
        .execute();
      const ratings = await db
        .selectFrom('feedback')
        .select(['created_at', 'rating'])
        .where('created_at', '>=', from)
        .where('created_at', '<', to)
        .execute();
      const opened = await db
        .selectFrom('tickets')
        .select('created_at')
        .where('created_at', '>=', from)
        .where('created_at', '<', to)
        .execute();
      const solved = await db
        .selectFrom('tickets')
        .select('solved_at')
        .where('solved_at', '>=', from)
        .where('solved_at', '<', to)
        .execute();

      const answers = await db
        .selectFrom('messages')
        .select(['conversation_id', 'seq', 'meta', 'id'])
        .where('role', '=', 'assistant')
        .where('created_at', '>=', from)
        .where('created_at', '<', to)
        .orderBy('created_at', 'desc')
        .limit(MAX_ANSWERS)
        .execute();
      const downs = new Set(
        (
          await db
            .selectFrom('feedback')
            .select('message_id')
            .where('rating', '=', 'down')
            .where('created_at', '>=', from)
            .execute()
        ).map((row) => row.message_id),
      );
      type Weak = (typeof answers)[number] & { reason: 'no_citation' | 'thumbs_down' };
      const weak = answers.flatMap((answer): Weak[] => {
        const meta = JSON.parse(answer.meta) as { citations?: Citation[] };
        if (downs.has(answer.id)) return [{ ...answer, reason: 'thumbs_down' }];
        return (meta.citations?.length ?? 0) === 0 ? [{ ...answer, reason: 'no_citation' }] : [];
      });
      const unanswered: InsightFacts['unanswered'] = [];
      // The question is the visitor's message right before the answer.
      for (let i = 0; i < weak.length; i += 200) {
        const batch = weak.slice(i, i + 200);
        const questions = await db
          .selectFrom('messages')
          .select(['conversation_id', 'seq', 'text'])
          .where('role', '=', 'user')
          .where((eb) =>
            eb.or(
              batch.map((a) =>
                eb.and([eb('conversation_id', '=', a.conversation_id), eb('seq', '=', a.seq - 1)]),
              ),
            ),
          )
          .execute();
        const byKey = new Map(questions.map((q) => [`${q.conversation_id}:${q.seq}`, q.text]));
        for (const answer of batch) {
          const text = byKey.get(`${answer.conversation_id}:${answer.seq - 1}`);
          if (text) unanswered.push({ text, reason: answer.reason });
        }
      }
      return {
        conversations: conversations.map((c) => ({
          createdAt: c.created_at,
          escalatedAt: c.escalated_at,
          firstReplyAt: c.first_operator_reply_at,
        })),
        ratings: ratings.map((r) => ({ createdAt: r.created_at, rating: r.rating })),
        ticketsOpened: opened.map((t) => t.created_at),
        ticketsSolved: solved.flatMap((t) => (t.solved_at === null ? [] : [t.solved_at])),
        unanswered,
      };
    },
  };
}
