import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Coordination,
  createCoordination,
  createLogger,
  openStore,
  type Store,
  type StoreLimits,
  type StoreSpec,
  systemClock,
} from '@parley/server';
import { createScratchDatabase, postgresAvailable } from '@parley/testkit/postgres';
import { redisAvailable, redisTestUrl } from '@parley/testkit/redis';
import { registerCleanup } from './cleanup.js';
import { turnItems, turnMessages } from './history.js';

export const BENCH_LIMITS: StoreLimits = {
  sessionTtlMs: 24 * 3_600_000,
  sessionMaxAgeMs: 30 * 24 * 3_600_000,
  idempotencyTtlMs: 24 * 3_600_000,
};

/** The store backends the bench compares; `memory` is SQLite in memory through the same code. */
export const BACKENDS = ['memory', 'sqlite', 'postgres', 'postgres+redis'] as const;
export type Backend = (typeof BACKENDS)[number];

/** A store opened for the bench with the coordination a server would run beside it. */
export interface BenchStore {
  backend: Backend;
  store: Store;
  coordination: Coordination;
  /**
   * Closes the store and returns the bytes its records take: the SQLite file (closing moves the
   * WAL into it) or the PostgreSQL database (`pg_database_size`); NaN in memory.
   */
  finalSizeBytes(): Promise<number>;
  close(): Promise<void>;
}

/**
 * Opens one backend: a SQLite file in the temp folder, a scratch PostgreSQL database (dropped on
 * close), optionally with Redis coordination (`PARLEY_REDIS_URL`), each as `startServer` wires
 * them. A backend whose service does not answer comes back as `{ unavailable }`, with the reason.
 */
export async function openBenchStore(
  backend: Backend,
): Promise<BenchStore | { unavailable: string }> {
  const cleanups: Array<() => Promise<void> | void> = [];
  let spec: StoreSpec;
  if (backend === 'memory') spec = { kind: 'memory' };
  else if (backend === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'parley-bench-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    spec = { kind: 'sqlite', path: join(dir, 'bench.db') };
  } else {
    if (!(await postgresAvailable())) return { unavailable: 'PostgreSQL does not answer' };
    if (backend === 'postgres+redis' && !(await redisAvailable()))
      return { unavailable: `Redis does not answer at ${redisTestUrl}` };
    const scratch = await createScratchDatabase();
    cleanups.push(registerCleanup(() => scratch.drop()));
    spec = { kind: 'postgres', url: scratch.url };
  }
  const store = await openStore(spec, { clock: systemClock, limits: BENCH_LIMITS });
  const coordination = await createCoordination({
    store,
    redisUrl: backend === 'postgres+redis' ? redisTestUrl : undefined,
    redisPrefix: `parley-bench:${process.pid}:${Date.now().toString(36)}:`,
    postgresUrl: spec.kind === 'postgres' ? spec.url : undefined,
    logger: createLogger('silent'),
  });
  let closed = false;
  const closeStore = async () => {
    if (closed) return;
    closed = true;
    await coordination.close();
    await store.close();
  };
  return {
    backend,
    store,
    coordination,
    finalSizeBytes: async () => {
      if (spec.kind === 'postgres') {
        const row = await store.context.db
          .selectNoFrom((eb) =>
            eb.fn<string>('pg_database_size', [eb.fn('current_database', [])]).as('size'),
          )
          .executeTakeFirstOrThrow();
        await closeStore();
        return Number(row.size);
      }
      // Closing checkpoints the WAL into the file, which is then what the records cost on disk.
      await closeStore();
      return spec.kind === 'sqlite'
        ? fileSize(spec.path) + fileSize(`${spec.path}-wal`)
        : Number.NaN;
    },
    close: async () => {
      await closeStore();
      for (const cleanup of cleanups.reverse()) await cleanup();
    },
  };
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/** Creates a conversation holding `turns` whole turns (4 model items and 2 messages each). */
export async function plantConversation(store: Store, id: string, turns: number): Promise<void> {
  await store.conversations.create(id);
  await store.items.add(id, Array.from({ length: turns }, (_, n) => turnItems(n)).flat());
  for (let n = 0; n < turns; n++) {
    for (const message of turnMessages()) await store.log.append(id, message);
  }
}

const LOCK_TTL_MS = 150_000;
const WINDOW_ITEMS = 60;

/** How many store and coordination calls {@link storeTurn} makes. */
export const STORE_CALLS_PER_TURN = 14;

/**
 * What one Parley turn asks of its store and turn locks, in order, for a continuing visitor with
 * the daily budget on (production defaults): the session resolved from its token, the turn lock,
 * the conversation read again under it, the budget, the history window, the question (touch, log,
 * item), the run's items and the answer, usage, the visitor's state, unlock, the answer marked
 * seen.
 */
export async function storeTurn(
  { store, coordination }: Pick<BenchStore, 'store' | 'coordination'>,
  id: string,
  n: number,
): Promise<void> {
  const day = new Date().toISOString().slice(0, 10);
  await store.conversations.get(id);
  const lock = await coordination.locks.tryLock(id, LOCK_TTL_MS);
  if (!lock) throw new Error(`conversation ${id} is locked`);
  try {
    await store.conversations.get(id);
    await store.usage.get(id, day);
    await store.items.recent(id, WINDOW_ITEMS);
    await store.conversations.touch(id);
    const [user, answer] = turnMessages();
    await store.log.append(id, user!);
    const [question, ...produced] = turnItems(n);
    await store.items.add(id, [question!]);
    await store.items.add(id, produced);
    const stored = await store.log.append(id, answer!);
    await store.usage.add(id, day, { turns: 1, tokens: 2000 });
    await store.conversations.get(id);
    await lock.release();
    await store.conversations.markSeen(id, stored.seq);
  } catch (error) {
    await lock.release().catch(() => {});
    throw error;
  }
}
