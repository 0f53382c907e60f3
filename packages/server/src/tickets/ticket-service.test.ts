import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HistoryMessage } from '@parley/shared';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import type { Ticket } from '../sessions/store.js';
import { MemoryStore } from '../sessions/stores/memory-store.js';
import {
  createTicketId,
  createTicketService,
  type OpenTicketResult,
  type TicketInput,
  type TicketServiceOptions,
} from './ticket-service.js';
import {
  createTicketWebhook,
  TicketWebhookConfig,
  type WebhookDelivery,
} from './ticket-webhook.js';

const HOUR = 3_600_000;
const NOW = Date.parse('2026-01-05T15:00:00.000Z');
const input: TicketInput = {
  subject: '  Refund for order 42 ',
  description: 'Charged twice for the same order.\n',
  priority: 'high',
};

function message(id: string, role: HistoryMessage['role'], content: string): HistoryMessage {
  return { id, role, content, createdAt: new Date(NOW).toISOString() };
}

function setup(options: Partial<TicketServiceOptions> = {}) {
  const clock = new ManualClock(NOW);
  const store = new MemoryStore({
    clock,
    limits: { sessionTtlMs: HOUR, sessionMaxAgeMs: 24 * HOUR, idempotencyTtlMs: HOUR },
  });
  const logs: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => logs.push(JSON.parse(line)) });
  const service = createTicketService({ store, clock, logger, ...options });
  return { clock, store, logs, service };
}

/** The ticket of a `created` result; fails the test on any other outcome. */
function created(result: OpenTicketResult): Ticket {
  if (result.status !== 'created')
    throw new Error(`expected a created ticket, got ${result.status}`);
  return result.ticket;
}

