import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import { ConversationNotFoundError } from '../errors.js';
import { openStore, type Store } from '../store/store.js';
import type { Ticket } from '../store/tickets.js';
import {
  createTicketId,
  createTicketService,
  type OpenTicketResult,
  type TicketInput,
  type TicketServiceOptions,
} from './ticket-service.js';

const HOUR = 3_600_000;
const NOW = Date.parse('2026-01-05T15:00:00.000Z');
const input: TicketInput = {
  subject: '  Refund for order 42 ',
  description: 'Charged twice for the same order.\n',
  priority: 'high',
};

const stores: Store[] = [];
afterEach(async () => {
  await Promise.all(stores.splice(0).map((store) => store.close()));
});

async function setup(options: Partial<TicketServiceOptions> = {}) {
  const clock = new ManualClock(NOW);
  const store = await openStore(
    { kind: 'memory' },
    { clock, limits: { sessionTtlMs: HOUR, sessionMaxAgeMs: 24 * HOUR, idempotencyTtlMs: HOUR } },
  );
  stores.push(store);
  const conversation = await store.conversations.create('s_1');
  await store.conversations.create('s_2');
  const logs: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => logs.push(JSON.parse(line)) });
  const service = createTicketService({ store, clock, logger, ...options });
  return { clock, store, logs, service, conversation };
}

/** The ticket of a `created` result; fails the test on any other outcome. */
function created(result: OpenTicketResult): Ticket {
  if (result.status !== 'created')
    throw new Error(`expected a created ticket, got ${result.status}`);
  return result.ticket;
}

describe('createTicketId', () => {
  it('makes T- plus 8 upper-case base32 characters, different every time', () => {
    const ids = new Set(Array.from({ length: 1000 }, createTicketId));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(id).toMatch(/^T-[A-Z2-7]{8}$/);
  });
});

describe('createTicketService', () => {
  it('stores an open ticket with trimmed fields, the clock time and a transcript snapshot', async () => {
    const { store, service, clock, conversation } = await setup();
    const question = await store.log.append('s_1', { role: 'user', text: 'I was charged twice' });
    const answer = await store.log.append('s_1', {
      role: 'assistant',
      text: 'Let me open a ticket.',
    });

    const ticket = created(await service.open('s_1', input));

    const expected: Ticket = {
      id: ticket.id,
      status: 'open',
      conversation: conversation.publicId,
      subject: 'Refund for order 42',
      description: 'Charged twice for the same order.',
      priority: 'high',
      createdAt: '2026-01-05T15:00:00.000Z',
      transcript: [question, answer],
    };
    expect(ticket).toEqual(expected);
    expect(ticket.id).toMatch(/^T-[A-Z2-7]{8}$/);
    expect(await store.tickets.get(ticket.id)).toEqual(expected);

    // A snapshot: what is said afterwards does not change the ticket.
    clock.advance(60_000);
    await store.log.append('s_1', { role: 'user', text: 'thanks' });
    expect((await store.tickets.get(ticket.id))?.transcript).toHaveLength(2);
  });

  it('gives the ticket the contact the conversation has', async () => {
    const { store, service } = await setup();
    await store.conversations.setContact('s_1', { email: 'sam@example.com', name: 'Sam' });
    const ticket = created(await service.open('s_1', input));
    expect(ticket.contact).toEqual({ email: 'sam@example.com', name: 'Sam' });
    expect((await store.tickets.get(ticket.id))?.contact).toEqual(ticket.contact);
  });

  it('uses the injected id factory', async () => {
    const { service } = await setup({ createId: () => 'T-FIXED123' });
    expect(created(await service.open('s_1', input)).id).toBe('T-FIXED123');
  });

  it('refuses a fourth ticket in the same conversation but not in another one', async () => {
    const { store, service, logs } = await setup();
    for (let i = 0; i < 3; i++) expect((await service.open('s_1', input)).status).toBe('created');

    expect(await service.open('s_1', input)).toEqual({ status: 'limit_reached', count: 3 });
    expect(await store.tickets.countFor('s_1')).toBe(3);
    expect(logs.at(-1)).toMatchObject({ msg: 'ticket limit reached', count: 3 });
    expect((await service.open('s_2', input)).status).toBe('created');
    // Logs name tickets and public ids, never the visitor's session id.
    expect(JSON.stringify(logs)).not.toContain('s_1');
  });

  it('honours a configured cap', async () => {
    const { service } = await setup({ maxTicketsPerSession: 1 });
    expect((await service.open('s_1', input)).status).toBe('created');
    expect(await service.open('s_1', input)).toEqual({ status: 'limit_reached', count: 1 });
  });

  it('keeps the cap when many calls arrive at once (parallel tool calls)', async () => {
    const { store, service } = await setup();
    const results = await Promise.all(Array.from({ length: 10 }, () => service.open('s_1', input)));

    expect(results.filter((r) => r.status === 'created')).toHaveLength(3);
    expect(results.filter((r) => r.status === 'limit_reached')).toHaveLength(7);
    expect(await store.tickets.countFor('s_1')).toBe(3);
  });

  it('refuses a conversation that is unknown or erased', async () => {
    const { store, service } = await setup();
    await expect(service.open('nobody', input)).rejects.toBeInstanceOf(ConversationNotFoundError);
    await store.conversations.erase('s_1');
    await expect(service.open('s_1', input)).rejects.toBeInstanceOf(ConversationNotFoundError);
  });

  it('tells about a new ticket only once it is stored, and never when the cap is reached', async () => {
    const told: Array<{ ticket: Ticket | undefined; conversationId: string }> = [];
    const { store, service } = await setup({
      maxTicketsPerSession: 1,
      onCreated: (ticket, conversationId) => {
        told.push({ ticket, conversationId });
      },
    });
    const ticket = created(await service.open('s_1', input));
    await service.open('s_1', input);
    expect(told).toEqual([{ ticket, conversationId: 's_1' }]);
    expect(await store.tickets.get(ticket.id)).toEqual(ticket);
  });

  it('rejects and logs when the store fails, without telling anyone', async () => {
    const { store, logs } = await setup();
    const told: Ticket[] = [];
    const failing = createTicketService({
      store: {
        ...store,
        tickets: {
          ...store.tickets,
          create: async () => {
            throw new Error('disk full');
          },
        },
      },
      clock: new ManualClock(NOW),
      logger: pino({ level: 'debug' }, { write: (line: string) => logs.push(JSON.parse(line)) }),
      onCreated: (ticket) => told.push(ticket),
    });

    await expect(failing.open('s_1', input)).rejects.toThrow('disk full');
    expect(told).toEqual([]);
    expect(logs.at(-1)).toMatchObject({ msg: 'ticket could not be saved' });
    // A failure does not jam the conversation's queue.
    await expect(failing.open('s_1', input)).rejects.toThrow('disk full');
  });
});
