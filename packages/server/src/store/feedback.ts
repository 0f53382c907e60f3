import { sql } from 'kysely';
import { holdConversation, type Page, type StoreContext } from './context.js';
import { after, decodeCursor, toPage } from './paging.js';

/** A visitor's rating of one answer. */
export interface FeedbackRecord {
  /** The conversation's public id. */
  conversation: string;
  messageId: string;
  rating: 'up' | 'down';
  comment?: string;
  /** ISO 8601. */
  createdAt: string;
}

/** Ratings of answers: one per answer (rating again replaces it), newest first. */
export function feedback({ db, clock }: StoreContext) {
  return {
    /**
     * Stores the rating, replacing an earlier one of the same answer. A rating for a conversation
     * that is gone (erased while the visitor rated) is dropped: erasure keeps no comment behind.
     */
    async save(
      conversationId: string,
      rating: { messageId: string; rating: 'up' | 'down'; comment?: string | undefined },
    ): Promise<void> {
      const now = clock.now();
      await db.transaction().execute(async (trx) => {
        if (!(await holdConversation(trx, conversationId))) return;
        await trx
          .insertInto('feedback')
          .values({
            conversation_id: conversationId,
            message_id: rating.messageId,
            rating: rating.rating,
            comment: rating.comment ?? null,
            created_at: now,
          })
          .onConflict((oc) =>
            oc.columns(['conversation_id', 'message_id']).doUpdateSet({
              rating: rating.rating,
              comment: rating.comment ?? null,
              created_at: now,
            }),
          )
          .execute();
      });
    },

    /** @throws InvalidCursorError for a cursor this list did not produce. */
    async list(options: { limit: number; cursor?: string }): Promise<Page<FeedbackRecord>> {
      let query = db
        .selectFrom('feedback')
        .innerJoin('conversations', 'conversations.id', 'feedback.conversation_id')
        .select([
          'conversations.public_id',
          'feedback.message_id',
          'feedback.rating',
          'feedback.comment',
          'feedback.created_at',
        ]);
      if (options.cursor !== undefined) {
        const position = decodeCursor(options.cursor, 1);
        const keys = [sql.ref('feedback.created_at'), sql.ref('feedback.message_id')];
        query = query.where(after(keys, 'desc', position));
      }
      const rows = await query
        .orderBy('feedback.created_at', 'desc')
        .orderBy('feedback.message_id', 'desc')
        .limit(options.limit + 1)
        .execute();
      return toPage(
        rows,
        options.limit,
        (r) => [r.created_at, r.message_id],
        (r): FeedbackRecord => ({
          conversation: r.public_id,
          messageId: r.message_id,
          rating: r.rating,
          ...(r.comment ? { comment: r.comment } : {}),
          createdAt: new Date(r.created_at).toISOString(),
        }),
      );
    },
  };
}

export type Feedback = ReturnType<typeof feedback>;
