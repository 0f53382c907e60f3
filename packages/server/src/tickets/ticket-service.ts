import { randomInt } from 'node:crypto';
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { ParleyStore, Ticket, TicketPriority } from '../sessions/store.js';
import type { TicketWebhook } from './ticket-webhook.js';

/** What the agent supplies for a ticket; identity and time are added by the service. */
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
   * Opens a ticket for `sessionId` with a snapshot of its transcript, unless the session already
   * has the maximum number of tickets. Rejects when the store fails; webhook trouble never rejects.
   */
  open(sessionId: string, input: TicketInput): Promise<OpenTicketResult>;
  /**
   * For shutdown: waits up to `timeoutMs` for webhook deliveries still running in the background.
   * Resolves `true` when none is left.
   */
  drain(timeoutMs: number): Promise<boolean>;
}

export interface TicketServiceOptions {
  store: Pick<ParleyStore, 'countTickets' | 'createTicket' | 'getTranscript'>;
  clock: Clock;
  /** Default {@link DEFAULT_MAX_TICKETS_PER_SESSION}. */
  maxTicketsPerSession?: number;
  webhook?: TicketWebhook;
  /** How long `open` waits for the webhook before answering anyway. Default 3000. */
  webhookWaitMs?: number;
  logger: Logger;
  /** Default {@link createTicketId}. */
  createId?: () => string;
}

/** Caps what a prompt-injected model can do: a few tickets per conversation, never more. */
export const DEFAULT_MAX_TICKETS_PER_SESSION = 3;
const DEFAULT_WEBHOOK_WAIT_MS = 3000;

// RFC 4648 base32: A–Z and 2–7. It has no 0 or 1, which visitors would mix up with O and I.
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/**
 * A fresh ticket id such as `T-K7Q2MZ4D`: 8 base32 characters (40 random bits) from the crypto RNG,
 * short enough for a visitor to quote, unguessable enough that ids cannot be enumerated.
 */
export function createTicketId(): string {
  let id = 'T-';
  for (let i = 0; i < 8; i++) id += BASE32[randomInt(BASE32.length)];
  return id;
}

/** Resolves when `promise` settles or after `ms`, whichever is first; never rejects. */
function settledOrTimeout(promise: Promise<unknown>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    promise.then(done, done);
  });
}

/**
 * Opens support tickets: enforces the per-session cap, snapshots the transcript, persists, then
 * hands the ticket to the webhook (if any) without letting a slow receiver hold up the answer.
 *
 * @example
 * const tickets = createTicketService({ store, clock: systemClock, logger, webhook });
 * const result = await tickets.open(context.sessionId, { subject, description, priority: 'high' });
 * // at shutdown: await tickets.drain(5000);
 */
export function createTicketService(options: TicketServiceOptions): TicketService {
  const { store, clock, webhook, logger } = options;
  const maxTickets = options.maxTicketsPerSession ?? DEFAULT_MAX_TICKETS_PER_SESSION;
  const webhookWaitMs = options.webhookWaitMs ?? DEFAULT_WEBHOOK_WAIT_MS;
  const createId = options.createId ?? createTicketId;
  const deliveries = new Set<Promise<void>>();
  /**
   * The tail of each session's count-then-create queue. The model may call the tool several times
   * in one response and the SDK runs those calls concurrently; without this they would all count
   * the same number and slip past the cap together. (Turns of one session never overlap across
   * instances thanks to the store's turn lock, so an in-process queue is enough.)
   */
  const queues = new Map<string, Promise<unknown>>();

  function oneAtATime<T>(sessionId: string, task: () => Promise<T>): Promise<T> {
    const result = (queues.get(sessionId) ?? Promise.resolve()).then(task);
    const tail = result.catch(() => undefined);
    queues.set(sessionId, tail);
    void tail.then(() => {
      if (queues.get(sessionId) === tail) queues.delete(sessionId);
    });
    return result;
  }

  async function persist(sessionId: string, input: TicketInput): Promise<OpenTicketResult> {
    const count = await store.countTickets(sessionId);
    if (count >= maxTickets) return { status: 'limit_reached', count };
    const ticket: Ticket = {
      id: createId(),
      sessionId,
      subject: input.subject.trim(),
      description: input.description.trim(),
      priority: input.priority,
      createdAt: new Date(clock.now()).toISOString(),
      transcript: await store.getTranscript(sessionId),
    };
    await store.createTicket(ticket);
    return { status: 'created', ticket };
  }

  function startDelivery(target: TicketWebhook, ticket: Ticket): Promise<void> {
    const delivery = target.deliver(ticket).then(
      () => undefined,
      (error: unknown) =>
        logger.error({ err: error, ticketId: ticket.id }, 'ticket webhook crashed'),
    );
    deliveries.add(delivery);
    void delivery.then(() => deliveries.delete(delivery));
    return delivery;
  }

  return {
    async open(sessionId, input) {
      let result: OpenTicketResult;
      try {
        result = await oneAtATime(sessionId, () => persist(sessionId, input));
      } catch (error) {
        logger.error({ err: error, sessionId }, 'ticket could not be saved');
        throw error;
      }
      if (result.status === 'limit_reached') {
        logger.warn({ sessionId, count: result.count }, 'ticket limit reached');
        return result;
      }
      const { ticket } = result;
      logger.info({ ticketId: ticket.id, sessionId, priority: ticket.priority }, 'ticket created');
      if (webhook) await settledOrTimeout(startDelivery(webhook, ticket), webhookWaitMs);
      return result;
    },

    async drain(timeoutMs) {
      await settledOrTimeout(Promise.all(deliveries), timeoutMs);
      return deliveries.size === 0;
    },
  };
}
