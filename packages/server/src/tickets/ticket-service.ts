import { randomInt } from 'node:crypto';
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import { ConversationNotFoundError } from '../errors.js';
import type { Store } from '../store/store.js';
import type { Ticket, TicketPriority } from '../store/tickets.js';

/** What the agent asks for when it opens a ticket. */
export interface TicketInput {
  subject: string;
  description: string;
  priority: TicketPriority;
}

export type OpenTicketResult =
  | { status: 'created'; ticket: Ticket }
  | { status: 'limit_reached'; count: number };

export interface TicketService {
  /**
   * Opens a ticket for the conversation with its transcript as it stands, unless the conversation
   * has the maximum number of tickets. Rejects when the store fails.
   */
  open(conversationId: string, input: TicketInput): Promise<OpenTicketResult>;
}

export interface TicketServiceOptions {
  store: Pick<Store, 'tickets' | 'log' | 'conversations'>;
  clock: Clock;
  /** Tickets one conversation may open; more are refused (prompt-injected ticket spam stays bounded). */
  maxTicketsPerSession?: number;
  logger: Logger;
  /** Told about each new ticket (the `ticket.created` webhook); must not throw. */
  onCreated?: (ticket: Ticket, conversationId: string) => void;
  createId?: () => string;
}

export const DEFAULT_MAX_TICKETS_PER_SESSION = 3;

// RFC 4648 base32: A–Z and 2–7. It has no 0 or 1, which visitors would mix up with O and I.
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** A ticket id visitors can read out: `T-` and 8 base32 characters (40 bits). */
export function createTicketId(): string {
  let id = 'T-';
  for (let i = 0; i < 8; i++) id += BASE32[randomInt(BASE32.length)];
  return id;
}

/**
 * Opens tickets: one at a time per conversation (so two calls racing cannot both slip under the
 * cap), each with the conversation's transcript and contact as they stand.
 *
 * @example
 * const tickets = createTicketService({ store, clock: systemClock, logger });
 * await tickets.open(conversationId, { subject: 'Refund', description: '…', priority: 'high' });
 */
export function createTicketService(options: TicketServiceOptions): TicketService {
  const { store, clock, logger } = options;
  const maxTickets = options.maxTicketsPerSession ?? DEFAULT_MAX_TICKETS_PER_SESSION;
  const createId = options.createId ?? createTicketId;
  const queues = new Map<string, Promise<unknown>>();

  function oneAtATime<T>(conversationId: string, task: () => Promise<T>): Promise<T> {
    const result = (queues.get(conversationId) ?? Promise.resolve()).then(task);
    const tail = result.catch(() => undefined);
    queues.set(conversationId, tail);
    void tail.then(() => {
      if (queues.get(conversationId) === tail) queues.delete(conversationId);
    });
    return result;
  }

  async function persist(conversationId: string, input: TicketInput): Promise<OpenTicketResult> {
    const count = await store.tickets.countFor(conversationId);
    if (count >= maxTickets) return { status: 'limit_reached', count };
    const conversation = await store.conversations.get(conversationId);
    if (!conversation) throw new ConversationNotFoundError();
    const ticket: Ticket = {
      id: createId(),
      status: 'open',
      conversation: conversation.publicId,
      subject: input.subject.trim(),
      description: input.description.trim(),
      priority: input.priority,
      createdAt: new Date(clock.now()).toISOString(),
      transcript: await store.log.all(conversationId),
      ...(conversation.contact ? { contact: conversation.contact } : {}),
    };
    await store.tickets.create(conversationId, ticket);
    return { status: 'created', ticket };
  }

  return {
    async open(conversationId, input) {
      const result = await oneAtATime(conversationId, () => persist(conversationId, input)).catch(
        (error: unknown) => {
          logger.error({ err: { message: (error as Error).message } }, 'ticket could not be saved');
          throw error;
        },
      );
      if (result.status === 'limit_reached') {
        logger.warn({ count: result.count }, 'ticket limit reached');
        return result;
      }
      const { ticket } = result;
      logger.info(
        { ticketId: ticket.id, conversation: ticket.conversation, priority: ticket.priority },
        'ticket created',
      );
      options.onCreated?.(ticket, conversationId);
      return result;
    },
  };
}
