import {
  createServer,
  type IncomingHttpHeaders,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { Ticket } from '../sessions/store.js';
import { createTicketWebhook, TicketWebhookConfig } from './ticket-webhook.js';

const ticket: Ticket = {
  id: 'T-ABCDEFGH',
  sessionId: 's_1',
  subject: 'Refund for order 42',
  description: 'The visitor was charged twice.',
  priority: 'high',
  createdAt: '2026-01-05T15:00:00.000Z',
  transcript: [
    {
      id: 'm1',
      role: 'user',
      content: 'I was charged twice',
      createdAt: '2026-01-05T14:59:00.000Z',
    },
  ],
};

interface Received {
  method: string;
  headers: IncomingHttpHeaders;
  body: string;
}

const servers: Server[] = [];

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A real HTTP receiver on 127.0.0.1; `respond` gets the 1-based number of the request. */
async function startReceiver(respond: (request: number, res: ServerResponse) => void) {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
    });
    req.on('end', () => {
      received.push({ method: req.method ?? '', headers: req.headers, body });
      respond(received.length, res);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hooks/tickets?token=secret`, received };
}

function reply(res: ServerResponse, status: number, headers: Record<string, string> = {}) {
  res.writeHead(status, headers).end('{}');
}

/** A webhook whose waits are recorded instead of slept, and whose logs are kept. */
function webhookFor(url: string, overrides: Partial<TicketWebhookConfig> = {}) {
  const sleeps: number[] = [];
  const logs: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => logs.push(JSON.parse(line)) });
  const config = TicketWebhookConfig.parse({
    url,
    headers: { authorization: 'Bearer t0ken' },
    ...overrides,
  });
  const webhook = createTicketWebhook({
    config,
    logger,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });
  return { webhook, sleeps, logs };
}

describe('TicketWebhookConfig', () => {
  it('applies defaults', () => {
    expect(TicketWebhookConfig.parse({ url: 'https://hooks.example.com/x' })).toEqual({
      url: 'https://hooks.example.com/x',
      timeoutMs: 5000,
      maxAttempts: 3,
    });
  });

  it.each(['ftp://hooks.example.com/x', 'hooks.example.com/x', 'javascript:alert(1)'])(
    'rejects %s',
    (url) => {
      expect(TicketWebhookConfig.safeParse({ url }).success).toBe(false);
    },
  );

  it('rejects zero attempts', () => {
    expect(
      TicketWebhookConfig.safeParse({ url: 'https://a.example/x', maxAttempts: 0 }).success,
    ).toBe(false);
  });
});

describe('createTicketWebhook', () => {
  it('POSTs the ticket as JSON with the configured headers', async () => {
    const receiver = await startReceiver((_n, res) => reply(res, 204));
    const { webhook, sleeps, logs } = webhookFor(receiver.url);

    expect(await webhook.deliver(ticket)).toEqual({ delivered: true, attempts: 1 });
    expect(sleeps).toEqual([]);
    const [request] = receiver.received;
    expect(request?.method).toBe('POST');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers.authorization).toBe('Bearer t0ken');
    expect(request?.headers['idempotency-key']).toBe('T-ABCDEFGH');
    expect(JSON.parse(request?.body ?? '')).toEqual({ event: 'ticket.created', ticket });
    // The URL's query may hold a secret, so logs carry the host only.
    expect(JSON.stringify(logs)).not.toContain('secret');
    expect(logs.at(-1)).toMatchObject({ msg: 'ticket webhook delivered', ticketId: 'T-ABCDEFGH' });
  });

  it('retries a 500 and succeeds on the second attempt after a jittered backoff', async () => {
    const receiver = await startReceiver((n, res) => reply(res, n === 1 ? 500 : 200));
    const { webhook, sleeps } = webhookFor(receiver.url);

    expect(await webhook.deliver(ticket)).toEqual({ delivered: true, attempts: 2 });
    expect(receiver.received).toHaveLength(2);
    expect(sleeps).toHaveLength(1);
    expect(sleeps[0]).toBeGreaterThanOrEqual(250);
    expect(sleeps[0]).toBeLessThanOrEqual(500);
  });

  it('stops after maxAttempts when the receiver keeps failing, backing off exponentially', async () => {
    const receiver = await startReceiver((_n, res) => reply(res, 503));
    const { webhook, sleeps, logs } = webhookFor(receiver.url, { maxAttempts: 4 });

    expect(await webhook.deliver(ticket)).toEqual({ delivered: false, attempts: 4 });
    expect(receiver.received).toHaveLength(4);
    expect(sleeps).toHaveLength(3);
    const ranges = [
      [250, 500],
      [500, 1000],
      [1000, 2000],
    ];
    sleeps.forEach((ms, i) => {
      expect(ms).toBeGreaterThanOrEqual(ranges[i]?.[0] ?? Number.NaN);
      expect(ms).toBeLessThanOrEqual(ranges[i]?.[1] ?? Number.NaN);
    });
    expect(logs.at(-1)).toMatchObject({ msg: 'ticket webhook not delivered', reason: 'HTTP 503' });
  });

  it('aborts an attempt that hangs past the timeout and retries it', async () => {
    const receiver = await startReceiver(() => {
      // Never answer.
    });
    const { webhook, logs } = webhookFor(receiver.url, { timeoutMs: 200, maxAttempts: 2 });

    const started = performance.now();
    expect(await webhook.deliver(ticket)).toEqual({ delivered: false, attempts: 2 });
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(390);
    expect(elapsed).toBeLessThan(2000);
    expect(receiver.received).toHaveLength(2);
    expect(logs.at(-1)).toMatchObject({ reason: 'timed out after 200 ms' });
  });

  it('does not retry a 400: the same request would fail again', async () => {
    const receiver = await startReceiver((_n, res) => reply(res, 400));
    const { webhook, sleeps } = webhookFor(receiver.url);

    expect(await webhook.deliver(ticket)).toEqual({ delivered: false, attempts: 1 });
    expect(receiver.received).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('honours Retry-After seconds on a 429', async () => {
    const receiver = await startReceiver((n, res) =>
      n === 1 ? reply(res, 429, { 'retry-after': '2' }) : reply(res, 200),
    );
    const { webhook, sleeps } = webhookFor(receiver.url);

    expect(await webhook.deliver(ticket)).toEqual({ delivered: true, attempts: 2 });
    expect(sleeps).toEqual([2000]);
  });

  it('caps a huge Retry-After at 30 seconds', async () => {
    const receiver = await startReceiver((n, res) =>
      n === 1 ? reply(res, 503, { 'retry-after': '86400' }) : reply(res, 200),
    );
    const { webhook, sleeps } = webhookFor(receiver.url);

    expect(await webhook.deliver(ticket)).toEqual({ delivered: true, attempts: 2 });
    expect(sleeps).toEqual([30_000]);
  });

  it('retries when nothing listens on the port', async () => {
    const receiver = await startReceiver((_n, res) => reply(res, 200));
    const server = servers.pop();
    await new Promise((resolve) => server?.close(resolve));
    const { webhook, sleeps, logs } = webhookFor(receiver.url, { maxAttempts: 2 });

    expect(await webhook.deliver(ticket)).toEqual({ delivered: false, attempts: 2 });
    expect(sleeps).toHaveLength(1);
    expect(String(logs.at(-1)?.reason)).toContain('ECONNREFUSED');
  });

  it('does not follow a redirect to another receiver', async () => {
    const elsewhere = await startReceiver((_n, res) => reply(res, 200));
    const receiver = await startReceiver((_n, res) => reply(res, 307, { location: elsewhere.url }));
    const { webhook } = webhookFor(receiver.url);

    expect(await webhook.deliver(ticket)).toEqual({ delivered: false, attempts: 1 });
    expect(elsewhere.received).toHaveLength(0);
  });
});
