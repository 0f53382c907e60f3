import {
  type InboxEvent,
  JoinRequest,
  type OperatorConversation,
  type OperatorConversationList,
  type OperatorConversationSummary,
  OperatorConversationsQuery,
  OperatorMessageRequest,
  type TicketSummary,
} from '@parley/shared';
import { type Request, type Response, Router } from 'express';
import type { Clock } from '../clock.js';
import type { ConversationEvents } from '../events/conversation-events.js';
import { throttleByKey } from '../events/throttle-by-key.js';
import { HttpError } from '../http/errors.js';
import { operatorOf } from '../http/operator-auth.js';
import { startSse } from '../http/sse.js';
import { parseInput } from '../http/validate.js';
import type { ConversationRecord } from '../store/conversations.js';
import type { InboxEntry } from '../store/inbox.js';
import type { Store } from '../store/store.js';
import type { Ticket } from '../store/tickets.js';
import type { Handoffs } from './handoffs.js';

export interface OperatorRoutesDeps {
  store: Store;
  handoffs: Handoffs;
  events: ConversationEvents;
  /** Longest text shown as an inbox entry's last message. */
  previewChars?: number;
  clock: Clock;
  /**
   * Whether the caller of an open event stream may still read it (signed out, or the account
   * removed, on any instance): asked before sending once {@link ACCESS_RECHECK_MS} have passed
   * since the last answer. Without it, a stream's access is never asked again.
   */
  stillAllowed?: (req: Request, res: Response) => Promise<boolean>;
}

/** How long an event stream goes on without asking again whether its operator may read it. */
export const ACCESS_RECHECK_MS = 10_000;

/** The same inbox change is sent at most once per this window (the latest at its end). */
const DUPLICATE_WINDOW_MS = 250;

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

function summary(
  conversation: ConversationRecord,
  lastMessage?: InboxEntry['lastMessage'],
  previewChars = 200,
): OperatorConversationSummary {
  return {
    id: conversation.publicId,
    status: conversation.status,
    createdAt: new Date(conversation.createdAt).toISOString(),
    lastActivityAt: new Date(conversation.lastSeenAt).toISOString(),
    ...(conversation.waitingSince ? { waitingSince: iso(conversation.waitingSince)! } : {}),
    ...(conversation.operator ? { operator: conversation.operator } : {}),
    ...(conversation.contact ? { contact: conversation.contact } : {}),
    ...(conversation.identity ? { identity: conversation.identity } : {}),
    ...(lastMessage
      ? { lastMessage: { ...lastMessage, text: lastMessage.text.slice(0, previewChars) } }
      : {}),
    messageCount: conversation.lastSeq,
  };
}

export function ticketSummary(ticket: Ticket): TicketSummary {
  return {
    id: ticket.id,
    conversation: ticket.conversation,
    subject: ticket.subject,
    priority: ticket.priority,
    status: ticket.status,
    createdAt: ticket.createdAt,
    ...(ticket.assignee ? { assignee: ticket.assignee } : {}),
    ...(ticket.contact ? { contact: ticket.contact } : {}),
  };
}

/**
 * The operator API's conversations (`/api/operator`, behind `requireOperator`): the inbox, one
 * conversation with everything in it, taking over, replying, handing back, closing, and a live
 * event stream of inbox changes. Integrations script against these paths with the admin token;
 * the console uses them signed in.
 */
