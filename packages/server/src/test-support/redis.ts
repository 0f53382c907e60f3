import { Redis } from 'ioredis';
import { describe, it } from 'vitest';

/** The Redis the tests use: PARLEY_TEST_REDIS_URL, or a local server on the default port. */
export const redisTestUrl = process.env.PARLEY_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** How long a test run waits for Redis to answer before treating it as absent. */
const PROBE_TIMEOUT_MS = 500;

/**
 * Whether Redis answers PING at {@link redisTestUrl} within 500 ms. Never throws and never
 * retries, so an absent server costs half a second, not a hang.
 */
export async function redisAvailable(): Promise<boolean> {
  const client = new Redis(redisTestUrl, {
    lazyConnect: true,
    connectTimeout: PROBE_TIMEOUT_MS,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  // Connection errors surface through the awaited promise; this only silences ioredis's logging.
  client.on('error', () => {});
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), PROBE_TIMEOUT_MS);
  });
  const probe = client
    .connect()
    .then(() => client.ping())
    .then((reply) => reply === 'PONG')
    .catch(() => false);
  try {
    return await Promise.race([probe, timeout]);
  } finally {
    clearTimeout(timer);
    client.disconnect();
  }
}

/** Host and port of the test URL, for messages. */
function redisAddress(): string {
  try {
    const url = new URL(redisTestUrl);
    return `${url.hostname}:${url.port || '6379'}`;
  } catch {
    return redisTestUrl;
  }
}

/**
 * `describe` for suites that need a real Redis. Without one the suite is skipped with a single
 * warning, unless PARLEY_REQUIRE_REDIS=1 (as in CI), where it fails so a missing service cannot
 * pass silently.
 *
 * @example
 * await describeWithRedis('RedisStore', () => {
 *   it('pings', async () => { ... });
 * });
 */
export async function describeWithRedis(name: string, fn: () => void): Promise<void> {
  if (await redisAvailable()) {
    describe(name, fn);
    return;
  }
  if (process.env.PARLEY_REQUIRE_REDIS === '1') {
    describe(name, () => {
      it('has a Redis server to test against', () => {
        throw new Error(
          `Redis required (PARLEY_REQUIRE_REDIS=1) but ${redisAddress()} does not answer`,
        );
      });
    });
    return;
  }
  console.warn(
    `Skipping Redis suite ${name}: no Redis at ${redisTestUrl}. Start redis-server or set ` +
      'PARLEY_TEST_REDIS_URL; CI sets PARLEY_REQUIRE_REDIS=1.',
  );
  describe.skip(name, fn);
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
