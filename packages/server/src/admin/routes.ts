import type { Message } from '@parley/shared';
import { type Request, type RequestHandler, Router } from 'express';
import type { Logger } from 'pino';
import * as z from 'zod';
import { HttpError } from '../http/errors.js';
import { requireOperator } from '../http/operator-auth.js';
import { parseInput } from '../http/validate.js';
import type { Page } from '../store/context.js';
import type { FeedbackRecord } from '../store/feedback.js';
import type { Store } from '../store/store.js';
import type { Ticket, TicketPriority } from '../store/tickets.js';

/** Page sizes an operator may ask for. */
export const ADMIN_PAGE_DEFAULT = 20;
export const ADMIN_PAGE_MAX = 100;

const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(ADMIN_PAGE_MAX).default(ADMIN_PAGE_DEFAULT),
  cursor: z.string().min(1).max(2048).optional(),
});

const TicketId = z.string().min(1).max(200);
const ConversationId = z.string().regex(/^c_[A-Za-z0-9_-]{16}$/, 'not a conversation id');

/**
 * A ticket in a list. Conversations appear by their public id, the one the logs carry too; the
 * session id behind it never leaves the store.
 */
export interface AdminTicketSummary {
  id: string;
  /** The conversation's public id. */
  conversation: string;
  subject: string;
  description: string;
  priority: TicketPriority;
  createdAt: string;
  messageCount: number;
}

/** One ticket with the conversation as it stood when the ticket was opened. */
export interface AdminTicket extends AdminTicketSummary {
  transcript: Message[];
}

export interface AdminFeedback {
  messageId: string;
  /** The conversation's public id. */
  conversation: string;
  rating: FeedbackRecord['rating'];
  comment?: string;
  createdAt: string;
}

export interface AdminPage<T> {
  items: T[];
  nextCursor?: string;
}

export interface AdminRoutesOptions {
  store: Store;
  /** `PARLEY_ADMIN_TOKEN`; unset disables the admin API. */
  token: string | undefined;
  /** Throttles failed token attempts per address (the `authFailures` rate limit). */
  authFailures?: RequestHandler;
  /** Exports and erasures are logged (without content). */
  logger: Logger;
}

/**
 * The admin API: tickets (newest first, paged), one ticket with its transcript, answer ratings,
 * and the data lifecycle of one conversation (export, erase). Every response is `no-store`.
 *
 * Access needs `Authorization: Bearer <PARLEY_ADMIN_TOKEN>`; a missing or wrong token gets
 * `401 unauthorized` with `WWW-Authenticate: Bearer` (and counts towards the failed-attempt
 * limit). Without a configured token the API does not exist: 404 like any unknown route.
 *
 * @example
 * app.use(adminRoutes({ store, token: config.adminToken, authFailures: limits.authFailures }));
 */
export function adminRoutes(options: AdminRoutesOptions): Router {
  const { store, token } = options;
  const router = Router();
  if (options.authFailures) router.use('/api/admin', options.authFailures);
  router.use('/api/admin', requireOperator({ token }));

  router.get('/api/admin/tickets', async (req, res) => {
    const page = await listPage(req, (query) => store.tickets.list(query));
    const body: AdminPage<AdminTicketSummary> = mapPage(page, toSummary);
    res.setHeader('Cache-Control', 'no-store');
    res.json(body);
  });

  router.get('/api/admin/tickets/:id', async (req, res) => {
    const id = parseInput(TicketId, req.params.id, 'id');
    const ticket = await store.tickets.get(id);
    if (!ticket) throw new HttpError('not_found', 'No ticket with this id');
    const body: AdminTicket = { ...toSummary(ticket), transcript: ticket.transcript };
    res.setHeader('Cache-Control', 'no-store');
    res.json(body);
  });

  router.get('/api/admin/feedback', async (req, res) => {
    const page = await listPage(req, (query) => store.feedback.list(query));
    const body: AdminPage<AdminFeedback> = mapPage(page, toFeedback);
    res.setHeader('Cache-Control', 'no-store');
    res.json(body);
  });

  /** Everything Parley holds about one conversation, for a data-access request (GDPR art. 15). */
  router.get('/api/admin/conversations/:id/export', async (req, res) => {
    const conversation = await store.conversations.byPublicId(
      parseInput(ConversationId, req.params.id, 'id'),
    );
    if (!conversation) throw new HttpError('not_found', 'No conversation with this id');
    const [messages, tickets] = await Promise.all([
      store.log.all(conversation.id),
      store.tickets.forConversation(conversation.id),
    ]);
    options.logger.info({ conversation: conversation.publicId }, 'conversation exported');
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Content-Disposition', `attachment; filename="${conversation.publicId}.json"`);
    res.json({
      conversation: {
        id: conversation.publicId,
        createdAt: new Date(conversation.createdAt).toISOString(),
        lastActivityAt: new Date(conversation.lastSeenAt).toISOString(),
        status: conversation.status,
        contact: conversation.contact ?? null,
        identity: conversation.identity ?? null,
      },
      messages,
      tickets,
    });
  });

  /**
   * Erases one conversation (GDPR art. 17): its messages, model items, feedback and usage; its
   * tickets stay for the team's records (status, dates, assignee) without transcript, contact,
   * subject or description. The visitor's token stops
   * working. Logged without content.
   */
  router.delete('/api/admin/conversations/:id', async (req, res) => {
    const conversation = await store.conversations.byPublicId(
      parseInput(ConversationId, req.params.id, 'id'),
    );
    if (!conversation) throw new HttpError('not_found', 'No conversation with this id');
    await store.conversations.erase(conversation.id, { tickets: 'anonymise' });
    options.logger.info({ conversation: conversation.publicId }, 'conversation erased');
    res.status(204).end();
  });

  return router;
}

async function listPage<T>(
  req: Request,
  list: (query: { limit: number; cursor?: string }) => Promise<Page<T>>,
): Promise<Page<T>> {
  const { limit, cursor } = parseInput(PageQuery, req.query);
  return list({ limit, ...(cursor === undefined ? {} : { cursor }) });
}

function mapPage<T, U>(page: Page<T>, map: (item: T) => U): AdminPage<U> {
  return {
    items: page.items.map(map),
    ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
  };
}

function toSummary(ticket: Ticket): AdminTicketSummary {
  return {
    id: ticket.id,
    conversation: ticket.conversation,
    subject: ticket.subject,
    description: ticket.description,
    priority: ticket.priority,
    createdAt: ticket.createdAt,
    messageCount: ticket.transcript.length,
  };
}

function toFeedback(record: FeedbackRecord): AdminFeedback {
  return {
    messageId: record.messageId,
    conversation: record.conversation,
    rating: record.rating,
    ...(record.comment ? { comment: record.comment } : {}),
    createdAt: record.createdAt,
  };
}
