import type { Transaction } from 'kysely';
import { holdConversations } from './context.js';
import type { Tables } from './schema.js';

/** The tables that hold a conversation's data, by `conversation_id`. */
const CONVERSATION_TABLES = [
  'messages',
  'model_items',
  'feedback',
  'idempotency',
  'usage',
  'outbox',
] as const;

/** What happens to the tickets of a deleted conversation. */
export type TicketTranscripts = 'keep' | 'anonymise';

/** What an anonymised ticket says in place of the visitor's words. */
export const ERASED_TEXT = '[erased]';

/**
 * Deletes conversations and everything they hold, inside the caller's transaction. Their tickets
 * stay, detached, keeping their transcript or losing it, the contact and the visitor's words in
 * the subject and description (`anonymise`). Returns how
 * many conversations were deleted. The one place that knows which tables a conversation spans:
 * erasing one conversation and retention both use it.
 */
export async function deleteConversations(
  trx: Transaction<Tables>,
  ids: readonly string[],
  tickets: TicketTranscripts,
): Promise<number> {
  if (ids.length === 0) return 0;
  // The conversation rows are locked first, as every write to a conversation's data locks its
  // row first (`holdConversation`): a write already under way finishes before anything here is
  // deleted, so what it adds is deleted too, and one that comes later finds no conversation.
  // Deleting the data first let a write that held the row add a message or a rating after it,
  // left behind when the conversation went.
  await holdConversations(trx, ids);
  for (const table of CONVERSATION_TABLES) {
    await trx.deleteFrom(table).where('conversation_id', 'in', ids).execute();
  }
  await trx
    .updateTable('tickets')
    .set(
      tickets === 'anonymise'
        ? {
            conversation_id: null,
            transcript: '[]',
            contact_email: null,
            contact_name: null,
            // Written from the visitor's own words, names and addresses included.
            subject: ERASED_TEXT,
            description: ERASED_TEXT,
          }
        : { conversation_id: null },
    )
    .where('conversation_id', 'in', ids)
    .execute();
  const deleted = await trx.deleteFrom('conversations').where('id', 'in', ids).executeTakeFirst();
  return Number(deleted.numDeletedRows);
}
