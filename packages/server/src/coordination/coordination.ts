import type { Store as RateLimitStore } from 'express-rate-limit';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { type RedisReply, RedisStore } from 'rate-limit-redis';
import { ConfigError, StoreUnavailableError } from '../errors.js';
import type { Store } from '../store/store.js';
import { type EventBus, memoryBus } from './event-bus.js';
import { memoryTurnLocks } from './memory-turn-locks.js';
import { postgresBus } from './postgres-bus.js';
import { postgresTurnLocks } from './postgres-turn-locks.js';
import { redisBus } from './redis-bus.js';
import { redisTurnLocks } from './redis-turn-locks.js';
import { SqlRateLimitStore } from './sql-rate-limit-store.js';
import type { TurnLocks } from './turn-locks.js';

/**
 * What instances share besides the records: one turn at a time per conversation, rate-limit
 * counters, and the event bus. With Redis (`PARLEY_REDIS_URL`) all three live there; without it,
 * PostgreSQL does the job (advisory locks, a counters table, LISTEN/NOTIFY); a SQLite store is
 * one process, so locks, counters and the bus stay in its memory.
 * Nothing here must survive a restart: losing it costs at most a few rate-limit counts.
 */
export interface Coordination {
  readonly kind: 'redis' | 'postgres' | 'local';
  readonly locks: TurnLocks;
  readonly bus: EventBus;
  /** The store for one rate limiter's counters; undefined keeps them in this process's memory. */
  rateLimitStore(prefix: string): RateLimitStore | undefined;
  /** Throws when the coordination service does not answer (used by `/readyz`). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface CoordinationOptions {
  store: Store;
  /** `PARLEY_REDIS_URL`; unset coordinates through the store. */
  redisUrl?: string | undefined;
  /** Prefix of every Redis key and channel Parley uses. */
  redisPrefix: string;
  /** The PostgreSQL URL, when the store is PostgreSQL (its bus needs a connection of its own). */
  postgresUrl?: string | undefined;
  logger: Logger;
  /** How long start-up waits for Redis to answer. */
  connectTimeoutMs?: number;
}

/**
 * Connects what {@link Coordination} needs. Redis is connected (and answering) before anything is
 * built on it: rate-limit-redis loads its scripts as soon as a limiter exists, and against a
 * client still connecting those loads fail. An unreachable Redis stops start-up.
 */
export async function createCoordination(options: CoordinationOptions): Promise<Coordination> {
  const { store, logger } = options;
  if (options.redisUrl) {
    const redis = await connectRedis(options.redisUrl, logger, options.connectTimeoutMs ?? 5_000);
    const prefix = options.redisPrefix;
    const locks = redisTurnLocks(redis, prefix);
    const bus = await redisBus(redis, `${prefix}events`);
    return {
      kind: 'redis',
      locks,
      bus,
      rateLimitStore: (limiter) =>
        new RedisStore({
          prefix: `${prefix}rl:${limiter}`,
          sendCommand: (command: string, ...args: string[]) =>
            redis.call(command, ...args) as Promise<RedisReply>,
        }),
      async ping() {
        try {
          await redis.ping();
        } catch (error) {
          throw new StoreUnavailableError(error);
        }
      },
      async close() {
        locks.close();
        await bus.close();
        redis.disconnect();
      },
    };
  }
  if (store.context.dialect === 'postgres' && options.postgresUrl) {
    const locks = postgresTurnLocks({
      url: options.postgresUrl,
      onError: (error) =>
        logger.warn({ err: { message: error.message } }, 'turn-lock connection error'),
    });
    await locks.ready();
    const bus = postgresBus({
      url: options.postgresUrl,
      db: store.context.db,
      onError: (error) =>
        logger.warn({ err: { message: error.message } }, 'event bus connection error'),
    });
    await bus.ready();
    return {
      kind: 'postgres',
      locks,
      bus,
      rateLimitStore: (limiter) => new SqlRateLimitStore(store.context, `${limiter}:`),
      // `/readyz` pings the store itself; this checks the two connections kept outside its pool.
      // Asking for the lock session reopens it if it dropped.
      async ping() {
        await locks.ready();
        if (!bus.listening()) {
          throw new StoreUnavailableError(new Error('the event bus is reconnecting'));
        }
      },
      async close() {
        await bus.close();
        await locks.close();
      },
    };
  }
  const bus = memoryBus();
  return {
    kind: 'local',
    locks: memoryTurnLocks(),
    bus,
    rateLimitStore: () => undefined,
    ping: async () => {},
    close: () => bus.close(),
  };
}

async function connectRedis(url: string, logger: Logger, timeoutMs: number): Promise<Redis> {
  const redis = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    connectTimeout: timeoutMs,
  });
  redis.on('error', (error: Error) =>
    logger.warn({ err: { message: error.message } }, 'Redis error'),
  );
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    redis.disconnect();
    throw new ConfigError(
      `PARLEY_REDIS_URL: Redis at ${new URL(url).host} does not answer (${(error as Error).message})`,
    );
  }
  return redis;
}
