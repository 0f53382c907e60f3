import type { Message } from '@parley/shared';
import { describeEachBackend } from '@parley/testkit/stores';
import { expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import type { StoredTurn } from './idempotency.js';

const RUNNING_TTL = 60_000;
const limits = { idempotencyTtlMs: 10 * 60_000 };

const message = (seq: number, role: Message['role'], text: string): Message => ({
  id: `msg_${seq}`,
  seq,
  role,
  text,
  createdAt: '2026-01-05T12:00:00.000Z',
});
const turn: StoredTurn = {
  question: message(1, 'user', 'Where is my order?'),
  answer: {
    ...message(2, 'assistant', 'It shipped.'),
    citations: [{ title: 'Shipping', url: 'https://help.example.com/shipping' }],
  },
};

await describeEachBackend('idempotency', (stores) => {
  it('goes started → running → done, and reports a key reused for another message', async () => {
    const store = await stores.open();
    await store.conversations.create('s1');
    const begin = (hash: string) => store.idempotency.begin('s1', 'k1', hash, RUNNING_TTL);
    expect(await begin('hash-a')).toEqual({ state: 'started' });
    expect(await begin('hash-a')).toEqual({ state: 'running' });
    expect(await begin('hash-b')).toEqual({ state: 'conflict' });

    await store.idempotency.complete('s1', 'k1', turn);
    expect(await begin('hash-a')).toEqual({ state: 'done', turn });
    expect(await begin('hash-b')).toEqual({ state: 'conflict' });
    // Abandoning only ever forgets a running record.
    await store.idempotency.abandon('s1', 'k1');
    expect(await begin('hash-a')).toEqual({ state: 'done', turn });
  });

  it('stores a turn without an answer (a message to people) as it was', async () => {
    const store = await stores.open();
    await store.conversations.create('s1');
    await store.idempotency.begin('s1', 'k1', 'hash', RUNNING_TTL);
    await store.idempotency.complete('s1', 'k1', { question: turn.question });
    expect(await store.idempotency.begin('s1', 'k1', 'hash', RUNNING_TTL)).toEqual({
      state: 'done',
      turn: { question: turn.question },
    });
  });

  it('lets an abandoned key be used again, for any message', async () => {
    const store = await stores.open();
    await store.conversations.create('s1');
    await store.idempotency.begin('s1', 'k1', 'hash-a', RUNNING_TTL);
    await store.idempotency.abandon('s1', 'k1');
    expect(await store.idempotency.begin('s1', 'k1', 'hash-b', RUNNING_TTL)).toEqual({
      state: 'started',
    });
    await store.idempotency.abandon('s1', 'never-used');
    await store.idempotency.abandon('unknown', 'k1');
  });

  it('hands the question of a failed turn to exactly one retry, and keeps it across failures', async () => {
    const store = await stores.open();
    await store.conversations.create('s1');
    const question = await store.log.append('s1', { role: 'user', text: 'hello' });
    const begin = (hash = 'hash-a') => store.idempotency.begin('s1', 'k1', hash, RUNNING_TTL);
    await begin();
    await store.idempotency.fail('s1', 'k1', { question, liveEvents: 7 });
    const [first, second] = await Promise.all([begin(), begin()]);
    expect([first, second].map((o) => o.state).sort()).toEqual(['retry', 'running']);
    expect([first, second].find((o) => o.state === 'retry')).toEqual({
      state: 'retry',
      question,
      liveEvents: 7,
    });
    // The retry failed too: the next one gets the question again; another message is a conflict.
    await store.idempotency.fail('s1', 'k1', { question, liveEvents: 12 });
    expect(await begin('hash-b')).toEqual({ state: 'conflict' });
    expect(await begin()).toEqual({ state: 'retry', question, liveEvents: 12 });
    await store.idempotency.complete('s1', 'k1', { question });
    expect(await begin()).toEqual({ state: 'done', turn: { question } });
  });

  it('scopes keys to their conversation', async () => {
    const store = await stores.open();
    await store.conversations.create('s1');
    await store.conversations.create('s2');
    await store.idempotency.begin('s1', 'k1', 'hash-a', RUNNING_TTL);
    expect(await store.idempotency.begin('s2', 'k1', 'hash-b', RUNNING_TTL)).toEqual({
      state: 'started',
    });
  });

  it('hands the question to the next retry when a retry died with its instance', async () => {
    const clock = new ManualClock();
    const store = await stores.open({ clock, limits });
    await store.conversations.create('s1');
    const question = turn.question;
    await store.idempotency.begin('s1', 'k1', 'hash', RUNNING_TTL);
    await store.idempotency.fail('s1', 'k1', { question, liveEvents: 3 });
    // The retry takes it over, then its instance dies: the record stays running.
    expect((await store.idempotency.begin('s1', 'k1', 'hash', RUNNING_TTL)).state).toBe('retry');
    // Taken over with the turn lock free (turns.ts), the question comes with it.
    expect(await store.idempotency.restart('s1', 'k1', RUNNING_TTL)).toEqual({
      question,
      liveEvents: 3,
    });
    // Taken over once it expired, too; another message with the key after that starts afresh.
    clock.advance(RUNNING_TTL);
    expect(await store.idempotency.begin('s1', 'k1', 'hash', RUNNING_TTL)).toEqual({
      state: 'retry',
      question,
      liveEvents: 3,
    });
    clock.advance(RUNNING_TTL);
    expect(await store.idempotency.begin('s1', 'k1', 'other', RUNNING_TTL)).toEqual({
      state: 'started',
    });
  });

  it('lets exactly one of two callers take over a running record that expired', async () => {
    const clock = new ManualClock();
    const store = await stores.open({ clock, limits });
    await store.conversations.create('s1');
    await store.idempotency.begin('s1', 'k1', 'hash', RUNNING_TTL);
    clock.advance(RUNNING_TTL - 1);
    expect(await store.idempotency.begin('s1', 'k1', 'hash', RUNNING_TTL)).toEqual({
      state: 'running',
    });
    clock.advance(1);
    const outcomes = await Promise.all([
      store.idempotency.begin('s1', 'k1', 'hash', RUNNING_TTL),
      store.idempotency.begin('s1', 'k1', 'hash', RUNNING_TTL),
    ]);
    expect(outcomes.map((o) => o.state).sort()).toEqual(['running', 'started']);
  });

  if (stores.backend === 'postgres')
    it('lets exactly one of two instances take over an expired running record', async () => {
      const clock = new ManualClock();
      const first = await stores.open({ clock, limits });
      const second = await stores.open({ clock, limits, fresh: false });
      await first.conversations.create('s1');
      for (let round = 0; round < 10; round++) {
        const key = `k${round}`;
        await first.idempotency.begin('s1', key, 'hash', RUNNING_TTL);
        clock.advance(RUNNING_TTL);
        const outcomes = await Promise.all([
          first.idempotency.begin('s1', key, 'hash', RUNNING_TTL),
          second.idempotency.begin('s1', key, 'hash', RUNNING_TTL),
        ]);
        expect(outcomes.map((o) => o.state).sort()).toEqual(['running', 'started']);
      }
    });

  it('keeps a completed turn for the idempotency TTL, counted from completion', async () => {
    const clock = new ManualClock();
    const store = await stores.open({ clock, limits });
    await store.conversations.create('s1');
    await store.idempotency.begin('s1', 'k1', 'hash-a', RUNNING_TTL);
    clock.advance(RUNNING_TTL / 2);
    await store.idempotency.complete('s1', 'k1', turn);
    clock.advance(limits.idempotencyTtlMs - 1);
    expect((await store.idempotency.begin('s1', 'k1', 'hash-a', RUNNING_TTL)).state).toBe('done');
    clock.advance(1);
    expect(await store.idempotency.begin('s1', 'k1', 'hash-b', RUNNING_TTL)).toEqual({
      state: 'started',
    });
  });
});
