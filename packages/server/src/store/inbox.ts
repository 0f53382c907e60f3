import type { ConversationStatus, Message } from '@parley/shared';
import { type Expression, type SqlBool, sql } from 'kysely';
import type { Page, StoreContext } from './context.js';
import type { ConversationRecord } from './conversations.js';
import { conversationRecord } from './conversations.js';
import { after, decodeCursor, toPage } from './paging.js';

/** A conversation in the operators' inbox: the record and its newest message. */
export interface InboxEntry {
  conversation: ConversationRecord;
  lastMessage: Pick<Message, 'role' | 'text' | 'createdAt'> | undefined;
}

export interface InboxQuery {
  status?: ConversationStatus;
  /** Words in the messages, or part of the contact or identity. */
  q?: string;
  limit: number;
  cursor?: string;
}

/** Waiting conversations first, then the ones people handle, then the assistant's, then closed. */
const RANK = sql<number>`case status when 'waiting' then 0 when 'human' then 1 when 'bot' then 2 else 3 end`;
/** Within a rank: the longest wait first; otherwise the most recent activity first. */
const KEY = sql<number>`case when status = 'waiting' then waiting_since else -last_seen_at end`;

/** `%` and `_` typed by an operator are literal characters, not wildcards. */
function likePattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** The operators' inbox: conversations in the order people should look at them, paged by keyset. */
export function inbox({ db }: StoreContext) {
  return {
    /** @throws InvalidCursorError for a cursor this list did not produce. */
    async list(query: InboxQuery): Promise<Page<InboxEntry>> {
      let select = db
        .selectFrom('conversations')
        .leftJoin('messages', (join) =>
          join
            .onRef('messages.conversation_id', '=', 'conversations.id')
            .onRef('messages.seq', '=', 'conversations.last_seq'),
        )
        .selectAll('conversations')
        .select([
          'messages.role as last_role',
          'messages.text as last_text',
          'messages.created_at as last_at',
          RANK.as('rank'),
          KEY.as('sort_key'),
        ]);
      if (query.status) select = select.where('conversations.status', '=', query.status);
      if (query.q) {
        const pattern = likePattern(query.q);
        const like = (column: Expression<string | null>): Expression<SqlBool> =>
          sql<SqlBool>`lower(${column}) like ${pattern} escape '\\'`;
        select = select.where((eb) =>
          eb.or([
            like(eb.ref('conversations.contact_email')),
            like(eb.ref('conversations.contact_name')),
            like(eb.ref('conversations.identity_sub')),
            like(eb.ref('conversations.identity_email')),
            like(eb.ref('conversations.identity_name')),
            like(eb.ref('conversations.public_id')),
            eb.exists(
              eb
                .selectFrom('messages as m')
                .select('m.seq')
                .whereRef('m.conversation_id', '=', 'conversations.id')
                .where(sql<SqlBool>`lower(m.text) like ${pattern} escape '\\'`),
            ),
          ]),
        );
      }
      if (query.cursor !== undefined) {
        const position = decodeCursor(query.cursor, 2);
        select = select.where(after([RANK, KEY, sql.ref('conversations.id')], 'asc', position));
      }
      const rows = await select
        .orderBy(RANK)
        .orderBy(KEY)
        .orderBy('conversations.id')
        .limit(query.limit + 1)
        .execute();
      return toPage(
        rows,
        query.limit,
        (row) => [Number(row.rank), Number(row.sort_key), row.id],
        (row): InboxEntry => ({
          conversation: conversationRecord(row),
          lastMessage:
            row.last_role && row.last_text !== null && row.last_at !== null
              ? {
                  role: row.last_role,
                  text: row.last_text,
                  createdAt: new Date(Number(row.last_at)).toISOString(),
                }
              : undefined,
        }),
      );
    },

    /** How long recent visitors waited for a person (ms), newest first: for the wait estimate. */
    async recentWaits(sinceMs: number, limit = 200): Promise<number[]> {
      const rows = await db
        .selectFrom('conversations')
        .select('last_wait_ms')
        .where('last_wait_ms', 'is not', null)
        .where('status_changed_at', '>', sinceMs)
        .orderBy('status_changed_at', 'desc')
        .limit(limit)
        .execute();
      return rows.map((row) => Number(row.last_wait_ms));
    },
  };
}

export type Inbox = ReturnType<typeof inbox>;
