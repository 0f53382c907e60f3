import { ManualClock } from '@parley/server';
import type { OperatorConversation, OperatorConversationList, StreamEvent } from '@parley/shared';
import { startTestApp, type TestApp } from '@parley/testkit/app';
import {
  followEvents,
  getHistory,
  sendChat,
  streamChat,
  tokenOf,
} from '@parley/testkit/chat-client';
import { afterEach, describe, expect, it } from 'vitest';
import { AUTH_FAILURES_PER_WINDOW } from '../http/rate-limits.js';

const ADMIN = '8c1f0e4b9a7d23e6f5b0c9d8a7e6f5d4';
/** Tuesday 6 January 2026, 15:00 UTC: 10:00 in New York, inside the default business hours. */
const OPEN = Date.UTC(2026, 0, 6, 15);
/** The same Tuesday, 03:00 UTC: 22:00 on Monday in New York, closed. */
const CLOSED = Date.UTC(2026, 0, 6, 3);

let app: TestApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function start(at = OPEN, env: Record<string, string> = {}): Promise<TestApp> {
  app = await startTestApp({
    clock: new ManualClock(at),
    env: { PARLEY_ADMIN_TOKEN: ADMIN, ...env },
  });
  return app;
}

function operator(baseUrl: string) {
  const call = async <T>(
    path: string,
    init: RequestInit = {},
  ): Promise<{ status: number; body: T }> => {
    const response = await fetch(`${baseUrl}/api/operator${path}`, {
      ...init,
      headers: {
        Authorization: `Bearer ${ADMIN}`,
        'Content-Type': 'application/json',
        ...init.headers,
      },
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
  };
  return {
    list: (query = '') => call<OperatorConversationList>(`/conversations${query}`),
    get: (id: string) => call<OperatorConversation>(`/conversations/${id}`),
    join: (id: string, name = 'Dana') =>
      call(`/conversations/${id}/join`, { method: 'POST', body: JSON.stringify({ name }) }),
    reply: (id: string, text: string, name = 'Dana') =>
      call(`/conversations/${id}/messages`, {
        method: 'POST',
        body: JSON.stringify({ text, name }),
      }),
    release: (id: string) => call(`/conversations/${id}/release`, { method: 'POST' }),
    close: (id: string) => call(`/conversations/${id}/close`, { method: 'POST' }),
  };
}

const statusOf = (events: StreamEvent[]) =>
  events.filter((e) => e.event === 'status').map((e) => e.event === 'status' && e.data.status);

describe('asking for a person in business hours', () => {
  it('puts the conversation in the waiting list, first, and tells the visitor', async () => {
    const { baseUrl } = await start();
    const other = await sendChat(baseUrl, { message: 'How do I reset my password?' });
    expect(other.status).toBe(200);
    const chat = await streamChat(baseUrl, 'I want to talk to a human');
    expect(chat.status).toBe(200);
    const done = chat.events.find((e) => e.event === 'done');
    expect(done?.event === 'done' && done.data.text).toMatch(/asked a person from our team/);
    expect(done?.event === 'done' && done.data.toolsUsed).toEqual(['request_human']);
    expect(statusOf(chat.events)).toEqual(['waiting']);

    const inbox = await operator(baseUrl).list();
    expect(inbox.status).toBe(200);
    expect(inbox.body.items.map((c) => c.status)).toEqual(['waiting', 'bot']);
    expect(inbox.body.items[0]?.waitingSince).toBe(new Date(OPEN).toISOString());
    const history = await getHistory(baseUrl, { token: tokenOf(chat)! });
    expect(history.body.conversation.status).toBe('waiting');
  });

  it('lets an operator join and answer; the visitor gets the reply live, with the name', async () => {
    const { baseUrl } = await start();
    const chat = await streamChat(baseUrl, 'Can I speak to a real person please?');
    const token = tokenOf(chat)!;
    const id = (await operator(baseUrl).list('?status=waiting')).body.items[0]!.id;

    const stop = new AbortController();
    const seen: StreamEvent[] = [];
    const following = followEvents(baseUrl, {
      token,
      signal: stop.signal,
      onEvent: (event) => seen.push(event),
    }).catch(() => undefined);
    await until(() => seen.some((e) => e.event === 'status'));

    expect((await operator(baseUrl).join(id)).status).toBe(200);
    const reply = await operator(baseUrl).reply(id, 'Hi, I am Dana. How can I help?');
    expect(reply.status).toBe(201);
    await until(() => seen.some((e) => e.event === 'message'));
    stop.abort();
    await following;

    const message = seen.find((e) => e.event === 'message');
    expect(message?.event === 'message' && message.data).toMatchObject({
      role: 'operator',
      text: 'Hi, I am Dana. How can I help?',
      author: { name: 'Dana' },
    });
    expect(statusOf(seen)).toContain('human');
    const human = seen.filter((e) => e.event === 'status').at(-1);
    expect(human?.event === 'status' && human.data.operator).toEqual({ name: 'Dana' });
  });

  it('stores visitor messages without a model call while a person handles the conversation', async () => {
    const { baseUrl } = await start();
    const chat = await streamChat(baseUrl, 'I want to talk to a human');
    const token = tokenOf(chat)!;
    const id = (await operator(baseUrl).list()).body.items[0]!.id;
    await operator(baseUrl).join(id);

    const forwarded = await sendChat(
      baseUrl,
      { message: 'My order 1234 never arrived' },
      { token },
    );
    expect(forwarded.status).toBe(200);
    expect(forwarded.body.answer).toBeUndefined();
    expect(forwarded.body.conversation).toMatchObject({
      status: 'human',
      operator: { name: 'Dana' },
    });

    const detail = await operator(baseUrl).get(id);
    expect(detail.body.messages.at(-1)).toMatchObject({
      role: 'user',
      text: 'My order 1234 never arrived',
    });
    expect(detail.body.messages.filter((m) => m.role === 'assistant')).toHaveLength(1);
  });

  it('gives the conversation back to the assistant, which answers again', async () => {
    const { baseUrl } = await start();
    const token = tokenOf(await streamChat(baseUrl, 'I want to talk to a human'))!;
    const id = (await operator(baseUrl).list()).body.items[0]!.id;
    await operator(baseUrl).join(id);
    expect((await operator(baseUrl).release(id)).status).toBe(200);
    const after = await sendChat(baseUrl, { message: 'How do I reset my password?' }, { token });
    expect(after.body.answer?.role).toBe('assistant');
    expect(after.body.conversation.status).toBe('bot');
  });

  it('refuses a second operator taking over a conversation someone handles', async () => {
    const { baseUrl } = await start();
    await streamChat(baseUrl, 'I want to talk to a human');
    const id = (await operator(baseUrl).list()).body.items[0]!.id;
    expect((await operator(baseUrl).join(id, 'Dana')).status).toBe(200);
    // Token callers are all `api`; the same caller joining again is fine.
    expect((await operator(baseUrl).join(id, 'Dana')).status).toBe(200);
    expect((await operator(baseUrl).close(id)).status).toBe(200);
    expect((await operator(baseUrl).reply(id, 'hello?')).status).toBe(409);
  });
});

describe('asking for a person outside business hours', () => {
  it('opens a ticket with the transcript and asks for an email address in the widget', async () => {
    const { baseUrl } = await start(CLOSED);
    const chat = await streamChat(baseUrl, 'I want to talk to a human');
    const done = chat.events.find((e) => e.event === 'done');
    expect(done?.event === 'done' && done.data.ticketId).toMatch(/^T-[A-Z2-7]{8}$/);
    expect(done?.event === 'done' && done.data.text).toMatch(
      /offline right now.*ticket T-.*leave your email/s,
    );
    expect(chat.events.find((e) => e.event === 'contact')).toEqual({
      event: 'contact',
      data: { reason: 'after_hours' },
    });
    expect(statusOf(chat.events)).toEqual([]);
    const inbox = await operator(baseUrl).list();
    expect(inbox.body.items[0]?.status).toBe('bot');
  });
});

describe('contact details', () => {
  it('go to the conversation and its tickets, never to the model', async () => {
    const { baseUrl, store } = await start(CLOSED);
    const chat = await streamChat(baseUrl, 'I want to talk to a human');
    const token = tokenOf(chat)!;
    const leave = (email: string, name: string) =>
      fetch(`${baseUrl}/api/chat/contact`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          Authorization: `Bearer ${token}`,
          Origin: baseUrl,
        },
        body: JSON.stringify({ email, name }),
      });
    // A typo corrected twice: the last address counts, the model hears of it once.
    for (const email of ['sam@exmaple.com', 'sam@example.co']) {
      expect((await leave(email, 'Sam')).status).toBe(200);
    }
    const response = await leave('sam@example.com', 'Sam');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ conversation: { status: 'bot', contactKnown: true } });
    const id = (await operator(baseUrl).list()).body.items[0]!.id;
    const detail = await operator(baseUrl).get(id);
    expect(detail.body.contact).toEqual({ email: 'sam@example.com', name: 'Sam' });
    expect(detail.body.tickets[0]?.contact).toEqual({ email: 'sam@example.com', name: 'Sam' });
    const conversation = await store.conversations.byPublicId(id);
    const items = await store.items.recent(conversation!.id, 100);
    expect(JSON.stringify(items)).not.toContain('sam@example.com');
    expect(JSON.stringify(items)).not.toContain('sam@exmaple.com');
    expect(items.filter((item) => JSON.stringify(item).includes('contact details'))).toHaveLength(
      1,
    );
  });

  it('refuses an address that is not one, and needs a conversation', async () => {
    const { baseUrl } = await start();
    const token = tokenOf(await streamChat(baseUrl, 'hello'))!;
    const post = (body: unknown, auth?: string) =>
      fetch(`${baseUrl}/api/chat/contact`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          Origin: baseUrl,
          ...(auth ? { Authorization: `Bearer ${auth}` } : {}),
        },
        body: JSON.stringify(body),
      });
    expect((await post({ email: 'not an address' }, token)).status).toBe(400);
    expect(
      (await post({ email: 'sam@example.com', name: 'Sam\r\nBcc: x@evil.example' }, token)).status,
    ).toBe(400);
    expect((await post({ email: 'sam@example.com' })).status).toBe(401);
  });
});

