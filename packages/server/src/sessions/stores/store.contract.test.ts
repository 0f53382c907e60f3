import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AgentInputItem } from '@openai/agents';
import type { HistoryMessage } from '@parley/shared';
import Database from 'better-sqlite3';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../clock.js';
import { deleteRedisKeys, describeWithRedis, redisTestUrl } from '../../test-support/redis.js';
import type { FeedbackRecord, ParleyStore, StoredReply, StoreLimits, Ticket } from '../store.js';
import { InvalidCursorError, SessionNotFoundError } from '../store-errors.js';
import { MemoryStore } from './memory-store.js';
import { RedisStore } from './redis-store.js';
import { migrate, SQLITE_MIGRATIONS } from './sqlite-migrations.js';
import { SqliteStore } from './sqlite-store.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** Long enough that Redis's real TTLs never fire during the shared suite; time moves by the clock. */
const LIMITS: StoreLimits = {
  sessionTtlMs: 30 * MINUTE,
  sessionMaxAgeMs: 24 * HOUR,
  idempotencyTtlMs: 10 * MINUTE,
};

interface StoreHarness {
  store: ParleyStore;
  clock: ManualClock;
  /** True when turn locks expire by real time (Redis PX), so the test must wait as well. */
  locksExpireInRealTime: boolean;
  /**
   * True when `purgeExpired` is what deletes ended sessions. False for Redis, whose own TTLs do
   * it in real time (a moved ManualClock makes data unreadable at once, but Redis frees it later).
   */
  purgeDeletes: boolean;
  /** Rows or keys still holding this session's data, for stores whose storage can be inspected. */
  leftovers?: (sessionId: string) => Promise<number>;
  cleanup: () => Promise<void>;
}

type MakeStore = (limits: StoreLimits) => Promise<StoreHarness>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const userItem = (text: string): AgentInputItem => ({
  type: 'message',
  role: 'user',
  content: text,
});
/** A rich item: nested objects and an empty array, which a careless encoder would mangle. */
const callItem = (callId: string): AgentInputItem => ({
  type: 'function_call',
  callId,
  name: 'lookup_order',
  arguments: JSON.stringify({ orderId: 'A1', tags: [] }),
  status: 'completed',
  providerData: { nested: { list: [], flag: false, unicode: 'ünï €' } },
});

function message(id: string, role: 'user' | 'assistant', content: string): HistoryMessage {
  return { id, role, content, createdAt: '2026-01-05T12:00:00.000Z' };
}

function ticket(id: string, sessionId: string, createdAt: string): Ticket {
  return {
    id,
    sessionId,
    subject: `Subject ${id}`,
    description: 'Printer on fire',
    priority: 'high',
    createdAt,
    transcript: [
      message('m1', 'user', 'help'),
      { ...message('m2', 'assistant', 'ok'), toolsUsed: [] },
    ],
  };
}

const reply: StoredReply = {
  messageId: 'm-2',
  reply: 'Your order shipped.',
  toolsUsed: [],
  citations: [{ title: 'Shipping', url: 'https://example.com/shipping' }],
};

/** Reads every page of a listing, newest first, checking that pages link up. */
async function readAllPages<T>(
  list: (options: {
    limit: number;
    cursor?: string;
  }) => Promise<{ items: T[]; nextCursor?: string }>,
  limit: number,
): Promise<T[]> {
  const all: T[] = [];
  let cursor: string | undefined;
  for (let guard = 0; guard < 100; guard++) {
    const page = await list(cursor === undefined ? { limit } : { limit, cursor });
    expect(page.items.length).toBeLessThanOrEqual(limit);
    all.push(...page.items);
    if (page.nextCursor === undefined) return all;
    cursor = page.nextCursor;
  }
  throw new Error('paging did not end');
}

/**
 * The behaviour every {@link ParleyStore} must have, run against each implementation. Time moves
 * with a ManualClock; where a backend's own timer is the point (Redis lock PX), the harness says
 * so and the test also waits in real time.
 */
