import { randomUUID } from 'node:crypto';
import type { AgentInputItem } from '@openai/agents';
import type { Citation, Message } from '@parley/shared';
import { ConversationNotFoundError } from '../errors.js';
import { fromJson, type StoreContext, toJson } from './context.js';

/**
 * The largest position a column holds (PostgreSQL `integer`); no conversation gets near it.
 * Positions read from a visitor (a history cursor, `Last-Event-ID`) may be larger, and are
 * checked against it before they reach a query: PostgreSQL types a parameter after its column
 * and fails the query on one that does not fit.
 */
export const MAX_SEQ = 2_147_483_647;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** A message to store; the log gives it its id, position and time. */
export interface NewMessage {
  role: Message['role'];
  text: string;
  toolsUsed?: string[];
  citations?: Citation[];
  ticketId?: string;
  author?: { name: string };
}

/** What else is written with a message, in the same transaction. */
export interface AppendOptions {
  /**
   * The model's items that go with it (the visitor's question, or everything the run produced),
   * so the transcript and the model's view of the conversation never disagree.
   */
  items?: readonly AgentInputItem[];
  /** Also mark the conversation used now (a visitor's message extends their session). */
  touch?: boolean;
  /** The visitor is receiving it right now (their stream is open): no mail needed for it. */
  seen?: boolean;
}

/** The optional parts of a message, kept as JSON. */
type Meta = Pick<Message, 'toolsUsed' | 'citations' | 'ticketId' | 'author'>;

/** A new message id: `msg_` and 32 hex characters. */
export function newMessageId(): string {
  return `msg_${randomUUID().replace(/-/g, '')}`;
}

/**
 * The conversation's log: every message in order, each at the next position (`seq`). Positions
 * are handed out by bumping the conversation's `last_seq` in the same transaction as the insert,
 * so they have no gaps and become visible in order: a reader that has seen position n has seen
 * everything before it, which is what paging and resuming rely on.
 */
export function conversationLog({ db, clock }: StoreContext) {
  type Row = {
    seq: number;
    id: string;
    role: Message['role'];
    text: string;
    meta: string;
    created_at: number;
  };
  const columns = ['seq', 'id', 'role', 'text', 'meta', 'created_at'] as const;
  const toMessage = (row: Row): Message => ({
    id: row.id,
    seq: row.seq,
    role: row.role,
    text: row.text,
    createdAt: new Date(row.created_at).toISOString(),
    ...fromJson<Meta>(row.meta, {}),
  });

  return {
    /**
     * Stores a message at the conversation's next position.
     *
     * @throws ConversationNotFoundError when the conversation is gone (never brings it back).
     */
    async append(
      conversationId: string,
      message: NewMessage,
      options: AppendOptions = {},
    ): Promise<Message> {
      const { role, text: written, ...rest } = message;
      // PostgreSQL cannot store NUL in text. People's text is refused with one at the door; what
      // a model says is not checked there, and one stray NUL must not lose the answer. A lone
      // surrogate half has no UTF-8 form: both databases store U+FFFD in its place, so the
      // message returned now says what every later read will.
      const text = written.replaceAll('\0', '').replace(LONE_SURROGATE, '\uFFFD');
      const meta: Meta = Object.fromEntries(
        Object.entries(rest).filter(([, value]) => value !== undefined),
      );
      const createdAt = clock.now();
      const id = newMessageId();
      const seq = await db.transaction().execute(async (trx) => {
        const bumped = await trx
          .updateTable('conversations')
          .set((eb) => ({
            last_seq: eb('last_seq', '+', 1),
            ...(options.touch ? { last_seen_at: createdAt } : {}),
            ...(options.seen ? { visitor_seen_seq: eb('last_seq', '+', 1) } : {}),
          }))
          .where('id', '=', conversationId)
          .returning('last_seq')
          .executeTakeFirst();
        if (!bumped) throw new ConversationNotFoundError();
        if (options.items && options.items.length > 0) {
          await trx
            .insertInto('model_items')
            .values(
              options.items.map((item) => ({
                conversation_id: conversationId,
                item: JSON.stringify(item),
              })),
            )
            .execute();
        }
        await trx
          .insertInto('messages')
          .values({
            conversation_id: conversationId,
            seq: bumped.last_seq,
            id,
            role,
            text,
            meta: toJson(meta),
            created_at: createdAt,
          })
          .execute();
        return bumped.last_seq;
      });
      return toMessage({ seq, id, role, text, meta: toJson(meta), created_at: createdAt });
    },

    /**
     * One page of the log, oldest first: the latest `limit` messages, or those before position
     * `before`. `before` in the result is the cursor of the page before, absent on the first page.
     */
    async page(
      conversationId: string,
      options: { before?: number; limit: number },
    ): Promise<{ messages: Message[]; before?: number }> {
      let query = db
        .selectFrom('messages')
        .select(columns)
        .where('conversation_id', '=', conversationId);
      if (options.before !== undefined && options.before <= MAX_SEQ) {
        query = query.where('seq', '<', options.before);
      }
      const rows = await query
        .orderBy('seq', 'desc')
        .limit(options.limit + 1)
        .execute();
      const more = rows.length > options.limit;
      const messages = rows.slice(0, options.limit).reverse().map(toMessage);
      const first = messages[0];
      return more && first ? { messages, before: first.seq } : { messages };
    },

    /** Messages after position `seq`, in order (at most `limit`): what a reconnecting client missed. */
    async after(conversationId: string, seq: number, limit = 500): Promise<Message[]> {
      if (seq >= MAX_SEQ) return [];
      const rows = await db
        .selectFrom('messages')
        .select(columns)
        .where('conversation_id', '=', conversationId)
        .where('seq', '>', seq)
        .orderBy('seq')
        .limit(limit)
        .execute();
      return rows.map(toMessage);
    },

    /** The whole log, in order (tickets' transcripts, exports). */
    async all(conversationId: string): Promise<Message[]> {
      const rows = await db
        .selectFrom('messages')
        .select(columns)
        .where('conversation_id', '=', conversationId)
        .orderBy('seq')
        .execute();
      return rows.map(toMessage);
    },

    /** One message of this conversation by id. */
    async get(conversationId: string, messageId: string): Promise<Message | undefined> {
      const row = await db
        .selectFrom('messages')
        .select(columns)
        .where('conversation_id', '=', conversationId)
        .where('id', '=', messageId)
        .executeTakeFirst();
      return row && toMessage(row);
    },
  };
}

export type ConversationLog = ReturnType<typeof conversationLog>;
