import type { HistoryMessage } from '@parley/shared';
import { type Request, type RequestHandler, Router } from 'express';
import * as z from 'zod';
import { requireBearerToken } from '../http/bearer-token.js';
import { HttpError } from '../http/errors.js';
import { parseInput } from '../http/validate.js';
import { hashSessionId } from '../logger.js';
import type {
  FeedbackRecord,
  Page,
  ParleyStore,
  Ticket,
  TicketPriority,
} from '../sessions/store.js';
import { InvalidCursorError } from '../sessions/store-errors.js';

/** Page sizes an operator may ask for. */
export const ADMIN_PAGE_DEFAULT = 20;
export const ADMIN_PAGE_MAX = 100;

const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(ADMIN_PAGE_MAX).default(ADMIN_PAGE_DEFAULT),
  cursor: z.string().min(1).max(2048).optional(),
});

const TicketId = z.string().min(1).max(200);

/**
 * A ticket in a list. Sessions appear only as `hashSessionId` hashes, the same value the request
 * logs carry, so an operator can find a conversation's log lines without raw ids leaving the store.
 */
export interface AdminTicketSummary {
  id: string;
  session: string;
  subject: string;
  description: string;
  priority: TicketPriority;
  createdAt: string;
  messageCount: number;
}

/** One ticket with the conversation as it stood when the ticket was opened. */
export interface AdminTicket extends AdminTicketSummary {
  transcript: HistoryMessage[];
}

export interface AdminFeedback {
  messageId: string;
  session: string;
  rating: FeedbackRecord['rating'];
  comment?: string;
  createdAt: string;
}

export interface AdminPage<T> {
  items: T[];
  nextCursor?: string;
}

export interface AdminRoutesOptions {
  store: ParleyStore;
  /** `PARLEY_ADMIN_TOKEN`; unset disables the admin API. */
  token: string | undefined;
  /** Throttles failed token attempts per address (the `authFailures` rate limit). */
  authFailures?: RequestHandler;
}

/**
 * The read-only operator API: tickets (newest first, paged), one ticket with its transcript, and
 * answer ratings. Every response is `no-store`.
 *
 * Access needs `Authorization: Bearer <PARLEY_ADMIN_TOKEN>`. A missing or wrong token, and any
 * request while no token is configured, gets the same `404 not_found` as a route that does not
 * exist. That keeps the API invisible to scanners and needs no new error code; the alternatives
 * were worse: `401 session_invalid` would tell the widget its visitor session is bad, and
 * `401 invalid_request` would misname the problem. Operators who get a 404 check the token first.
 *
 * @example
 * app.use(adminRoutes({ store, token: config.adminToken, authFailures: limits.authFailures }));
 */
export function adminRoutes(options: AdminRoutesOptions): Router {
  const { store, token } = options;
  const router = Router();
  if (options.authFailures) router.use('/api/admin', options.authFailures);
  router.use('/api/admin', requireBearerToken(token));

  router.get('/api/admin/tickets', async (req, res) => {
    const page = await listPage(req, (query) => store.listTickets(query));
    const body: AdminPage<AdminTicketSummary> = mapPage(page, toSummary);
    res.setHeader('Cache-Control', 'no-store');
    res.json(body);
  });

  router.get('/api/admin/tickets/:id', async (req, res) => {
    const id = parseInput(TicketId, req.params.id);
    const ticket = await store.getTicket(id);
    if (!ticket) throw new HttpError('not_found', 'No ticket with this id');
    const body: AdminTicket = { ...toSummary(ticket), transcript: ticket.transcript };
    res.setHeader('Cache-Control', 'no-store');
    res.json(body);
  });

  router.get('/api/admin/feedback', async (req, res) => {
    const page = await listPage(req, (query) => store.listFeedback(query));
    const body: AdminPage<AdminFeedback> = mapPage(page, toFeedback);
    res.setHeader('Cache-Control', 'no-store');
    res.json(body);
  });

  return router;
}

async function listPage<T>(
  req: Request,
  list: (query: { limit: number; cursor?: string }) => Promise<Page<T>>,
): Promise<Page<T>> {
  const { limit, cursor } = parseInput(PageQuery, req.query);
  try {
    return await list({ limit, ...(cursor === undefined ? {} : { cursor }) });
  } catch (error) {
    if (error instanceof InvalidCursorError) {
      throw new HttpError('invalid_request', 'cursor: not a cursor this API returned', {
        issues: [{ path: 'cursor', message: 'not a cursor this API returned' }],
      });
    }
    throw error;
  }
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
    session: hashSessionId(ticket.sessionId),
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
    session: hashSessionId(record.sessionId),
    rating: record.rating,
    ...(record.comment ? { comment: record.comment } : {}),
    createdAt: record.createdAt,
  };
}
