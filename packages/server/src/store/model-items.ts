import type { AgentInputItem } from '@openai/agents';
import { ConversationNotFoundError } from '../errors.js';
import { holdConversation, type StoreContext } from './context.js';

/**
 * What the Agents SDK needs to continue a conversation: every input and output item of every turn
 * (tool calls and their results included), apart from the visible log. The model gets a bounded
 * window of the most recent ones.
 */
export function modelItems({ db }: StoreContext) {
  return {
    /** The most recent `limit` items, oldest first. */
    async recent(conversationId: string, limit: number): Promise<AgentInputItem[]> {
      const rows = await db
        .selectFrom('model_items')
        .select('item')
        .where('conversation_id', '=', conversationId)
        .orderBy('id', 'desc')
        .limit(limit)
        .execute();
      return rows.reverse().map((row) => JSON.parse(row.item) as AgentInputItem);
    },

    /**
     * Appends items in order, in one transaction.
     *
     * @throws ConversationNotFoundError when the conversation is gone. The conversation row is
     * touched in the same transaction, which also orders this write against an erase.
     */
    async add(conversationId: string, items: readonly AgentInputItem[]): Promise<void> {
      if (items.length === 0) return;
      await db.transaction().execute(async (trx) => {
        if (!(await holdConversation(trx, conversationId))) throw new ConversationNotFoundError();
        await trx
          .insertInto('model_items')
          .values(
            items.map((item) => ({ conversation_id: conversationId, item: JSON.stringify(item) })),
          )
          .execute();
      });
    },
  };
}

export type ModelItems = ReturnType<typeof modelItems>;
