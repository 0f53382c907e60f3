import { resolve } from 'node:path';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { ParleyStore, StoreLimits } from './store.js';
import { MemoryStore } from './stores/memory-store.js';
import { DEFAULT_REDIS_CONNECT_TIMEOUT_MS, RedisStore } from './stores/redis-store.js';
import { SqliteStore } from './stores/sqlite-store.js';

export interface CreateStoreOptions {
  clock: Clock;
  limits: StoreLimits;
  /** Bound on sessions for the memory store. */
  maxMemorySessions?: number;
  /** How long to wait for Redis to answer at start-up; default 5 s. */
  redisConnectTimeoutMs?: number;
  /** Prefix of the Redis store's keys. */
  redisKeyPrefix?: string;
}

/**
 * Opens the store named by a PARLEY_STORE value:
 * - `memory`: in process, lost on restart;
 * - `sqlite:<path>`: a SQLite file, the path relative to the working directory
 *   (`sqlite::memory:` for a throwaway database);
 * - `redis://…` or `rediss://…`: Redis, waiting until it answers so a wrong URL stops start-up
 *   with a clear message instead of failing the first visitor.
 *
 * @example
 * const store = await createStore('sqlite:data/parley.db', { clock: systemClock, limits });
 */
export async function createStore(spec: string, options: CreateStoreOptions): Promise<ParleyStore> {
  const { clock, limits } = options;
  const value = spec.trim();

  if (value === 'memory') {
    return options.maxMemorySessions === undefined
      ? new MemoryStore({ clock, limits })
      : new MemoryStore({ clock, limits, maxSessions: options.maxMemorySessions });
  }

  if (value.startsWith('sqlite:')) {
    const path = value.slice('sqlite:'.length);
    if (path === '') {
      throw new Error(
        'PARLEY_STORE: "sqlite:" needs a file path, for example sqlite:data/parley.db',
      );
    }
    return new SqliteStore({ path: path === ':memory:' ? path : resolve(path), clock, limits });
  }

  if (value.startsWith('redis://') || value.startsWith('rediss://')) {
    const store = new RedisStore({
      url: value,
      clock,
      limits,
      ...(options.redisKeyPrefix ? { keyPrefix: options.redisKeyPrefix } : {}),
    });
    try {
      await store.ready(options.redisConnectTimeoutMs ?? DEFAULT_REDIS_CONNECT_TIMEOUT_MS);
    } catch (error) {
      await store.close();
      throw new Error(`PARLEY_STORE: ${(error as Error).message}`, { cause: error });
    }
    return store;
  }

  throw new Error(
    `PARLEY_STORE must be "memory", "sqlite:<path>" or a redis:// / rediss:// URL; got "${redactSpec(value)}"`,
  );
}

/** The value for an error message, without anything that looks like a password. */
function redactSpec(value: string): string {
  return value.replace(/\/\/([^/@]*)@/, '//***@').slice(0, 80);
}

/**
 * The store `PARLEY_STORE` names, with the lifetimes and bounds the configuration sets. Idempotency
 * records live as long as an idle session, so a retry is recognised for as long as it could come.
 */
export function createStoreFromConfig(
  config: Pick<
    Config,
    'store' | 'sessionTtlMs' | 'sessionMaxAgeMs' | 'memoryMaxSessions' | 'redisPrefix'
  >,
  clock: Clock,
): Promise<ParleyStore> {
  return createStore(config.store, {
    clock,
    limits: {
      sessionTtlMs: config.sessionTtlMs,
      sessionMaxAgeMs: config.sessionMaxAgeMs,
      idempotencyTtlMs: config.sessionTtlMs,
    },
    maxMemorySessions: config.memoryMaxSessions,
    redisKeyPrefix: config.redisPrefix,
  });
}