export function operatorRoutes(deps: OperatorRoutesDeps): Router {
  const router = Router();
  const { store, handoffs } = deps;

  router.get('/api/operator/conversations', async (req, res) => {
    const query = parseInput(OperatorConversationsQuery, req.query);
    const page = await store.inbox.list({
      limit: query.limit,
      ...(query.status ? { status: query.status } : {}),
      ...(query.q ? { q: query.q } : {}),
      ...(query.cursor ? { cursor: query.cursor } : {}),
    });
    const body: OperatorConversationList = {
      items: page.items.map((entry) =>
        summary(entry.conversation, entry.lastMessage, deps.previewChars),
      ),
      ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
    };
    res.json(body);
  });

  router.get('/api/operator/conversations/:id', async (req, res) => {
    const conversation = await found(req.params.id);
    const [messages, tickets] = await Promise.all([
      store.log.all(conversation.id),
      store.tickets.forConversation(conversation.id),
    ]);
    const last = messages.at(-1);
    const body: OperatorConversation = {
      ...summary(
        conversation,
        last && { role: last.role, text: last.text, createdAt: last.createdAt },
        deps.previewChars,
      ),
      messages,
      tickets: tickets.map(ticketSummary),
      viewers: deps.events.viewers(conversation.publicId),
    };
    res.json(body);
  });

  /** The console says an operator has this conversation open (every ~20 s while it is). */
  router.post('/api/operator/conversations/:id/viewing', async (req, res) => {
    const conversation = await found(req.params.id);
    const { id, name } = operatorOf(res);
    deps.events.viewing(conversation.publicId, { id, name });
    res.status(204).end();
  });

  router.post('/api/operator/conversations/:id/join', async (req, res) => {
    parseInput(JoinRequest, req.body ?? {});
    const conversation = await handoffs.join(req.params.id, operatorOf(res));
    res.json(summary(conversation));
  });

  router.post('/api/operator/conversations/:id/messages', async (req, res) => {
    const { text } = parseInput(OperatorMessageRequest, req.body);
    const message = await handoffs.reply(req.params.id, operatorOf(res), text);
    res.status(201).json(message);
  });

  router.post('/api/operator/conversations/:id/release', async (req, res) => {
    res.json(summary(await handoffs.release(req.params.id)));
  });

  router.post('/api/operator/conversations/:id/close', async (req, res) => {
    res.json(summary(await handoffs.close(req.params.id)));
  });

  router.get('/api/operator/events', (req, res) => {
    const sse = startSse<{ event: 'inbox'; data: InboxEvent } | { event: 'resync'; data: object }>(
      res,
    );
    // Events go out in order, each after the caller's access was confirmed recently enough: a
    // signed-out operator's open stream ends at the next event instead of carrying on.
    let confirmedAt = deps.clock.now();
    let queue = Promise.resolve();
    const deliver = (
      event: { event: 'inbox'; data: InboxEvent } | { event: 'resync'; data: object },
    ) => {
      queue = queue
        .then(async () => {
          if (deps.stillAllowed && deps.clock.now() - confirmedAt >= ACCESS_RECHECK_MS) {
            if (!(await deps.stillAllowed(req, res))) {
              sse.close();
              return;
            }
            confirmedAt = deps.clock.now();
          }
          sse.send(event);
        })
        .catch(() => sse.close());
    };
    // One change often arrives as several bus messages (stored, state, inbox): sent once, and
    // a change within the window after it is sent when the window ends.
    const inbox = throttleByKey<InboxEvent>(DUPLICATE_WINDOW_MS, (data) =>
      deliver({ event: 'inbox', data }),
    );
    const send = (conversation: string, change: InboxEvent['change']) =>
      inbox.push(`${conversation}:${change}`, { conversation, change });
    const stop = deps.events.followAll((message) => {
      if (message.type === 'inbox') send(message.conversation, message.change);
      else if (message.type === 'logged') send(message.conversation, 'message');
      else if (message.type === 'state') send(message.conversation, 'status');
      else if (message.type === 'resync') deliver({ event: 'resync', data: {} });
    });
    res.once('close', () => {
      stop();
      inbox.close();
    });
  });

  async function found(publicId: string | undefined): Promise<ConversationRecord> {
    const conversation = publicId ? await store.conversations.byPublicId(publicId) : undefined;
    if (!conversation) throw new HttpError('not_found', 'No conversation with this id');
    return conversation;
  }

  return router;
}
