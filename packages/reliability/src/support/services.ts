import { randomUUID } from 'node:crypto';
import { describeWithPostgres } from '@parley/testkit/postgres';
import {
  deleteRedisKeys,
  describeWithRedis,
  redisAvailable,
  redisTestUrl,
} from '@parley/testkit/redis';
import { Redis } from 'ioredis';

/**
 * `describe` for suites that need PostgreSQL and Redis: each missing service skips the suite, or
 * fails it when its PARLEY_REQUIRE_* variable is 1 (as in CI), exactly as its own helper would.
 */
export async function describeWithPostgresAndRedis(name: string, fn: () => void): Promise<void> {
  if (await redisAvailable()) return describeWithPostgres(name, fn);
  return describeWithRedis(name, fn);
}

/**
 * A key prefix of its own on the shared Redis (PARLEY_REDIS_PREFIX), so a run never meets another
 * run's locks or counters; `env` points an instance there, and `clear()` deletes its keys afterwards.
 */
export function redisNamespace(): {
  env: { PARLEY_REDIS_URL: string; PARLEY_REDIS_PREFIX: string };
  clear(): Promise<void>;
} {
  const prefix = `parley-reliability:${randomUUID().slice(0, 8)}:`;
  return {
    env: { PARLEY_REDIS_URL: redisTestUrl, PARLEY_REDIS_PREFIX: prefix },
    async clear() {
      const admin = new Redis(redisTestUrl);
      try {
        await deleteRedisKeys(admin, prefix);
      } finally {
        admin.disconnect();
      }
    },
  };
}
