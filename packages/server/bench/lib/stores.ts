import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../../src/clock.js';
import type { ParleyStore, StoreKind, StoreLimits } from '../../src/sessions/store.js';
import { MemoryStore } from '../../src/sessions/stores/memory-store.js';
import { RedisStore } from '../../src/sessions/stores/redis-store.js';
import { SqliteStore } from '../../src/sessions/stores/sqlite-store.js';
import { turnItems, turnMessages } from './history.js';
import { type BenchRedis, startBenchRedis } from './redis.js';

export const BENCH_LIMITS: StoreLimits = {
  sessionTtlMs: 24 * 3_600_000,
  sessionMaxAgeMs: 30 * 24 * 3_600_000,
  idempotencyTtlMs: 24 * 3_600_000,
};

/** A store opened for the bench, and how to close it and clean up after it. */
export interface BenchStore {
  kind: StoreKind;
  store: ParleyStore;
  /** The SQLite file, for its size. */
  sqlitePath?: string;
  redis?: BenchRedis;
  close(): Promise<void>;
}

/** Opens one store of each kind that can run here; Redis is left out, with the reason, when it can't. */
export async function openBenchStore(
  kind: StoreKind,
): Promise<BenchStore | { unavailable: string }> {
  if (kind === 'memory') {
    const store = new MemoryStore({
      clock: systemClock,
      limits: BENCH_LIMITS,
      maxSessions: 1_000_000,
    });
    return { kind, store, close: () => store.close() };
  }
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'parley-bench-'));
    const sqlitePath = join(dir, 'bench.db');
    const store = new SqliteStore({
      path: sqlitePath,
      clock: systemClock,
      limits: BENCH_LIMITS,
      sweepIntervalMs: 0,
    });
    return {
      kind,
      store,
      sqlitePath,
      close: async () => {
        // Safe after an earlier close (the idle-session measure closes first to checkpoint).
        await store.close().catch(() => {});
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const redis = await startBenchRedis();
  if ('unavailable' in redis) return redis;
  const store = new RedisStore({
    url: redis.url,
    clock: systemClock,
    limits: BENCH_LIMITS,
    keyPrefix: redis.prefix,
    redis: redis.client,
  });
  return {
    kind,
    store,
    redis,
    close: async () => {
      await store.close();
      await redis.stop();
    },
  };
}

/** Creates a session holding `turns` whole turns (4 model items and 2 transcript messages each). */
export async function plantSession(store: ParleyStore, id: string, turns: number): Promise<void> {
  await store.createSession(id);
  for (let n = 0; n < turns; n++) {
    await store.addItems(id, turnItems(n));
    for (const message of turnMessages(n)) await store.appendMessage(id, message);
  }
}

const LOCK_TTL_MS = 150_000;
const WINDOW_ITEMS = 60;

/**
 * What one Parley turn asks of its store, in order, for a continuing visitor with the daily
 * budget on: load the session, lock it, check the budget, touch it, save the visitor's message,
 * read the model's history window, save the question's item, then the turn's other items and
 * the answer, record usage, unlock.
 */
export async function storeTurn(store: ParleyStore, id: string, n: number): Promise<void> {
  const day = new Date().toISOString().slice(0, 10);
  await store.getSession(id);
  const lock = await store.tryLockTurn(id, LOCK_TTL_MS);
  await store.getUsage(id, day);
  await store.touchSession(id);
  const [user, answer] = turnMessages(n);
  await store.appendMessage(id, user!);
  await store.getItems(id, WINDOW_ITEMS);
  const [question, ...produced] = turnItems(n);
  await store.addItems(id, [question!]);
  await store.addItems(id, produced);
  await store.appendMessage(id, answer!);
  await store.addUsage(id, day, { turns: 1, tokens: 2000 });
  await lock?.release();
}
