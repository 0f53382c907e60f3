import {
  createScratchDatabase,
  describeWithPostgres,
  type ScratchDatabase,
  terminateConnections,
} from '@parley/testkit/postgres';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { turnLockContract } from '../../test/turn-lock-contract.js';
import { memoryTurnLocks } from './memory-turn-locks.js';
import { postgresTurnLocks } from './postgres-turn-locks.js';
import type { TurnLocks } from './turn-locks.js';

const TTL = 60_000;

turnLockContract('in memory', async () => memoryTurnLocks());

describe('in-memory turn locks', () => {
  it('free a lock older than its TTL (a turn that never released it)', async () => {
    let now = 1_000;
    const locks = memoryTurnLocks(() => now);
    const stale = await locks.tryLock('s1', 150);
    now += 149;
    expect(await locks.tryLock('s1', TTL)).toBeUndefined();
    now += 1;
    const fresh = await locks.tryLock('s1', TTL);
    expect(fresh).toBeDefined();
    await stale!.release();
    expect(await locks.tryLock('s1', TTL)).toBeUndefined();
  });
});

await describeWithPostgres('PostgreSQL advisory turn locks', () => {
  let scratch: ScratchDatabase;
  const opened: Array<{ close(): Promise<void> }> = [];
  beforeAll(async () => {
    scratch = await createScratchDatabase();
  });
  afterEach(async () => {
    for (const locks of opened.splice(0)) await locks.close();
  });
  afterAll(() => scratch.drop());
  const open = async () => {
    const locks = postgresTurnLocks({ url: scratch.url });
    opened.push(locks);
    await locks.ready();
    return locks;
  };

  turnLockContract('PostgreSQL', open);

  it('hold across two instances', async () => {
    const [a, b] = [await open(), await open()];
    for (let round = 0; round < 10; round++) {
      const conversation = `across-${round}`;
      const taken = await Promise.all([
        a.tryLock(conversation, TTL),
        b.tryLock(conversation, TTL),
        a.tryLock(conversation, TTL),
        b.tryLock(conversation, TTL),
      ]);
      const held = taken.filter((lock) => lock !== undefined);
      expect(held).toHaveLength(1);
      await held[0]!.release();
      const next = await b.tryLock(conversation, TTL);
      expect(next).toBeDefined();
      await next!.release();
    }
  });

  it('are freed at once when the instance holding them dies', async () => {
    const a = await open();
    const b = await open();
    expect(await a.tryLock('crash', TTL)).toBeDefined();
    expect(await b.tryLock('crash', TTL)).toBeUndefined();
    // The instance's connection ends as it would with the process (kill -9, a lost host).
    const admin = new pg.Client({ connectionString: scratch.url });
    await admin.connect();
    await admin.query(
      `SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND pid <> pg_backend_pid()`,
    );
    await admin.end();
    let taken: Awaited<ReturnType<TurnLocks['tryLock']>>;
    for (let i = 0; i < 50; i++) {
      taken = await b.tryLock('crash', TTL).catch(() => undefined);
      if (taken) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(taken!).toBeDefined();
  });

  it('take locks again once PostgreSQL stops cutting its connection, mid-query or idle', async () => {
    const locks = await open();
    // An outage that lasts: every connection cut every few milliseconds for a second, while
    // turns keep asking for locks (some queries are cut halfway, some connections while idle).
    const until = Date.now() + 1_000;
    let n = 0;
    while (Date.now() < until) {
      await Promise.all([
        terminateConnections(scratch.name),
        locks.tryLock(`storm-${n++}`, TTL).then(
          (lock) => lock?.release(),
          () => {},
        ),
      ]);
    }
    let taken: Awaited<ReturnType<TurnLocks['tryLock']>>;
    for (let i = 0; i < 50 && !taken; i++) {
      taken = await locks.tryLock('after-the-storm', TTL).catch(() => undefined);
      if (!taken) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(taken).toBeDefined();
    await taken?.release();
  });
});
