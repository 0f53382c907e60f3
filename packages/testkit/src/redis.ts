import { Redis } from 'ioredis';
import { describeWithService, within } from './services.js';

/** The Redis the tests use: PARLEY_TEST_REDIS_URL, or a local server on the default port. */
export const redisTestUrl = process.env.PARLEY_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Whether Redis answers PING within 500 ms. Never throws and never retries. */
export async function redisAvailable(): Promise<boolean> {
  const client = new Redis(redisTestUrl, {
    lazyConnect: true,
    connectTimeout: 500,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  // Connection errors surface through the awaited promise; this only silences ioredis's logging.
  client.on('error', () => {});
  const probe = client
    .connect()
    .then(() => client.ping())
    .then((reply) => reply === 'PONG')
    .catch(() => false);
  try {
    return await within(500, probe, false);
  } finally {
    client.disconnect();
  }
}

/**
 * `describe` for suites that need a real Redis; skipped without one, failing instead when
 * PARLEY_REQUIRE_REDIS=1 (as in CI).
 */
export function describeWithRedis(name: string, fn: () => void): Promise<void> {
  return describeWithService(
    {
      name: 'Redis',
      available: redisAvailable,
      require: 'PARLEY_REQUIRE_REDIS',
      where: redisTestUrl,
      hint: 'Start redis-server or set PARLEY_TEST_REDIS_URL; CI sets PARLEY_REQUIRE_REDIS=1.',
    },
    name,
    fn,
  );
}

/** Deletes every key under a test run's prefix, so runs leave nothing behind in a shared Redis. */
export async function deleteRedisKeys(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}
