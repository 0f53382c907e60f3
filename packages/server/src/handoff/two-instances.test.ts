import { ManualClock } from '@parley/server';
import type { OperatorConversationList, StreamEvent } from '@parley/shared';
import { startTestApp, type TestApp } from '@parley/testkit/app';
import { followEvents, sendChat, streamChat, tokenOf } from '@parley/testkit/chat-client';
import {
  createScratchDatabase,
  describeWithPostgres,
  type ScratchDatabase,
} from '@parley/testkit/postgres';
import { redisTestUrl } from '@parley/testkit/redis';
import { afterEach, beforeEach, expect, it } from 'vitest';

const ADMIN = '8c1f0e4b9a7d23e6f5b0c9d8a7e6f5d4';
/** Tuesday 10:00 in New York: inside the default business hours. */
const OPEN = Date.UTC(2026, 0, 6, 15);

let scratch: ScratchDatabase | undefined;
const apps: TestApp[] = [];
beforeEach(async () => {
  scratch = await createScratchDatabase();
});
afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
  await scratch?.drop();
});

async function instances(env: Record<string, string> = {}): Promise<[TestApp, TestApp]> {
  const start = () =>
    startTestApp({
      clock: new ManualClock(OPEN),
      env: { PARLEY_STORE: scratch!.url, PARLEY_ADMIN_TOKEN: ADMIN, ...env },
    });
  const a = await start();
  apps.push(a);
  const b = await start();
  apps.push(b);
  return [a, b];
}

async function theLoop(a: TestApp, b: TestApp) {
  // The visitor talks to instance A and asks for a person.
  const token = tokenOf(await streamChat(a.baseUrl, 'Can I talk to a real person?'))!;
  // An operator on instance B sees them waiting and takes over.
  const inbox = await fetch(`${b.baseUrl}/api/operator/conversations?status=waiting`, {
    headers: { Authorization: `Bearer ${ADMIN}` },
  });
  const waiting = ((await inbox.json()) as OperatorConversationList).items;
  expect(waiting).toHaveLength(1);
  const id = waiting[0]!.id;
  const stop = new AbortController();
  const seen: Array<{ event: StreamEvent; at: number }> = [];
  const following = followEvents(a.baseUrl, {
    token,
    signal: stop.signal,
    onEvent: (event) => seen.push({ event, at: Date.now() }),
  }).catch(() => undefined);
  while (!seen.some((s) => s.event.event === 'status')) await new Promise((r) => setTimeout(r, 10));

  const post = (path: string, body: unknown) =>
    fetch(`${b.baseUrl}/api/operator/conversations/${id}${path}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${ADMIN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
  expect((await post('/join', { name: 'Dana' })).status).toBe(200);
  const sentAt = Date.now();
  expect((await post('/messages', { text: 'Hello from instance B', name: 'Dana' })).status).toBe(
    201,
  );
  while (!seen.some((s) => s.event.event === 'message' && s.event.data.role === 'operator')) {
    if (Date.now() - sentAt > 2_000)
      throw new Error('the reply did not reach the visitor within 2 s');
    await new Promise((r) => setTimeout(r, 10));
  }
  const arrived = seen.find(
    (s) => s.event.event === 'message' && s.event.data.role === 'operator',
  )!;
  stop.abort();
  await following;

  // The visitor answers on A: no model call, the operator on B reads it.
  const answer = await sendChat(a.baseUrl, { message: 'Thanks Dana, order 1234' }, { token });
  expect(answer.body.answer).toBeUndefined();
  const detail = await fetch(`${b.baseUrl}/api/operator/conversations/${id}`, {
    headers: { Authorization: `Bearer ${ADMIN}` },
  });
  const messages = ((await detail.json()) as { messages: Array<{ role: string; text: string }> })
    .messages;
  expect(messages.at(-1)).toMatchObject({ role: 'user', text: 'Thanks Dana, order 1234' });

  // Handed back on B, the assistant answers on A again.
  expect((await post('/release', {})).status).toBe(200);
  const after = await sendChat(a.baseUrl, { message: 'How do I reset my password?' }, { token });
  expect(after.body.answer?.role).toBe('assistant');
  return arrived.at - sentAt;
}

await describeWithPostgres('the human loop across two instances on one PostgreSQL database', () => {
  it('reaches a visitor on one instance from an operator on the other (LISTEN/NOTIFY)', async () => {
    const [a, b] = await instances();
    expect(await theLoop(a, b)).toBeLessThan(2_000);
  });

  it('does the same through Redis pub/sub when PARLEY_REDIS_URL is set', async () => {
    const [a, b] = await instances({
      PARLEY_REDIS_URL: redisTestUrl,
      PARLEY_REDIS_PREFIX: `parley-test:${Date.now()}:`,
    });
    expect(a.coordination.kind).toBe('redis');
    expect(await theLoop(a, b)).toBeLessThan(2_000);
  });
});
