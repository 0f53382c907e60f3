import { randomUUID } from 'node:crypto';
import { deleteRedisKeys, describeWithRedis, redisTestUrl } from '@parley/testkit/redis';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { turnLockContract } from '../../test/turn-lock-contract.js';
import { StoreUnavailableError } from '../errors.js';
import { redisTurnLocks } from './redis-turn-locks.js';

const TTL = 60_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

await describeWithRedis('redisTurnLocks', () => {
  // A key prefix per test run, so concurrent runs on one Redis never see each other's locks.
  const prefix = `parley-test:${randomUUID()}:`;
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis(redisTestUrl, { maxRetriesPerRequest: 1 });
  });
  afterAll(async () => {
    await deleteRedisKeys(redis, prefix);
    redis.disconnect();
  });

  const opened: Array<{ close(): void }> = [];
  afterEach(() => {
    for (const locks of opened.splice(0)) locks.close();
  });
  turnLockContract('Redis', async () => {
    const locks = redisTurnLocks(redis, prefix);
    opened.push(locks);
    return locks;
  });

  it('expires after its TTL, and the stale holder cannot release the new lock', async () => {
    const locks = redisTurnLocks(redis, prefix);
    const stale = await locks.tryLock('s2', 150);
    expect(await locks.tryLock('s2', TTL)).toBeUndefined();
    await sleep(250);
    const fresh = await locks.tryLock('s2', TTL);
    expect(fresh).toBeDefined();
    await stale!.release();
    expect(await locks.tryLock('s2', TTL)).toBeUndefined();
    await fresh!.release();
    locks.close();
  });

  it('renews the lease while the turn runs, and frees the lock of a holder that died', async () => {
    // Long enough that a busy test machine's timer delays cannot outlast it.
    const lease = 800;
    const locks = redisTurnLocks(redis, prefix, lease);
    const held = await locks.tryLock('s4', TTL);
    await sleep(lease * 3);
    expect(await locks.tryLock('s4', TTL)).toBeUndefined();
    await held!.release();

    // An instance that dies stops renewing: its connection is gone, and so is its lock soon after.
    const dying = new Redis(redisTestUrl, { maxRetriesPerRequest: 0 });
    await dying.ping();
    const orphan = await redisTurnLocks(dying, prefix, lease).tryLock('s5', TTL);
    expect(orphan).toBeDefined();
    dying.disconnect();
    expect(await locks.tryLock('s5', TTL)).toBeUndefined();
    await sleep(lease * 2);
    const taken = await locks.tryLock('s5', TTL);
    expect(taken).toBeDefined();
    await taken!.release();
    locks.close();
  });

  it('reports a Redis that does not answer as the store being unavailable', async () => {
    const offline = new Redis(redisTestUrl, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
    });
    const locks = redisTurnLocks(offline, prefix);
    await expect(locks.tryLock('s3', TTL)).rejects.toBeInstanceOf(StoreUnavailableError);
    locks.close();
    offline.disconnect();
  });
});