describe('the operator API', () => {
  it('answers 401 with WWW-Authenticate to wrong or missing credentials', async () => {
    const { baseUrl } = await start();
    const attempts: Record<string, string>[] = [
      {},
      { Authorization: 'Bearer wrong-token-0123456789' },
    ];
    for (const headers of attempts) {
      const response = await fetch(`${baseUrl}/api/operator/conversations`, { headers });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }
  });

  it('throttles guessed tokens, but never counts requests without credentials (any page can send those)', async () => {
    const { baseUrl } = await start();
    const inbox = (headers: Record<string, string> = {}) =>
      fetch(`${baseUrl}/api/operator/conversations`, { headers }).then((r) => r.status);
    // What an <img> on a hostile page makes the operator's browser send: no Authorization.
    for (let i = 0; i < AUTH_FAILURES_PER_WINDOW + 5; i++) expect(await inbox()).toBe(401);
    expect((await operator(baseUrl).list()).status).toBe(200);

    const guess = { Authorization: 'Bearer wrong-token-0123456789' };
    for (let i = 0; i < AUTH_FAILURES_PER_WINDOW; i++) expect(await inbox(guess)).toBe(401);
    expect(await inbox(guess)).toBe(429);
  });

  it('does not exist without a token or operator accounts', async () => {
    app = await startTestApp({ clock: new ManualClock(OPEN) });
    const response = await fetch(`${app.baseUrl}/api/operator/conversations`, {
      headers: { Authorization: `Bearer ${ADMIN}` },
    });
    expect(response.status).toBe(404);
  });

  it('finds conversations by message text and by contact', async () => {
    const { baseUrl } = await start();
    await sendChat(baseUrl, { message: 'Where is my parcel with the blue lamp?' });
    await sendChat(baseUrl, { message: 'How do I reset my password?' });
    const found = await operator(baseUrl).list('?q=blue%20lamp');
    expect(found.body.items).toHaveLength(1);
    expect((await operator(baseUrl).list('?q=100%25')).body.items).toHaveLength(0);
  });

  it('pages the inbox with a cursor and refuses a forged one', async () => {
    const { baseUrl } = await start();
    for (let i = 0; i < 5; i++) await sendChat(baseUrl, { message: `question ${i}` });
    const first = await operator(baseUrl).list('?limit=2');
    expect(first.body.items).toHaveLength(2);
    const ids = new Set(first.body.items.map((c) => c.id));
    let cursor = first.body.nextCursor;
    while (cursor) {
      const page = await operator(baseUrl).list(`?limit=2&cursor=${cursor}`);
      for (const item of page.body.items) ids.add(item.id);
      cursor = page.body.nextCursor;
    }
    expect(ids.size).toBe(5);
    expect((await operator(baseUrl).list('?cursor=bm9wZQ')).status).toBe(400);
  });
});

async function until(check: () => boolean, timeoutMs = 3_000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
