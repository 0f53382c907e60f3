import { randomUUID } from 'node:crypto';
import {
  createScratchDatabase,
  describeWithPostgres,
  type ScratchDatabase,
} from '@parley/testkit/postgres';
import { deleteRedisKeys, describeWithRedis, redisTestUrl } from '@parley/testkit/redis';
import { TEST_STORE_LIMITS } from '@parley/testkit/stores';
import { Redis } from 'ioredis';
import pg from 'pg';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { arrival } from '../../test/bus-contract.js';
import { ManualClock } from '../clock.js';
import { ConfigError } from '../errors.js';
import { openStore, type Store } from '../store/store.js';
import { type Coordination, createCoordination } from './coordination.js';
import type { BusMessage } from './event-bus.js';
import { SqlRateLimitStore } from './sql-rate-limit-store.js';

const logger = pino({ level: 'silent' });

/** Checks what every coordination does: one lock holder, and a bus that reaches its sender. */
async function expectWorking(coordination: Coordination): Promise<void> {
  await coordination.ping();
  const lock = await coordination.locks.tryLock(`c_${randomUUID()}`, 60_000);
  expect(lock).toBeDefined();
  await lock?.release();
  const received: BusMessage[] = [];
  coordination.bus.subscribe((message) => received.push(message));
  await coordination.bus.publish({ type: 'state', conversation: 'c_1' });
  await arrival(received, (m) => m.type === 'state');
}

const stores: Store[] = [];
const coordinations: Coordination[] = [];
afterEach(async () => {
  for (const coordination of coordinations.splice(0)) await coordination.close();
  await Promise.all(stores.splice(0).map((store) => store.close()));
});

async function sqliteStore(): Promise<Store> {
  const store = await openStore(
    { kind: 'memory' },
    { clock: new ManualClock(), limits: TEST_STORE_LIMITS },
  );
  stores.push(store);
  return store;
}

async function coordinate(options: Parameters<typeof createCoordination>[0]) {
  const coordination = await createCoordination(options);
  coordinations.push(coordination);
  return coordination;
}

describe('createCoordination on SQLite, without Redis', () => {
  it('keeps everything in the process: row locks, an in-memory bus, limiter counts in memory', async () => {
    const coordination = await coordinate({
      store: await sqliteStore(),
      redisPrefix: 'parley:',
      logger,
    });
    expect(coordination.kind).toBe('local');
    expect(coordination.rateLimitStore('ip-messages')).toBeUndefined();
    await expectWorking(coordination);
  });

  it('refuses to start when Redis does not answer, naming the variable', async () => {
    const started = Date.now();
    const failed = coordinate({
      store: await sqliteStore(),
      redisUrl: 'redis://127.0.0.1:1',
      redisPrefix: 'parley:',
      logger,
      connectTimeoutMs: 500,
    });
    await expect(failed).rejects.toBeInstanceOf(ConfigError);
    await expect(failed).rejects.toThrow(/PARLEY_REDIS_URL/);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

await describeWithPostgres('createCoordination on PostgreSQL, without Redis', () => {
  let scratch: ScratchDatabase;
  beforeAll(async () => {
    scratch = await createScratchDatabase();
  });
  afterAll(() => scratch?.drop());

  async function onPostgres(): Promise<Coordination> {
    const store = await openStore(
      { kind: 'postgres', url: scratch.url },
      { clock: new ManualClock(), limits: TEST_STORE_LIMITS },
    );
    stores.push(store);
    return coordinate({ store, redisPrefix: 'parley:', postgresUrl: scratch.url, logger });
  }

  it('coordinates through the database: row locks, LISTEN/NOTIFY, counters in a table', async () => {
    const coordination = await onPostgres();
    expect(coordination.kind).toBe('postgres');
    expect(coordination.rateLimitStore('ip-messages')).toBeInstanceOf(SqlRateLimitStore);
    await expectWorking(coordination);
  });

  it('is not ready while the listener reconnects, and reopens a dropped lock session when asked', async () => {
    const coordination = await onPostgres();
    await expectWorking(coordination);
    const admin = new pg.Client({ connectionString: scratch.url });
    await admin.connect();
    const terminate = (queryLike: string) =>
      admin.query(
        `select pg_terminate_backend(pid) from pg_stat_activity
          where datname = current_database() and pid <> pg_backend_pid() and query like $1`,
        [queryLike],
      );
    try {
      await terminate('LISTEN%');
      await vi.waitFor(() => expect(coordination.ping()).rejects.toThrow(/reconnecting/));
      await vi.waitFor(() => expect(coordination.ping()).resolves.toBeUndefined(), {
        timeout: 5_000,
      });

      await terminate('%pg_advisory%');
      await vi.waitFor(async () => {
        const sessions = await admin.query(
          `select count(*)::int as n from pg_stat_activity
            where datname = current_database() and pid <> pg_backend_pid()
              and query like '%pg_advisory%'`,
        );
        expect(sessions.rows[0].n).toBe(0);
      });
      await coordination.ping();
      await expectWorking(coordination);
    } finally {
      await admin.end();
    }
  });
});

await describeWithRedis('createCoordination with Redis', () => {
  const redisPrefix = `parley-test:${randomUUID()}:`;
  afterAll(async () => {
    const admin = new Redis(redisTestUrl);
    await deleteRedisKeys(admin, redisPrefix);
    admin.disconnect();
  });

  it('keeps locks, events and limiter counts in Redis, under the prefix', async () => {
    const coordination = await coordinate({
      store: await sqliteStore(),
      redisUrl: redisTestUrl,
      redisPrefix,
      logger,
    });
    expect(coordination.kind).toBe('redis');
    expect(coordination.rateLimitStore('ip-messages')).toMatchObject({
      prefix: `${redisPrefix}rl:ip-messages`,
    });
    await expectWorking(coordination);
  });
});
