import {
  type Message,
  OperatorMessageRequest,
  type TicketDetail,
  type TicketList,
  TicketsQuery,
  TicketUpdateRequest,
} from '@parley/shared';
import { Router } from 'express';
import type { Handoffs } from '../handoff/handoffs.js';
import { ticketSummary } from '../handoff/operator-routes.js';
import { HttpError } from '../http/errors.js';
import { operatorOf } from '../http/operator-auth.js';
import { parseInput } from '../http/validate.js';
import type { Store } from '../store/store.js';

/**
 * Tickets for the team (`/api/operator/tickets`, behind `requireOperator`): list and filter them,
 * change their status, assign them, and reply — the reply lands in the ticket's conversation, where
 * the visitor sees it live, and goes by email when they are away.
 */
export function ticketRoutes(deps: {
  store: Store;
  handoffs: Pick<Handoffs, 'join' | 'reply'>;
}): Router {
  const router = Router();
  const { store } = deps;

  router.get('/api/operator/tickets', async (req, res) => {
    const query = parseInput(TicketsQuery, req.query);
    const operator = operatorOf(res);
    const page = await store.tickets.list({
      limit: query.limit,
      ...(query.status ? { status: query.status } : {}),
      ...(query.assignee === 'me' ? { assignee: operator.id } : {}),
      ...(query.cursor ? { cursor: query.cursor } : {}),
    });
    const body: TicketList = {
      items: page.items.map(ticketSummary),
      ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
    };
    res.json(body);
  });

  router.get('/api/operator/tickets/:id', async (req, res) => {
    const ticket = await store.tickets.get(req.params.id);
    if (!ticket) throw new HttpError('not_found', 'No ticket with this id');
    const body: TicketDetail = {
      ...ticketSummary(ticket),
      description: ticket.description,
      transcript: ticket.transcript,
    };
    res.json(body);
  });

  router.patch('/api/operator/tickets/:id', async (req, res) => {
    const change = parseInput(TicketUpdateRequest, req.body);
    const operator = operatorOf(res);
    const ticket = await store.tickets.update(req.params.id, {
      ...(change.status ? { status: change.status } : {}),
      ...(change.assignee === undefined
        ? {}
        : { assignee: change.assignee === 'me' ? { id: operator.id, name: operator.name } : null }),
    });
    if (!ticket) throw new HttpError('not_found', 'No ticket with this id');
    res.json(ticketSummary(ticket));
  });

  router.post('/api/operator/tickets/:id/reply', async (req, res) => {
    const { text } = parseInput(OperatorMessageRequest, req.body);
    const ticket = await store.tickets.get(req.params.id);
    if (!ticket) throw new HttpError('not_found', 'No ticket with this id');
    const conversation = await store.conversations.byPublicId(ticket.conversation);
    if (!conversation) {
      throw new HttpError(
        'conflict',
        'The conversation of this ticket was deleted; reply by email',
      );
    }
    const operator = operatorOf(res);
    // Answering a ticket reopens its closed conversation, with the team in charge.
    if (conversation.status === 'closed') await deps.handoffs.join(ticket.conversation, operator);
    const message: Message = await deps.handoffs.reply(ticket.conversation, operator, text);
    if (ticket.status === 'open') await store.tickets.update(ticket.id, { status: 'pending' });
    res.status(201).json(message);
  });

  return router;
}