function describeStoreContract(name: string, makeStore: MakeStore): void {
  describe(`${name} (store contract)`, () => {
    let h: StoreHarness;
    let store: ParleyStore;
    let clock: ManualClock;

    beforeEach(async () => {
      h = await makeStore(LIMITS);
      store = h.store;
      clock = h.clock;
    });
    afterEach(async () => {
      await h.cleanup();
    });

    describe('sessions', () => {
      it('creates, reads and touches a session with clock times', async () => {
        const created = await store.createSession('s1');
        const start = clock.now();
        expect(created).toEqual({ id: 's1', createdAt: start, lastSeenAt: start });
        expect(await store.getSession('s1')).toEqual(created);
        expect(await store.getSession('unknown')).toBeUndefined();

        clock.advance(5 * MINUTE);
        await store.touchSession('s1');
        expect(await store.getSession('s1')).toEqual({
          id: 's1',
          createdAt: start,
          lastSeenAt: start + 5 * MINUTE,
        });
        await store.touchSession('unknown');
        expect(await store.getSession('unknown')).toBeUndefined();
      });

      it('createSession starts a fresh, empty session', async () => {
        await store.createSession('s1');
        await store.addItems('s1', [userItem('old')]);
        await store.createSession('s1');
        expect(await store.countItems('s1')).toBe(0);
      });

      it('expires an idle session; touching extends it, but never revives it', async () => {
        await store.createSession('s1');
        await store.addItems('s1', [userItem('hi')]);
        await store.appendMessage('s1', message('m1', 'user', 'hi'));

        clock.advance(LIMITS.sessionTtlMs - 1);
        await store.touchSession('s1');
        clock.advance(LIMITS.sessionTtlMs - 1);
        expect(await store.getSession('s1')).toBeDefined();
        expect(await store.countItems('s1')).toBe(1);

        clock.advance(1);
        expect(await store.getSession('s1')).toBeUndefined();
        expect(await store.getItems('s1')).toEqual([]);
        expect(await store.getTranscript('s1')).toEqual([]);
        expect(await store.countItems('s1')).toBe(0);
        await store.touchSession('s1');
        expect(await store.getSession('s1')).toBeUndefined();
        await expect(store.addItems('s1', [userItem('again')])).rejects.toBeInstanceOf(
          SessionNotFoundError,
        );
        await expect(store.appendMessage('s1', message('m2', 'user', 'x'))).rejects.toBeInstanceOf(
          SessionNotFoundError,
        );
      });

      it('expires a session at its absolute maximum age however busy it is', async () => {
        await store.createSession('s1');
        const step = LIMITS.sessionTtlMs / 2;
        for (let elapsed = step; elapsed < LIMITS.sessionMaxAgeMs; elapsed += step) {
          clock.advance(step);
          await store.touchSession('s1');
          expect(await store.getSession('s1')).toBeDefined();
        }
        clock.advance(step);
        expect(await store.getSession('s1')).toBeUndefined();
        await store.touchSession('s1');
        expect(await store.getSession('s1')).toBeUndefined();
      });

      it('deleteSession erases items, transcript and idempotency but keeps tickets and feedback', async () => {
        await store.createSession('s1');
        await store.addItems('s1', [userItem('hi'), callItem('c1')]);
        await store.appendMessage('s1', message('m1', 'user', 'hi'));
        await store.beginIdempotent('s1', 'k1', 'h1');
        await store.completeIdempotent('s1', 'k1', reply);
        await store.createTicket(ticket('t1', 's1', '2026-01-05T12:00:00.000Z'));
        await store.saveFeedback({
          sessionId: 's1',
          messageId: 'm1',
          rating: 'up',
          createdAt: '2026-01-05T12:00:00.000Z',
        });

        await store.deleteSession('s1');
        expect(await store.getSession('s1')).toBeUndefined();
        expect(await store.getItems('s1')).toEqual([]);
        expect(await store.getTranscript('s1')).toEqual([]);
        expect(await store.countItems('s1')).toBe(0);
        await expect(store.beginIdempotent('s1', 'k1', 'h1')).rejects.toBeInstanceOf(
          SessionNotFoundError,
        );
        await expect(store.addItems('s1', [userItem('late')])).rejects.toBeInstanceOf(
          SessionNotFoundError,
        );
        await store.touchSession('s1');
        expect(await store.getSession('s1')).toBeUndefined();
        if (h.leftovers) expect(await h.leftovers('s1')).toBe(0);

        expect((await store.getTicket('t1'))?.sessionId).toBe('s1');
        expect(await store.countTickets('s1')).toBe(1);
        expect((await store.listFeedback({ limit: 10 })).items).toHaveLength(1);
      });

      it('purgeExpired removes ended sessions and keeps live ones', async () => {
        await store.createSession('old');
        await store.addItems('old', [userItem('x')]);
        clock.advance(LIMITS.sessionTtlMs / 2);
        await store.createSession('new');
        clock.advance(LIMITS.sessionTtlMs / 2);

        const removed = await store.purgeExpired();
        expect(removed).toBeGreaterThanOrEqual(0);
        expect(await store.getSession('old')).toBeUndefined();
        expect(await store.getSession('new')).toBeDefined();
        if (h.leftovers && h.purgeDeletes) expect(await h.leftovers('old')).toBe(0);
      });

      it('answers ping', async () => {
        await expect(store.ping()).resolves.toBeUndefined();
      });
    });

    describe('model items', () => {
      it('adds, reads (oldest first, with limit), counts, pops and clears', async () => {
        await store.createSession('s1');
        const items = [userItem('1'), callItem('c1'), userItem('2'), userItem('3')];
        await store.addItems('s1', items.slice(0, 2));
        await store.addItems('s1', items.slice(2));
        await store.addItems('s1', []);

        expect(await store.getItems('s1')).toEqual(items);
        expect(await store.getItems('s1', 2)).toEqual(items.slice(2));
        expect(await store.getItems('s1', 10)).toEqual(items);
        expect(await store.getItems('s1', 0)).toEqual([]);
        expect(await store.countItems('s1')).toBe(4);

        expect(await store.popItem('s1')).toEqual(userItem('3'));
        expect(await store.countItems('s1')).toBe(3);
        expect(await store.getItems('s1')).toEqual(items.slice(0, 3));

        await store.clearItems('s1');
        expect(await store.countItems('s1')).toBe(0);
        expect(await store.popItem('s1')).toBeUndefined();
        // A cleared session is still a session.
        expect(await store.getSession('s1')).toBeDefined();
      });

      it('keeps sessions apart and copes with a large batch', async () => {
        await store.createSession('a');
        await store.createSession('b');
        const many = Array.from({ length: 1200 }, (_, i) => userItem(`m${i}`));
        await store.addItems('a', many);
        await store.addItems('b', [userItem('only b')]);
        expect(await store.countItems('a')).toBe(1200);
        expect(await store.getItems('a', 1)).toEqual([userItem('m1199')]);
        expect(await store.getItems('b')).toEqual([userItem('only b')]);
        expect(await store.popItem('unknown')).toBeUndefined();
        expect(await store.getItems('unknown')).toEqual([]);
      });
    });

    describe('transcript', () => {
      it('keeps messages in order with their optional fields', async () => {
        await store.createSession('s1');
        const messages: HistoryMessage[] = [
          message('m1', 'user', 'Where is my order?'),
          {
            ...message('m2', 'assistant', 'It shipped.'),
            toolsUsed: ['lookup_order'],
            citations: [{ title: 'Shipping', url: 'https://example.com/s' }],
            ticketId: 't1',
          },
          message('m3', 'user', 'Thanks'),
        ];
        for (const m of messages) await store.appendMessage('s1', m);
        expect(await store.getTranscript('s1')).toEqual(messages);
        expect(await store.getTranscript('other')).toEqual([]);
      });
    });

    describe('tickets', () => {
      it('creates, counts and reads tickets', async () => {
        const t1 = ticket('t1', 's1', '2026-01-05T12:00:00.000Z');
        await store.createTicket(t1);
        await store.createTicket(ticket('t2', 's1', '2026-01-05T12:01:00.000Z'));
        await store.createTicket(ticket('t3', 's2', '2026-01-05T12:02:00.000Z'));
        expect(await store.getTicket('t1')).toEqual(t1);
        expect(await store.getTicket('nope')).toBeUndefined();
        expect(await store.countTickets('s1')).toBe(2);
        expect(await store.countTickets('s2')).toBe(1);
        expect(await store.countTickets('s3')).toBe(0);
      });

      it('lists newest first across pages, ties in time broken by id', async () => {
        const times = [
          '2026-01-05T12:00:00.000Z',
          '2026-01-05T12:03:00.000Z',
          '2026-01-05T12:01:00.000Z',
        ];
        const ids: string[] = [];
        for (let i = 0; i < 7; i++) {
          const id = `t${i}`;
          ids.push(id);
          // t0..t6 over three distinct times, so several tickets share a timestamp.
          await store.createTicket(ticket(id, 's1', times[i % 3]!));
        }
        const expected = [...ids].sort((a, b) => {
          const byTime = times[Number(b.slice(1)) % 3]!.localeCompare(
            times[Number(a.slice(1)) % 3]!,
          );
          return byTime !== 0 ? byTime : b.localeCompare(a);
        });

        const first = await store.listTickets({ limit: 3 });
        expect(first.items.map((t) => t.id)).toEqual(expected.slice(0, 3));
        expect(first.nextCursor).toBeDefined();
        const all = await readAllPages((o) => store.listTickets(o), 3);
        expect(all.map((t) => t.id)).toEqual(expected);

        // A ticket created while paging is not repeated on later pages.
        await store.createTicket(ticket('t-new', 's1', '2026-01-05T13:00:00.000Z'));
        const second = await store.listTickets({ limit: 3, cursor: first.nextCursor! });
        expect(second.items.map((t) => t.id)).toEqual(expected.slice(3, 6));

        const exact = await store.listTickets({ limit: 8 });
        expect(exact.items).toHaveLength(8);
        expect(exact.nextCursor).toBeUndefined();
      });

      it('rejects a cursor it never issued', async () => {
        await expect(store.listTickets({ limit: 3, cursor: 'bogus!' })).rejects.toBeInstanceOf(
          InvalidCursorError,
        );
        await expect(store.listFeedback({ limit: 3, cursor: 'Zm9v' })).rejects.toBeInstanceOf(
          InvalidCursorError,
        );
      });
    });

    describe('feedback', () => {
      it('stores one rating per message, replacing it on a second save, newest first', async () => {
        const at = (minute: number) => `2026-01-05T12:0${minute}:00.000Z`;
        const records: FeedbackRecord[] = [
          { sessionId: 's1', messageId: 'm1', rating: 'up', createdAt: at(0) },
          { sessionId: 's1', messageId: 'm2', rating: 'down', comment: 'wrong', createdAt: at(1) },
          { sessionId: 's2', messageId: 'm1', rating: 'up', createdAt: at(2) },
        ];
        for (const record of records) await store.saveFeedback(record);
        const changed: FeedbackRecord = {
          ...records[0]!,
          rating: 'down',
          comment: 'changed my mind',
          createdAt: at(3),
        };
        await store.saveFeedback(changed);

        const page = await store.listFeedback({ limit: 10 });
        expect(page.items).toEqual([changed, records[2], records[1]]);
        expect(page.nextCursor).toBeUndefined();
        const paged = await readAllPages((o) => store.listFeedback(o), 2);
        expect(paged).toEqual(page.items);
      });
    });

    describe('idempotency', () => {
      it('goes started → running → done, and reports conflicts', async () => {
        await store.createSession('s1');
        expect(await store.beginIdempotent('s1', 'k1', 'hash-a')).toEqual({ state: 'started' });
        expect(await store.beginIdempotent('s1', 'k1', 'hash-a')).toEqual({ state: 'running' });
        expect(await store.beginIdempotent('s1', 'k1', 'hash-b')).toEqual({ state: 'conflict' });

        await store.completeIdempotent('s1', 'k1', reply);
        expect(await store.beginIdempotent('s1', 'k1', 'hash-a')).toEqual({ state: 'done', reply });
        expect(await store.beginIdempotent('s1', 'k1', 'hash-b')).toEqual({ state: 'conflict' });
        // Abandoning only forgets running records.
        await store.abandonIdempotent('s1', 'k1');
        expect(await store.beginIdempotent('s1', 'k1', 'hash-a')).toEqual({ state: 'done', reply });
      });

      it('lets an abandoned key be retried', async () => {
        await store.createSession('s1');
        await store.beginIdempotent('s1', 'k1', 'hash-a');
        await store.abandonIdempotent('s1', 'k1');
        expect(await store.beginIdempotent('s1', 'k1', 'hash-b')).toEqual({ state: 'started' });
        await store.abandonIdempotent('s1', 'never-used');
        await store.abandonIdempotent('unknown', 'k1');
      });

      it('scopes keys per session and refuses an unknown session', async () => {
        await store.createSession('s1');
        await store.createSession('s2');
        await store.beginIdempotent('s1', 'k1', 'hash-a');
        expect(await store.beginIdempotent('s2', 'k1', 'hash-b')).toEqual({ state: 'started' });
        await expect(store.beginIdempotent('unknown', 'k1', 'h')).rejects.toBeInstanceOf(
          SessionNotFoundError,
        );
        // Completing for a session that vanished mid-turn is a no-op, not an error.
        await store.completeIdempotent('unknown', 'k1', reply);
      });

      it('forgets records after the idempotency TTL', async () => {
        await store.createSession('s1');
        await store.beginIdempotent('s1', 'k1', 'hash-a');
        clock.advance(LIMITS.idempotencyTtlMs / 2);
        await store.completeIdempotent('s1', 'k1', reply);
        // Retention counts from completion.
        clock.advance(LIMITS.idempotencyTtlMs - 1);
        await store.touchSession('s1');
        expect((await store.beginIdempotent('s1', 'k1', 'hash-a')).state).toBe('done');
        clock.advance(1);
        await store.purgeExpired();
        expect(await store.beginIdempotent('s1', 'k1', 'hash-b')).toEqual({ state: 'started' });
      });
    });

    describe('usage counters', () => {
      const day = '2026-01-05';

      it('increments, returns the new totals and reads them back', async () => {
        await store.createSession('s1');
        await store.createSession('s2');
        expect(await store.getUsage('s1', day)).toEqual({ turns: 0, tokens: 0 });
        expect(await store.addUsage('s1', day, { turns: 1, tokens: 120 })).toEqual({
          turns: 1,
          tokens: 120,
        });
        expect(await store.addUsage('s1', day, { turns: 1, tokens: 30 })).toEqual({
          turns: 2,
          tokens: 150,
        });
        expect(await store.addUsage('s1', day, { turns: 0, tokens: 0 })).toEqual({
          turns: 2,
          tokens: 150,
        });
        // Large counts stay exact integers.
        const big = 2 ** 40;
        expect(await store.addUsage('s2', day, { turns: 3, tokens: big })).toEqual({
          turns: 3,
          tokens: big,
        });
        expect(await store.getUsage('s1', day)).toEqual({ turns: 2, tokens: 150 });
        expect(await store.getUsage('s2', day)).toEqual({ turns: 3, tokens: big });
        expect(await store.getUsage('unknown', day)).toEqual({ turns: 0, tokens: 0 });
      });

      it('keeps each UTC day separate and forgets days a week older than the newest', async () => {
        await store.createSession('s1');
        await store.addUsage('s1', '2025-12-31', { turns: 1, tokens: 10 });
        await store.addUsage('s1', '2026-01-01', { turns: 2, tokens: 20 });
        await store.addUsage('s1', '2026-01-01', { turns: 1, tokens: 5 });
        expect(await store.getUsage('s1', '2025-12-31')).toEqual({ turns: 1, tokens: 10 });
        expect(await store.getUsage('s1', '2026-01-01')).toEqual({ turns: 3, tokens: 25 });
        expect(await store.getUsage('s1', '2026-01-02')).toEqual({ turns: 0, tokens: 0 });

        // Six days on, both are still kept; a seventh day drops the oldest only.
        await store.addUsage('s1', '2026-01-06', { turns: 1, tokens: 1 });
        expect(await store.getUsage('s1', '2025-12-31')).toEqual({ turns: 1, tokens: 10 });
        await store.addUsage('s1', '2026-01-07', { turns: 1, tokens: 1 });
        expect(await store.getUsage('s1', '2025-12-31')).toEqual({ turns: 0, tokens: 0 });
        expect(await store.getUsage('s1', '2026-01-01')).toEqual({ turns: 3, tokens: 25 });
        expect(await store.getUsage('s1', '2026-01-06')).toEqual({ turns: 1, tokens: 1 });
      });

      it('is atomic under 50 concurrent increments', async () => {
        await store.createSession('s1');
        const totals = await Promise.all(
          Array.from({ length: 50 }, () => store.addUsage('s1', day, { turns: 1, tokens: 7 })),
        );
        expect(await store.getUsage('s1', day)).toEqual({ turns: 50, tokens: 350 });
        // Every increment saw its own total: none was lost or applied twice.
        const turns = totals.map((t) => t.turns).sort((a, b) => a - b);
        expect(turns).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
        for (const t of totals) expect(t.tokens).toBe(7 * t.turns);
      });

      it('is deleted with the session, and never recorded without one', async () => {
        await store.createSession('s1');
        await store.addUsage('s1', day, { turns: 2, tokens: 40 });
        await store.deleteSession('s1');
        expect(await store.getUsage('s1', day)).toEqual({ turns: 0, tokens: 0 });
        // Best effort: a late write for a deleted session resolves with zeros and writes nothing.
        expect(await store.addUsage('s1', day, { turns: 1, tokens: 10 })).toEqual({
          turns: 0,
          tokens: 0,
        });
        expect(await store.getSession('s1')).toBeUndefined();
        if (h.leftovers) expect(await h.leftovers('s1')).toBe(0);
        expect(await store.addUsage('never', day, { turns: 1, tokens: 1 })).toEqual({
          turns: 0,
          tokens: 0,
        });
        expect(await store.getSession('never')).toBeUndefined();

        // The id reused for a fresh session starts from nothing.
        await store.createSession('s1');
        expect(await store.getUsage('s1', day)).toEqual({ turns: 0, tokens: 0 });
      });

      it('expires with the session and does not extend its life', async () => {
        await store.createSession('s1');
        clock.advance(LIMITS.sessionTtlMs - 1);
        expect(await store.addUsage('s1', day, { turns: 1, tokens: 10 })).toEqual({
          turns: 1,
          tokens: 10,
        });
        clock.advance(1);
        expect(await store.getSession('s1')).toBeUndefined();
        expect(await store.getUsage('s1', day)).toEqual({ turns: 0, tokens: 0 });
        expect(await store.addUsage('s1', day, { turns: 1, tokens: 10 })).toEqual({
          turns: 0,
          tokens: 0,
        });
        expect(await store.getSession('s1')).toBeUndefined();
        await store.purgeExpired();
        if (h.leftovers && h.purgeDeletes) expect(await h.leftovers('s1')).toBe(0);
      });

      it('refuses days that are not dates and deltas that are not counts', async () => {
        await store.createSession('s1');
        for (const bad of ['2026-02-30', '2026-1-5', '2026-01-05T00:00', 'today', '']) {
          await expect(store.getUsage('s1', bad)).rejects.toBeInstanceOf(RangeError);
          await expect(store.addUsage('s1', bad, { turns: 1, tokens: 1 })).rejects.toBeInstanceOf(
            RangeError,
          );
        }
        for (const delta of [
          { turns: -1, tokens: 0 },
          { turns: 1, tokens: 1.5 },
          { turns: 1, tokens: Number.NaN },
          { turns: Number.POSITIVE_INFINITY, tokens: 0 },
        ]) {
          await expect(store.addUsage('s1', day, delta)).rejects.toBeInstanceOf(RangeError);
        }
        expect(await store.getUsage('s1', day)).toEqual({ turns: 0, tokens: 0 });
      });
    });

    describe('turn lock', () => {
      it('is exclusive per session and released only by its owner', async () => {
        const first = await store.tryLockTurn('s1', 60_000);
        expect(first).toBeDefined();
        expect(await store.tryLockTurn('s1', 60_000)).toBeUndefined();
        const other = await store.tryLockTurn('s2', 60_000);
        expect(other).toBeDefined();

        await first!.release();
        await first!.release();
        const second = await store.tryLockTurn('s1', 60_000);
        expect(second).toBeDefined();
        // The first owner's late release must not free the second owner's lock.
        await first!.release();
        expect(await store.tryLockTurn('s1', 60_000)).toBeUndefined();
        await second!.release();
        await other!.release();
      });

      it('expires after its TTL, and the stale owner cannot release the new lock', async () => {
        const ttl = 150;
        const stale = await store.tryLockTurn('s1', ttl);
        expect(stale).toBeDefined();
        clock.advance(ttl - 1);
        expect(await store.tryLockTurn('s1', ttl)).toBeUndefined();
        clock.advance(1);
        if (h.locksExpireInRealTime) await sleep(ttl + 100);
        const fresh = await store.tryLockTurn('s1', 60_000);
        expect(fresh).toBeDefined();
        await stale!.release();
        expect(await store.tryLockTurn('s1', 60_000)).toBeUndefined();
        await fresh!.release();
      });
    });
  });
}

