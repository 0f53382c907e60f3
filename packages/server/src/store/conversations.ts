import { randomBytes } from 'node:crypto';
import type { ConversationStatus } from '@parley/shared';
import type { Selectable } from 'kysely';
import type { StoreContext } from './context.js';
import { deleteConversations, type TicketTranscripts } from './conversation-data.js';
import { MAX_SEQ } from './conversation-log.js';
import type { ConversationsTable } from './schema.js';

/** A person on the support team, as a conversation records them. */
export interface OperatorRef {
  id: string;
  name: string;
}

/** A conversation as the store keeps it. Times are epoch milliseconds. */
export interface ConversationRecord {
  /** The visitor's session id (secret). */
  id: string;
  /** The id operators, logs and integrations use. */
  publicId: string;
  createdAt: number;
  lastSeenAt: number;
  lastSeq: number;
  status: ConversationStatus;
  statusChangedAt: number | undefined;
  waitingSince: number | undefined;
  operator: OperatorRef | undefined;
  contact: { email: string; name?: string } | undefined;
  identity: { sub: string; email?: string; name?: string } | undefined;
  visitorSeenSeq: number;
  escalatedAt: number | undefined;
  firstOperatorReplyAt: number | undefined;
  closedAt: number | undefined;
}

/** A status change; only applied when the conversation is in one of `from`. */
export interface StatusChange {
  to: ConversationStatus;
  from: readonly ConversationStatus[];
  /** Who is in charge from now on; `null` clears it. Unchanged when absent. */
  operator?: OperatorRef | null;
}

type Row = Selectable<ConversationsTable>;

/** A new public conversation id: `c_` and 16 random characters. */
function newPublicId(): string {
  return `c_${randomBytes(12).toString('base64url')}`;
}

const optional = (value: number | null) => value ?? undefined;

/** A conversations row as the record the rest of Parley uses. */
export function conversationRecord(row: Row): ConversationRecord {
  return {
    id: row.id,
    publicId: row.public_id,
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
    lastSeq: row.last_seq,
    status: row.status,
    statusChangedAt: optional(row.status_changed_at),
    waitingSince: optional(row.waiting_since),
    operator:
      row.operator_id && row.operator_name
        ? { id: row.operator_id, name: row.operator_name }
        : undefined,
    contact: row.contact_email
      ? { email: row.contact_email, ...(row.contact_name ? { name: row.contact_name } : {}) }
      : undefined,
    identity: row.identity_sub
      ? {
          sub: row.identity_sub,
          ...(row.identity_email ? { email: row.identity_email } : {}),
          ...(row.identity_name ? { name: row.identity_name } : {}),
        }
      : undefined,
    visitorSeenSeq: row.visitor_seen_seq,
    escalatedAt: optional(row.escalated_at),
    firstOperatorReplyAt: optional(row.first_operator_reply_at),
    closedAt: optional(row.closed_at),
  };
}

/**
 * Conversations: one per visitor session. A conversation answers to its visitor's token while it
 * is live (used within the idle TTL, younger than the maximum age); after that it is a record
 * that only retention deletes.
 */
