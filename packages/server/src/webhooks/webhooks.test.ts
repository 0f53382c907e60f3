import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ManualClock } from '@parley/server';
import { startTestApp, type TestApp } from '@parley/testkit/app';
import { sendChat, streamChat, tokenOf } from '@parley/testkit/chat-client';
import { ALWAYS_CLOSED, ALWAYS_OPEN, writeConfigFile } from '@parley/testkit/config-files';
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import type { WebhookBody } from './webhooks.js';

const ADMIN = '8c1f0e4b9a7d23e6f5b0c9d8a7e6f5d4';
const SECRET = `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`;

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A webhook receiver on 127.0.0.1 that answers each request with the next status in `statuses`. */
async function receiver(statuses: number[] = []) {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.statusCode = statuses.shift() ?? 204;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  return {
    url,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

let app: TestApp | undefined;
let hooks: Awaited<ReturnType<typeof receiver>> | undefined;
afterEach(async () => {
  await app?.close();
  await hooks?.close();
  app = undefined;
  hooks = undefined;
});

/**
 * Receivers check a webhook's timestamp against their own clock, so the app's clock starts at the
 * real time; business hours are fixed open or closed instead.
 */
async function start(hours: object, statuses?: number[]) {
  hooks = await receiver(statuses);
  const clock = new ManualClock(Date.now());
  app = await startTestApp({
    clock,
    env: {
      PARLEY_ADMIN_TOKEN: ADMIN,
      PARLEY_WEBHOOK_URL: hooks.url,
      PARLEY_WEBHOOK_SECRET: SECRET,
      PARLEY_CONFIG: writeConfigFile({ hours }),
    },
  });
  return { clock, webhooks: app.parley.services.webhooks! };
}

function verified(request: Received): WebhookBody {
  // Standard Webhooks: the receiver's own library checks id, timestamp and signature.
  return new Webhook(SECRET).verify(
    request.body,
    request.headers as Record<string, string>,
  ) as WebhookBody;
}

describe('signed webhooks', () => {
  it('announce a visitor waiting for a person, and their messages while a person handles it', async () => {
    const { webhooks } = await start(ALWAYS_OPEN);
    const token = tokenOf(await streamChat(app!.baseUrl, 'I want to talk to a human'))!;
    const id = (await app!.store.inbox.list({ limit: 1 })).items[0]!.conversation.publicId;
    await fetch(`${app!.baseUrl}/api/operator/conversations/${id}/join`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${ADMIN}`, 'Content-Type': 'application/json' },
      body: '{"name":"Dana"}',
    });
    await sendChat(app!.baseUrl, { message: 'It is order 1234' }, { token });
    expect(await webhooks.deliverDue()).toBe(2);

    const bodies = hooks!.received.map(verified);
    expect(bodies.map((b) => b.type)).toEqual(['conversation.waiting', 'conversation.message']);
    expect(bodies[0]!.data).toEqual({ conversation: id });
    expect(bodies[1]!.data).toMatchObject({
      conversation: id,
      message: { role: 'user', text: 'It is order 1234' },
    });
    expect(hooks!.received[0]!.headers['webhook-id']).toMatch(/^msg_\d+$/);
  });

  it('announce a new ticket, and retry a delivery the receiver refused with the same webhook-id', async () => {
    const { clock, webhooks } = await start(ALWAYS_CLOSED, [500, 503]);
    await streamChat(app!.baseUrl, 'Please open a ticket for me');
    expect(await webhooks.deliverDue()).toBe(0);
    clock.advance(5_000);
    expect(await webhooks.deliverDue()).toBe(0);
    clock.advance(30_000);
    expect(await webhooks.deliverDue()).toBe(1);
    expect(hooks!.received).toHaveLength(3);
    const ids = new Set(hooks!.received.map((r) => r.headers['webhook-id']));
    expect(ids.size).toBe(1);
    const body = verified(hooks!.received[2]!);
    expect(body.type).toBe('ticket.created');
    expect(body.data).toMatchObject({
      ticket: { id: expect.stringMatching(/^T-/), priority: 'medium' },
    });
  });

  it('are refused by a receiver holding another secret', async () => {
    const { webhooks } = await start(ALWAYS_OPEN);
    await streamChat(app!.baseUrl, 'I want to talk to a human');
    await webhooks.deliverDue();
    const other = new Webhook(
      `whsec_${Buffer.from('another secret of 32 bytes!!!!!!').toString('base64')}`,
    );
    const request = hooks!.received[0]!;
    expect(() => other.verify(request.body, request.headers as Record<string, string>)).toThrow();
  });
});

it('need a signing secret: the URL alone stops start-up with a message', async () => {
  await expect(
    startTestApp({ env: { PARLEY_WEBHOOK_URL: 'http://127.0.0.1:9/hooks' } }),
  ).rejects.toThrow(/PARLEY_WEBHOOK_SECRET/);
});