// The three stores.

describeStoreContract('MemoryStore', async (limits) => {
  const clock = new ManualClock();
  const store = new MemoryStore({ clock, limits });
  return {
    store,
    clock,
    locksExpireInRealTime: false,
    purgeDeletes: true,
    cleanup: () => store.close(),
  };
});

function tempDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'parley-sqlite-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Counts rows holding a session's data through a second, read-only connection. */
function sqliteLeftovers(path: string) {
  return async (sessionId: string): Promise<number> => {
    const db = new Database(path, { readonly: true });
    try {
      let total = 0;
      for (const table of ['sessions', 'items', 'messages', 'idempotency', 'session_usage']) {
        const column = table === 'sessions' ? 'id' : 'session_id';
        total += db
          .prepare(`SELECT count(*) FROM ${table} WHERE ${column} = ?`)
          .pluck()
          .get(sessionId) as number;
      }
      return total;
    } finally {
      db.close();
    }
  };
}

describeStoreContract('SqliteStore', async (limits) => {
  const clock = new ManualClock();
  const { dir, remove } = tempDir();
  const path = join(dir, 'nested', 'parley.db');
  const store = new SqliteStore({ path, clock, limits, sweepIntervalMs: 0 });
  return {
    store,
    clock,
    locksExpireInRealTime: false,
    purgeDeletes: true,
    leftovers: sqliteLeftovers(path),
    cleanup: async () => {
      await store.close();
      remove();
    },
  };
});