export function conversations({ db, clock, limits }: StoreContext) {
  const select = () => db.selectFrom('conversations').selectAll();
  const live = <Q extends ReturnType<typeof select>>(query: Q) => {
    const now = clock.now();
    return query
      .where('last_seen_at', '>', now - limits.sessionTtlMs)
      .where('created_at', '>', now - limits.sessionMaxAgeMs) as Q;
  };

  return {
    async create(id: string): Promise<ConversationRecord> {
      const now = clock.now();
      const row = await db
        .insertInto('conversations')
        .values({
          id,
          public_id: newPublicId(),
          created_at: now,
          last_seen_at: now,
          last_seq: 0,
          status: 'bot',
          visitor_seen_seq: 0,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return conversationRecord(row);
    },

    /** The live conversation, or undefined when unknown, expired or erased. */
    async get(id: string): Promise<ConversationRecord | undefined> {
      const row = await live(select().where('id', '=', id)).executeTakeFirst();
      return row && conversationRecord(row);
    },

    /** Any conversation by its public id, live or not (operators and exports). */
    async byPublicId(publicId: string): Promise<ConversationRecord | undefined> {
      const row = await select().where('public_id', '=', publicId).executeTakeFirst();
      return row && conversationRecord(row);
    },

    /** The newest live conversation of a verified identity, if any. */
    async byIdentity(sub: string): Promise<ConversationRecord | undefined> {
      const row = await live(select().where('identity_sub', '=', sub))
        .orderBy('last_seen_at', 'desc')
        .limit(1)
        .executeTakeFirst();
      return row && conversationRecord(row);
    },

    /** Marks the conversation used now, extending its idle TTL. */
    async touch(id: string): Promise<void> {
      await db
        .updateTable('conversations')
        .set({ last_seen_at: clock.now() })
        .where('id', '=', id)
        .execute();
    },

    /**
     * Moves the conversation to `change.to` if it is in one of `change.from` (compare and set, so
     * two operators joining at once cannot both win). Returns the updated conversation, or
     * undefined when it was not in one of those states (or is gone).
     */
    async changeStatus(id: string, change: StatusChange): Promise<ConversationRecord | undefined> {
      const now = clock.now();
      const row = await db
        .updateTable('conversations')
        .set((eb) => ({
          status: change.to,
          status_changed_at: now,
          ...(change.to === 'waiting'
            ? {
                waiting_since: now,
                escalated_at: eb.fn.coalesce('escalated_at', eb.val(now)),
                closed_at: null,
              }
            : { waiting_since: null }),
          // A person joining a waiting conversation: how long the visitor waited.
          ...(change.to === 'human'
            ? {
                last_wait_ms: eb
                  .case()
                  .when('status', '=', 'waiting')
                  .then(eb(eb.val(now), '-', eb.ref('waiting_since')))
                  .else(eb.ref('last_wait_ms'))
                  .end(),
              }
            : {}),
          ...(change.to === 'closed' ? { closed_at: now } : {}),
          ...(change.to === 'bot' || change.to === 'human' ? { closed_at: null } : {}),
          ...(change.operator === undefined
            ? {}
            : {
                operator_id: change.operator?.id ?? null,
                operator_name: change.operator?.name ?? null,
              }),
        }))
        .where('id', '=', id)
        .where('status', 'in', [...change.from])
        .returningAll()
        .executeTakeFirst();
      return row && conversationRecord(row);
    },

    /** Stores how to reach the visitor, on the conversation and on its open tickets. */
    async setContact(id: string, contact: { email: string; name?: string }): Promise<boolean> {
      return db.transaction().execute(async (trx) => {
        const updated = await trx
          .updateTable('conversations')
          .set({ contact_email: contact.email, contact_name: contact.name ?? null })
          .where('id', '=', id)
          .executeTakeFirst();
        await trx
          .updateTable('tickets')
          .set({ contact_email: contact.email, contact_name: contact.name ?? null })
          .where('conversation_id', '=', id)
          .execute();
        return Number(updated.numUpdatedRows) > 0;
      });
    },

    /** Binds a verified identity to the conversation; its email becomes the contact if none. */
    async setIdentity(id: string, identity: { sub: string; email?: string; name?: string }) {
      await db
        .updateTable('conversations')
        .set((eb) => ({
          identity_sub: identity.sub,
          identity_email: identity.email ?? null,
          identity_name: identity.name ?? null,
          ...(identity.email
            ? { contact_email: eb.fn.coalesce('contact_email', eb.val(identity.email)) }
            : {}),
          ...(identity.name
            ? { contact_name: eb.fn.coalesce('contact_name', eb.val(identity.name)) }
            : {}),
        }))
        .where('id', '=', id)
        .execute();
    },

    /** Records that the visitor has received the log up to `seq` (never moves backwards). */
    async markSeen(id: string, seq: number): Promise<void> {
      // Positions come from the visitor (Last-Event-ID); none can pass the last message anyway.
      if (!Number.isSafeInteger(seq) || seq <= 0 || seq > MAX_SEQ) return;
      await db
        .updateTable('conversations')
        .set({ visitor_seen_seq: seq })
        .where('id', '=', id)
        .where('visitor_seen_seq', '<', seq)
        .where('last_seq', '>=', seq)
        .execute();
    },

    /** Records the first time a person answered, for the time-to-first-reply figure. */
    async markOperatorReplied(id: string): Promise<void> {
      await db
        .updateTable('conversations')
        .set({ first_operator_reply_at: clock.now() })
        .where('id', '=', id)
        .where('first_operator_reply_at', 'is', null)
        .execute();
    },

    /**
     * Erases the conversation with its messages, model items, feedback, idempotency records,
     * usage and queued mail, in one transaction; its token can never be used again. Tickets stay,
     * detached, with the transcript they were opened with unless `tickets: 'anonymise'` (then
     * without transcript and contact). False when there was nothing to erase.
     */
    async erase(
      id: string,
      options: { tickets: TicketTranscripts } = { tickets: 'keep' },
    ): Promise<boolean> {
      const deleted = await db
        .transaction()
        .execute((trx) => deleteConversations(trx, [id], options.tickets));
      return deleted > 0;
    },
  };
}

export type Conversations = ReturnType<typeof conversations>;