/** A promise the test settles by hand. */
function deferred<T>() {
  let resolve: (value: T) => void = () => undefined;
  let reject: (error: unknown) => void = () => undefined;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('createTicketId', () => {
  it('makes T- plus 8 upper-case base32 characters, different every time', () => {
    const ids = new Set(Array.from({ length: 1000 }, createTicketId));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(id).toMatch(/^T-[A-Z2-7]{8}$/);
  });
});

describe('createTicketService', () => {
  it('persists a ticket with the session, trimmed fields, clock time and a transcript snapshot', async () => {
    const { store, service, clock } = setup();
    await store.createSession('s_1');
    await store.appendMessage('s_1', message('m1', 'user', 'I was charged twice'));
    await store.appendMessage('s_1', message('m2', 'assistant', 'Let me open a ticket.'));

    const ticket = created(await service.open('s_1', input));

    const expected: Ticket = {
      id: ticket.id,
      sessionId: 's_1',
      subject: 'Refund for order 42',
      description: 'Charged twice for the same order.',
      priority: 'high',
      createdAt: '2026-01-05T15:00:00.000Z',
      transcript: [
        message('m1', 'user', 'I was charged twice'),
        message('m2', 'assistant', 'Let me open a ticket.'),
      ],
    };
    expect(ticket).toEqual(expected);
    expect(ticket.id).toMatch(/^T-[A-Z2-7]{8}$/);
    expect(await store.getTicket(ticket.id)).toEqual(expected);

    // A snapshot: what is said afterwards does not change the ticket.
    clock.advance(60_000);
    await store.appendMessage('s_1', message('m3', 'user', 'thanks'));
    expect((await store.getTicket(ticket.id))?.transcript).toHaveLength(2);
  });

  it('uses the injected id factory', async () => {
    const { service } = setup({ createId: () => 'T-FIXED123' });
    expect(created(await service.open('s_1', input)).id).toBe('T-FIXED123');
  });

  it('refuses a fourth ticket in the same session but not in another one', async () => {
    const { store, service, logs } = setup();
    for (let i = 0; i < 3; i++) expect((await service.open('s_1', input)).status).toBe('created');

    expect(await service.open('s_1', input)).toEqual({ status: 'limit_reached', count: 3 });
    expect(await store.countTickets('s_1')).toBe(3);
    expect(logs.at(-1)).toMatchObject({ msg: 'ticket limit reached', sessionId: 's_1', count: 3 });
    expect((await service.open('s_2', input)).status).toBe('created');
  });

  it('honours a configured cap', async () => {
    const { service } = setup({ maxTicketsPerSession: 1 });
    expect((await service.open('s_1', input)).status).toBe('created');
    expect(await service.open('s_1', input)).toEqual({ status: 'limit_reached', count: 1 });
  });

  it('keeps the cap when many calls arrive at once (parallel tool calls)', async () => {
    const { store, service } = setup();
    const results = await Promise.all(Array.from({ length: 10 }, () => service.open('s_1', input)));

    expect(results.filter((r) => r.status === 'created')).toHaveLength(3);
    expect(results.filter((r) => r.status === 'limit_reached')).toHaveLength(7);
    expect(await store.countTickets('s_1')).toBe(3);
  });

  it('rejects and logs when the store fails, without calling the webhook', async () => {
    const { store, logs } = setup();
    const delivered: Ticket[] = [];
    const failing = createTicketService({
      store: {
        countTickets: (id) => store.countTickets(id),
        getTranscript: (id) => store.getTranscript(id),
        createTicket: async () => {
          throw new Error('disk full');
        },
      },
      clock: new ManualClock(NOW),
      logger: pino({ level: 'debug' }, { write: (line: string) => logs.push(JSON.parse(line)) }),
      webhook: {
        deliver: async (ticket) => {
          delivered.push(ticket);
          return { delivered: true, attempts: 1 };
        },
      },
    });

    await expect(failing.open('s_1', input)).rejects.toThrow('disk full');
    expect(delivered).toEqual([]);
    expect(logs.at(-1)).toMatchObject({ msg: 'ticket could not be saved', sessionId: 's_1' });
    // A failure does not jam the session's queue.
    await expect(failing.open('s_1', input)).rejects.toThrow('disk full');
  });

  it('delivers to the webhook only after the ticket is stored, and waits for a quick delivery', async () => {
    let storedWhenDelivered: Ticket | undefined;
    let finished = false;
    const { store, service } = setup({
      webhook: {
        deliver: async (ticket) => {
          storedWhenDelivered = await store.getTicket(ticket.id);
          await new Promise((resolve) => setTimeout(resolve, 20));
          finished = true;
          return { delivered: true, attempts: 1 };
        },
      },
    });

    const ticket = created(await service.open('s_1', input));

    expect(storedWhenDelivered).toEqual(ticket);
    expect(finished).toBe(true);
  });

  it('answers after webhookWaitMs while a slow delivery goes on, and drain waits for it', async () => {
    const slow = deferred<WebhookDelivery>();
    const { service } = setup({ webhookWaitMs: 50, webhook: { deliver: () => slow.promise } });

    const started = performance.now();
    expect((await service.open('s_1', input)).status).toBe('created');
    expect(performance.now() - started).toBeLessThan(1000);

    expect(await service.drain(30)).toBe(false);
    slow.resolve({ delivered: true, attempts: 1 });
    expect(await service.drain(1000)).toBe(true);
  });

  it('logs a webhook that rejects instead of failing the ticket', async () => {
    const { service, logs } = setup({
      webhook: { deliver: () => Promise.reject(new Error('webhook bug')) },
    });

    expect((await service.open('s_1', input)).status).toBe('created');
    expect(await service.drain(100)).toBe(true);
    expect(logs.find((l) => l.msg === 'ticket webhook crashed')).toMatchObject({
      err: { message: 'webhook bug' },
    });
  });

  it('does not call the webhook when the cap is reached', async () => {
    const delivered: string[] = [];
    const { service } = setup({
      maxTicketsPerSession: 1,
      webhook: {
        deliver: async (ticket) => {
          delivered.push(ticket.id);
          return { delivered: true, attempts: 1 };
        },
      },
    });
    await service.open('s_1', input);
    await service.open('s_1', input);
    expect(delivered).toHaveLength(1);
  });

  describe('with a real webhook receiver', () => {
    let server: Server | undefined;
    afterEach(async () => {
      server?.closeAllConnections();
      await new Promise((resolve) => server?.close(resolve));
    });

    it('does not hold the answer for a slow receiver; drain sees the delivery through', async () => {
      const bodies: string[] = [];
      server = createServer((req, res) => {
        let body = '';
        req.on('data', (chunk: Buffer) => {
          body += chunk.toString();
        });
        req.on('end', () => {
          setTimeout(() => {
            bodies.push(body);
            res.writeHead(200).end();
          }, 300);
        });
      });
      await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as AddressInfo;
      const logger = pino({ level: 'silent' });
      const webhook = createTicketWebhook({
        config: TicketWebhookConfig.parse({ url: `http://127.0.0.1:${port}/tickets` }),
        logger,
      });
      const { service } = setup({ webhook, webhookWaitMs: 50 });

      const started = performance.now();
      const ticket = created(await service.open('s_1', input));
      expect(performance.now() - started).toBeLessThan(250);
      expect(bodies).toEqual([]);

      expect(await service.drain(2000)).toBe(true);
      expect(bodies).toHaveLength(1);
      expect(JSON.parse(bodies[0] ?? '{}')).toMatchObject({
        event: 'ticket.created',
        ticket: { id: ticket.id },
      });
    });
  });
});