/** A key prefix of its own per test run, so runs never see each other's data. */
const redisRunPrefix = `parley-test:${randomUUID()}:`;

async function makeRedisHarness(
  limits: StoreLimits,
): Promise<StoreHarness & { prefix: string; admin: Redis }> {
  const clock = new ManualClock();
  const prefix = `${redisRunPrefix}${randomUUID()}:`;
  const store = new RedisStore({ url: redisTestUrl, clock, limits, keyPrefix: prefix });
  await store.ready(2000);
  const admin = new Redis(redisTestUrl);
  return {
    store,
    clock,
    prefix,
    admin,
    locksExpireInRealTime: true,
    purgeDeletes: false,
    leftovers: async (sessionId) => {
      const base = `${prefix}s:${sessionId}`;
      return admin.exists(base, `${base}:items`, `${base}:msgs`, `${base}:idem`, `${base}:usage`);
    },
    cleanup: async () => {
      await store.close();
      await deleteRedisKeys(admin, prefix);
      await admin.quit();
    },
  };
}

await describeWithRedis('RedisStore', () => {
  describeStoreContract('RedisStore', makeRedisHarness);
  describeRedisSpecifics();
});

// What only one store has.

describe('MemoryStore bounds', () => {
  it('keeps at most maxSessions, evicting the least recently used with all its data', async () => {
    const clock = new ManualClock();
    const store = new MemoryStore({ clock, limits: LIMITS, maxSessions: 3 });
    for (const id of ['a', 'b', 'c']) {
      await store.createSession(id);
      await store.addItems(id, [userItem(id)]);
    }
    await store.getSession('a');
    await store.createSession('d');
    expect(store.sessionCount).toBe(3);
    expect(await store.getSession('b')).toBeUndefined();
    expect(await store.getItems('b')).toEqual([]);
    for (const id of ['a', 'c', 'd']) expect(await store.getSession(id)).toBeDefined();
    // Those reads made 'a' the least recently used again.
    await store.createSession('e');
    expect(await store.getSession('a')).toBeUndefined();
  });

  it('purgeExpired frees expired sessions and counts them', async () => {
    const clock = new ManualClock();
    const store = new MemoryStore({ clock, limits: LIMITS });
    await store.createSession('a');
    await store.createSession('b');
    clock.advance(LIMITS.sessionTtlMs);
    expect(await store.purgeExpired()).toBe(2);
    expect(store.sessionCount).toBe(0);
  });
});

