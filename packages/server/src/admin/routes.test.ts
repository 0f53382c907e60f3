import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import { errorHandler, notFound } from '../http/errors.js';
import { openStore, type Store } from '../store/store.js';
import type { Ticket } from '../store/tickets.js';
import {
  type AdminFeedback,
  type AdminPage,
  type AdminTicket,
  type AdminTicketSummary,
  adminRoutes,
} from './routes.js';

const TOKEN = 'admin-token-0123456789abcdef';
const AUTH = { Authorization: `Bearer ${TOKEN}` };

let clock: ManualClock;
let store: Store;
let server: Server | undefined;

beforeEach(async () => {
  clock = new ManualClock(Date.UTC(2026, 0, 6, 12));
  store = await openStore(
    { kind: 'memory' },
    {
      clock,
      limits: {
        sessionTtlMs: 86_400_000,
        sessionMaxAgeMs: 30 * 86_400_000,
        idempotencyTtlMs: 86_400_000,
      },
    },
  );
});
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
  await store.close();
});

async function start(token: string | undefined): Promise<string> {
  const app = express();
  app.use(adminRoutes({ store, token, logger: pino({ level: 'silent' }) }));
  app.use(notFound());
  app.use(errorHandler({ logger: pino({ level: 'silent' }) }));
  server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server?.once('listening', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** The public id of conversation `sess_<n>`, created on first use. */
async function conversation(n: number): Promise<string> {
  const id = `sess_${n}`;
  const existing = await store.conversations.get(id);
  return (existing ?? (await store.conversations.create(id))).publicId;
}

/** Stores ticket `tkt_<n>` of conversation `sess_<n>`, opened at hour n of 2026-01-01. */
async function createTicket(n: number): Promise<Omit<Ticket, 'status'>> {
  const ticket: Omit<Ticket, 'status'> = {
    id: `tkt_${n}`,
    conversation: await conversation(n),
    subject: `Subject ${n}`,
    description: `Description ${n}`,
    priority: 'medium',
    createdAt: new Date(Date.UTC(2026, 0, 1, n)).toISOString(),
    transcript: [
      {
        id: `msg_u${n}`,
        seq: 1,
        role: 'user',
        text: `Question ${n}`,
        createdAt: '2026-01-01T00:00:00.000Z',
      },
      {
        id: `msg_a${n}`,
        seq: 2,
        role: 'assistant',
        text: `Answer ${n}`,
        createdAt: '2026-01-01T00:00:01.000Z',
      },
    ],
  };
  await store.tickets.create(`sess_${n}`, ticket);
  return ticket;
}

async function getJson<T>(
  url: string,
  headers: Record<string, string> = AUTH,
): Promise<{ status: number; body: T; headers: Headers }> {
  const res = await fetch(url, { headers });
  return { status: res.status, body: (await res.json()) as T, headers: res.headers };
}

describe('adminRoutes', () => {
  it('pages tickets newest first without transcripts, and ends with no nextCursor', async () => {
    for (let n = 1; n <= 5; n++) await createTicket(n);
    const baseUrl = await start(TOKEN);

    const first = await getJson<AdminPage<AdminTicketSummary>>(
      `${baseUrl}/api/admin/tickets?limit=2`,
    );
    expect(first.status).toBe(200);
    expect(first.headers.get('cache-control')).toBe('no-store');
    expect(first.body.items.map((t) => t.id)).toEqual(['tkt_5', 'tkt_4']);
    expect(first.body.items[0]).toStrictEqual({
      id: 'tkt_5',
      conversation: await conversation(5),
      subject: 'Subject 5',
      description: 'Description 5',
      priority: 'medium',
      createdAt: '2026-01-01T05:00:00.000Z',
      messageCount: 2,
    });
    expect(first.body.nextCursor).toEqual(expect.any(String));

    const ids: string[] = [];
    let cursor = first.body.nextCursor;
    while (cursor) {
      const page = await getJson<AdminPage<AdminTicketSummary>>(
        `${baseUrl}/api/admin/tickets?limit=2&cursor=${encodeURIComponent(cursor)}`,
      );
      ids.push(...page.body.items.map((t) => t.id));
      cursor = page.body.nextCursor;
    }
    expect(ids).toEqual(['tkt_3', 'tkt_2', 'tkt_1']);
  });

  it('defaults to 20 per page', async () => {
    for (let n = 1; n <= 23; n++) await createTicket(n);
    const baseUrl = await start(TOKEN);
    const page = await getJson<AdminPage<AdminTicketSummary>>(`${baseUrl}/api/admin/tickets`);
    expect(page.body.items).toHaveLength(20);
    expect(page.body.nextCursor).toBeDefined();
  });

  it('returns one ticket with its transcript, and 404 for an unknown id', async () => {
    await createTicket(7);
    const baseUrl = await start(TOKEN);
    const found = await getJson<AdminTicket>(`${baseUrl}/api/admin/tickets/tkt_7`);
    expect(found.status).toBe(200);
    expect(found.body.transcript.map((m) => m.text)).toEqual(['Question 7', 'Answer 7']);
    expect(found.body.conversation).toBe(await conversation(7));
    expect(found.body.conversation).toMatch(/^c_/);
    expect(JSON.stringify(found.body)).not.toContain('sess_7');

    const missing = await getJson<{ error: { code: string } }>(
      `${baseUrl}/api/admin/tickets/tkt_nope`,
    );
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('not_found');
  });

  it('pages feedback newest first', async () => {
    const [first, second] = [await conversation(1), await conversation(2)];
    clock.set(Date.parse('2026-01-02T00:00:00.000Z'));
    await store.feedback.save('sess_1', { messageId: 'msg_1', rating: 'up' });
    clock.set(Date.parse('2026-01-03T00:00:00.000Z'));
    await store.feedback.save('sess_2', {
      messageId: 'msg_2',
      rating: 'down',
      comment: 'Not helpful.',
    });
    const baseUrl = await start(TOKEN);
    const page = await getJson<AdminPage<AdminFeedback>>(`${baseUrl}/api/admin/feedback?limit=1`);
    expect(page.body.items).toStrictEqual([
      {
        messageId: 'msg_2',
        conversation: second,
        rating: 'down',
        comment: 'Not helpful.',
        createdAt: '2026-01-03T00:00:00.000Z',
      },
    ]);
    const next = await getJson<AdminPage<AdminFeedback>>(
      `${baseUrl}/api/admin/feedback?limit=1&cursor=${encodeURIComponent(page.body.nextCursor ?? '')}`,
    );
    expect(next.body).toStrictEqual({
      items: [
        {
          messageId: 'msg_1',
          conversation: first,
          rating: 'up',
          createdAt: '2026-01-02T00:00:00.000Z',
        },
      ],
    });
  });

  it.each([
    ['limit=0', 'limit'],
    ['limit=101', 'limit'],
    ['limit=abc', 'limit'],
    ['limit=2.5', 'limit'],
    ['cursor=', 'cursor'],
    ['cursor=not-a-cursor', 'cursor'],
  ])('answers ?%s with 400 invalid_request naming %s', async (query, field) => {
    const baseUrl = await start(TOKEN);
    for (const path of ['tickets', 'feedback']) {
      const res = await getJson<{ error: { code: string; issues?: { path: string }[] } }>(
        `${baseUrl}/api/admin/${path}?${query}`,
      );
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('invalid_request');
      expect(res.body.error.issues?.[0]?.path).toBe(field);
    }
  });

  it('refuses a missing or wrong token with 401 and a Bearer challenge', async () => {
    await createTicket(1);
    const baseUrl = await start(TOKEN);
    for (const headers of [
      {},
      { Authorization: 'Bearer wrong-token-0123456789' },
      { Authorization: TOKEN },
    ] as Record<string, string>[]) {
      for (const path of ['tickets', 'tickets/tkt_1', 'feedback']) {
        const res = await getJson<{ error: { code: string; message: string } }>(
          `${baseUrl}/api/admin/${path}`,
          headers,
        );
        expect(res.status).toBe(401);
        expect(res.headers.get('www-authenticate')).toMatch(/^Bearer /);
        expect(res.body.error.code).toBe('unauthorized');
        // Nothing of the data leaks into a refusal.
        expect(JSON.stringify(res.body)).not.toContain('Subject 1');
      }
    }
  });

  it('is disabled (404) when no admin token is configured, whatever the caller sends', async () => {
    await createTicket(1);
    const baseUrl = await start(undefined);
    const res = await getJson<{ error: { code: string } }>(`${baseUrl}/api/admin/tickets`, {
      Authorization: 'Bearer ',
    });
    expect(res.status).toBe(404);
    const withSomeToken = await getJson<{ error: { code: string } }>(
      `${baseUrl}/api/admin/tickets`,
      AUTH,
    );
    expect(withSomeToken.status).toBe(404);
  });
});
