import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { StoreUnavailableError } from '../errors.js';
import type { TurnLocks } from './turn-locks.js';

/** How often failed releases are retried while Redis is unreachable. */
const RELEASE_RETRY_MS = 500;

/**
 * A lock lives this long unless its holder renews it (every third of it while the turn runs), so
 * the conversations of an instance that crashed are free again within seconds, not at the end of
 * the longest possible turn.
 */
export const REDIS_LOCK_LEASE_MS = 15_000;

/** Deletes the lock only if this holder still has it. */
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;
/** Extends the lock only if this holder still has it. */
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`;

/**
 * Turn locks in Redis (`SET NX PX`), when `PARLEY_REDIS_URL` is set, held on a short lease that the
 * holder renews while the turn runs (at most `ttlMs` in all). If Redis goes away mid-turn,
 * a release that fails (or a SET whose answer was lost: it may have been applied) is retried once
 * Redis answers again, so the visitor does not meet 409 until the lock expires. Releasing only
 * ever deletes this holder's lock.
 */
export function redisTurnLocks(
  redis: Redis,
  prefix: string,
  leaseMs = REDIS_LOCK_LEASE_MS,
): TurnLocks & { close(): void } {
  const unreleased = new Map<string, { holder: string; expiresAt: number }>();
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const retry = () => {
    if (closed || unreleased.size === 0) return;
    if (redis.status === 'ready') {
      for (const [key, { holder, expiresAt }] of unreleased) {
        if (Date.now() >= expiresAt) {
          unreleased.delete(key);
          continue;
        }
        redis.eval(RELEASE, 1, key, holder).then(
          () => {
            if (unreleased.get(key)?.holder === holder) unreleased.delete(key);
          },
          () => {},
        );
      }
    }
    timer ??= setTimeout(() => {
      timer = undefined;
      retry();
    }, RELEASE_RETRY_MS).unref();
  };

  return {
    async tryLock(conversationId, ttlMs) {
      const key = `${prefix}lock:${conversationId}`;
      const holder = randomUUID();
      const releaseLater = (error: unknown) => {
        unreleased.set(key, { holder, expiresAt: Date.now() + ttlMs });
        retry();
        return error;
      };
      const lease = Math.min(ttlMs, leaseMs);
      let taken: string | null;
      try {
        taken = await redis.set(key, holder, 'PX', lease, 'NX');
      } catch (error) {
        throw new StoreUnavailableError(releaseLater(error));
      }
      if (taken !== 'OK') return undefined;
      const until = Date.now() + ttlMs;
      const renewal = setInterval(() => {
        const left = until - Date.now();
        if (left <= 0) {
          clearInterval(renewal);
          return;
        }
        // Never past `ttlMs` in all. A failed renewal is retried at the next tick; the lease
        // covers two more.
        redis.eval(RENEW, 1, key, holder, String(Math.min(lease, left))).catch(() => {});
      }, lease / 3);
      renewal.unref();
      return {
        async release() {
          clearInterval(renewal);
          try {
            await redis.eval(RELEASE, 1, key, holder);
          } catch (error) {
            throw new StoreUnavailableError(releaseLater(error));
          }
        },
      };
    },
    close() {
      closed = true;
      clearTimeout(timer);
    },
  };
}