describe('SqliteStore on disk', () => {
  let dir: string;
  let remove: () => void;
  beforeEach(() => {
    ({ dir, remove } = tempDir());
  });
  afterEach(() => remove());

  it('survives a restart: history, transcript, tickets and idempotency are still there', async () => {
    const clock = new ManualClock();
    const path = join(dir, 'parley.db');
    const first = new SqliteStore({ path, clock, limits: LIMITS, sweepIntervalMs: 0 });
    await first.createSession('s1');
    await first.addItems('s1', [userItem('hi'), callItem('c1')]);
    await first.appendMessage('s1', message('m1', 'user', 'hi'));
    await first.beginIdempotent('s1', 'k1', 'h');
    await first.completeIdempotent('s1', 'k1', reply);
    await first.createTicket(ticket('t1', 's1', '2026-01-05T12:00:00.000Z'));
    await first.close();

    const second = new SqliteStore({ path, clock, limits: LIMITS, sweepIntervalMs: 0 });
    try {
      expect(await second.getItems('s1')).toEqual([userItem('hi'), callItem('c1')]);
      expect(await second.getTranscript('s1')).toEqual([message('m1', 'user', 'hi')]);
      expect(await second.beginIdempotent('s1', 'k1', 'h')).toEqual({ state: 'done', reply });
      expect((await second.getTicket('t1'))?.subject).toBe('Subject t1');
    } finally {
      await second.close();
    }
  });

  it('migrates once, in WAL mode, and refuses a database from a newer version', async () => {
    const path = join(dir, 'parley.db');
    const store = new SqliteStore({
      path,
      clock: new ManualClock(),
      limits: LIMITS,
      sweepIntervalMs: 0,
    });
    await store.close();
    const db = new Database(path);
    expect(db.pragma('user_version', { simple: true })).toBe(2);
    expect(SQLITE_MIGRATIONS).toHaveLength(2);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.pragma('user_version = 99');
    db.close();
    expect(
      () => new SqliteStore({ path, clock: new ManualClock(), limits: LIMITS, sweepIntervalMs: 0 }),
    ).toThrow(/schema version 99/);
  });

  it('upgrades a version 1 database in place, keeping its sessions and adding usage', async () => {
    const clock = new ManualClock();
    const path = join(dir, 'parley.db');
    // A file as the first release left it: schema version 1 with a live session in it.
    const v1 = new Database(path);
    migrate(v1, SQLITE_MIGRATIONS.slice(0, 1));
    v1.prepare('INSERT INTO sessions (id, created_at, last_seen_at) VALUES (?, ?, ?)').run(
      's1',
      clock.now(),
      clock.now(),
    );
    v1.prepare('INSERT INTO items (session_id, json) VALUES (?, ?)').run(
      's1',
      JSON.stringify(userItem('hi')),
    );
    expect(v1.pragma('user_version', { simple: true })).toBe(1);
    v1.close();

    const store = new SqliteStore({ path, clock, limits: LIMITS, sweepIntervalMs: 0 });
    try {
      expect(await store.getItems('s1')).toEqual([userItem('hi')]);
      expect(await store.addUsage('s1', '2026-01-05', { turns: 1, tokens: 9 })).toEqual({
        turns: 1,
        tokens: 9,
      });
      await store.deleteSession('s1');
      expect(await sqliteLeftovers(path)('s1')).toBe(0);
    } finally {
      await store.close();
    }
    const db = new Database(path, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(2);
    db.close();
  });

  it('purgeExpired deletes ended sessions with their rows and old idempotency records', async () => {
    const clock = new ManualClock();
    const path = join(dir, 'parley.db');
    const store = new SqliteStore({ path, clock, limits: LIMITS, sweepIntervalMs: 0 });
    try {
      await store.createSession('old');
      await store.addItems('old', [userItem('1'), userItem('2')]);
      await store.appendMessage('old', message('m1', 'user', '1'));
      await store.createSession('live');
      await store.beginIdempotent('live', 'k1', 'h');
      clock.advance(LIMITS.idempotencyTtlMs);
      await store.touchSession('live');
      clock.advance(LIMITS.sessionTtlMs - LIMITS.idempotencyTtlMs);
      // One ended session and one stale idempotency record.
      expect(await store.purgeExpired()).toBe(2);
      expect(await sqliteLeftovers(path)('old')).toBe(0);
      expect(await sqliteLeftovers(path)('live')).toBe(1);
    } finally {
      await store.close();
    }
  });

  it('sweeps on its own schedule', async () => {
    const clock = new ManualClock();
    const path = join(dir, 'parley.db');
    const store = new SqliteStore({ path, clock, limits: LIMITS, sweepIntervalMs: 20 });
    try {
      await store.createSession('old');
      clock.advance(LIMITS.sessionTtlMs);
      await sleep(100);
      expect(await sqliteLeftovers(path)('old')).toBe(0);
    } finally {
      await store.close();
    }
  });
});

function describeRedisSpecifics(): void {
  describe('RedisStore specifics', () => {
    let h: Awaited<ReturnType<typeof makeRedisHarness>>;
    afterEach(async () => {
      await h.cleanup();
    });

    it('lets Redis drop a session and all its keys when the real TTL runs out', async () => {
      h = await makeRedisHarness({
        sessionTtlMs: 300,
        sessionMaxAgeMs: 10_000,
        idempotencyTtlMs: 1000,
      });
      const { store, admin, prefix } = h;
      await store.createSession('s1');
      await store.addItems('s1', [userItem('hi')]);
      await store.appendMessage('s1', message('m1', 'user', 'hi'));
      await store.beginIdempotent('s1', 'k1', 'h');
      await store.addUsage('s1', '2026-01-05', { turns: 1, tokens: 10 });
      const base = `${prefix}s:${'s1'}`;
      for (const key of [base, `${base}:items`, `${base}:msgs`, `${base}:idem`, `${base}:usage`]) {
        const ttl = await admin.pttl(key);
        expect(ttl).toBeGreaterThan(0);
        expect(ttl).toBeLessThanOrEqual(300);
      }
      await sleep(450);
      expect(await h.leftovers!('s1')).toBe(0);
      expect(await store.purgeExpired()).toBe(0);
    });

    it('caps key lifetimes at the remaining absolute age', async () => {
      h = await makeRedisHarness({
        sessionTtlMs: 60_000,
        sessionMaxAgeMs: 120_000,
        idempotencyTtlMs: 1000,
      });
      const { store, admin, prefix, clock } = h;
      await store.createSession('s1');
      clock.advance(50_000);
      await store.touchSession('s1');
      clock.advance(50_000);
      await store.touchSession('s1');
      await store.addItems('s1', [userItem('hi')]);
      await store.addUsage('s1', '2026-01-05', { turns: 1, tokens: 10 });
      // 20 s of absolute age remain, less than the 60 s idle TTL.
      for (const key of [`${prefix}s:s1`, `${prefix}s:s1:items`, `${prefix}s:s1:usage`]) {
        const ttl = await admin.pttl(key);
        expect(ttl).toBeGreaterThan(19_000);
        expect(ttl).toBeLessThanOrEqual(20_000);
      }
    });

    it('fails fast instead of hanging when Redis is unreachable', async () => {
      h = await makeRedisHarness(LIMITS);
      const down = new RedisStore({
        url: 'redis://127.0.0.1:1',
        clock: new ManualClock(),
        limits: LIMITS,
      });
      const started = Date.now();
      try {
        await expect(down.ping()).rejects.toThrow();
        await expect(down.getSession('s1')).rejects.toThrow();
        expect(Date.now() - started).toBeLessThan(1000);
      } finally {
        await down.close();
      }
    });
  });
}
