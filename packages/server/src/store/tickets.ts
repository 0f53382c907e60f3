import type { Message, TICKET_STATUSES } from '@parley/shared';
import { type Selectable, sql } from 'kysely';
import { fromJson, type Page, type StoreContext, toJson } from './context.js';
import { after, decodeCursor, toPage } from './paging.js';
import type { TicketsTable } from './schema.js';

export type TicketPriority = 'low' | 'medium' | 'high' | 'urgent';
export type TicketStatus = (typeof TICKET_STATUSES)[number];

/** A support ticket, with the conversation as it stood when it was opened. */
export interface Ticket {
  id: string;
  /** The conversation's public id. */
  conversation: string;
  subject: string;
  description: string;
  priority: TicketPriority;
  status: TicketStatus;
  /** ISO 8601. */
  createdAt: string;
  transcript: Message[];
  /** How the team can reach the visitor, once they said (or a verified identity did). */
  contact?: { email: string; name?: string };
  /** The operator the ticket is assigned to. */
  assignee?: { id: string; name: string };
}

export interface TicketFilter {
  status?: TicketStatus;
  /** An operator's id: only their tickets. */
  assignee?: string;
}

type Row = Selectable<TicketsTable>;

function toTicket(row: Row): Ticket {
  return {
    id: row.id,
    conversation: row.conversation_public_id,
    subject: row.subject,
    description: row.description,
    priority: row.priority,
    status: row.status,
    createdAt: new Date(row.created_at).toISOString(),
    transcript: fromJson<Message[]>(row.transcript, []),
    ...(row.contact_email
      ? {
          contact: {
            email: row.contact_email,
            ...(row.contact_name ? { name: row.contact_name } : {}),
          },
        }
      : {}),
    ...(row.assignee_id && row.assignee_name
      ? { assignee: { id: row.assignee_id, name: row.assignee_name } }
      : {}),
  };
}

/** Tickets, newest first. */
export function tickets({ db, clock }: StoreContext) {
  return {
    async create(conversationId: string, ticket: Omit<Ticket, 'status'>): Promise<void> {
      await db
        .insertInto('tickets')
        .values({
          id: ticket.id,
          conversation_id: conversationId,
          conversation_public_id: ticket.conversation,
          subject: ticket.subject,
          description: ticket.description,
          priority: ticket.priority,
          status: 'open',
          created_at: Date.parse(ticket.createdAt),
          updated_at: Date.parse(ticket.createdAt),
          transcript: toJson(ticket.transcript),
          contact_email: ticket.contact?.email ?? null,
          contact_name: ticket.contact?.name ?? null,
        })
        .execute();
    },

    async countFor(conversationId: string): Promise<number> {
      const row = await db
        .selectFrom('tickets')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('conversation_id', '=', conversationId)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },

    /** The conversation's tickets, newest first. */
    async forConversation(conversationId: string): Promise<Ticket[]> {
      const rows = await db
        .selectFrom('tickets')
        .selectAll()
        .where('conversation_id', '=', conversationId)
        .orderBy('created_at', 'desc')
        .execute();
      return rows.map(toTicket);
    },

    async get(id: string): Promise<Ticket | undefined> {
      const row = await db
        .selectFrom('tickets')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
      return row && toTicket(row);
    },

    /** Changes a ticket's status or assignee (`null` unassigns); undefined when there is no such ticket. */
    async update(
      id: string,
      change: { status?: TicketStatus; assignee?: { id: string; name: string } | null },
    ): Promise<Ticket | undefined> {
      const now = clock.now();
      const row = await db
        .updateTable('tickets')
        .set({
          updated_at: now,
          ...(change.status
            ? { status: change.status, solved_at: change.status === 'solved' ? now : null }
            : {}),
          ...(change.assignee === undefined
            ? {}
            : {
                assignee_id: change.assignee?.id ?? null,
                assignee_name: change.assignee?.name ?? null,
              }),
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      return row && toTicket(row);
    },

    /** @throws InvalidCursorError for a cursor this list did not produce. */
    async list(options: { limit: number; cursor?: string } & TicketFilter): Promise<Page<Ticket>> {
      let query = db.selectFrom('tickets').selectAll();
      if (options.status) query = query.where('status', '=', options.status);
      if (options.assignee) query = query.where('assignee_id', '=', options.assignee);
      if (options.cursor !== undefined) {
        const position = decodeCursor(options.cursor, 1);
        query = query.where(after([sql.ref('created_at'), sql.ref('id')], 'desc', position));
      }
      const rows = await query
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(options.limit + 1)
        .execute();
      return toPage(rows, options.limit, (r) => [r.created_at, r.id], toTicket);
    },
  };
}

export type Tickets = ReturnType<typeof tickets>;
