import type { Options, Store } from 'express-rate-limit';
import type { Logger } from 'pino';

/**
 * Which limiters cannot reach their counters right now. A limiter whose store fails lets requests
 * through (a Redis hiccup must not take the chat down), so its failure has to be loud somewhere
 * else: one log line when it starts and one when it ends, a gauge, and `/readyz`.
 */
export interface RateLimitHealth {
  /** Names of the limiters whose store is failing now; empty when all count. */
  failing(): string[];
}

export interface RateLimitHealthOptions {
  logger: Logger;
  /** Called on every failed store call (a metric counter). */
  onStoreError?: (limiter: string) => void;
  /** Called when a limiter's store goes down (true) or comes back (false) (a gauge). */
  onStateChange?: (limiter: string, failing: boolean) => void;
}

export interface RateLimitHealthTracker extends RateLimitHealth {
  /** Wraps a limiter's store so its failures and recoveries are tracked. */
  observe(limiter: string, store: Store): Store;
}

/**
 * Tracks the health of every limiter's store.
 *
 * The wrapper also heals the store: after any failure its `init` runs again before the next call.
 * `rate-limit-redis` loads its Lua scripts in `init` and keeps the promise; if that load ever
 * fails (Redis not yet connected at start-up, or restarting when the scripts are reloaded), every
 * later call fails with the same stale error and the limits stay off for the life of the process.
 *
 * @example
 * const health = createRateLimitHealth({ logger });
 * rateLimit({ store: health.observe('ip-messages', new RedisStore(...)), passOnStoreError: true });
 */
export function createRateLimitHealth(options: RateLimitHealthOptions): RateLimitHealthTracker {
  const failing = new Set<string>();

  const down = (limiter: string, error: unknown) => {
    options.onStoreError?.(limiter);
    if (failing.has(limiter)) return;
    failing.add(limiter);
    options.onStateChange?.(limiter, true);
    options.logger.error(
      { limiter, err: { message: error instanceof Error ? error.message : String(error) } },
      'rate-limit store failing: this limit is NOT enforced until it recovers',
    );
  };
  const up = (limiter: string) => {
    if (!failing.delete(limiter)) return;
    options.onStateChange?.(limiter, false);
    options.logger.warn({ limiter }, 'rate-limit store recovered: the limit is enforced again');
  };

  function observe(limiter: string, inner: Store): Store {
    let initOptions: Options | undefined;
    let needsInit = false;

    const init = async () => {
      if (initOptions) await inner.init?.(initOptions);
      needsInit = false;
    };
    const guarded = async <T>(call: () => Promise<T> | T): Promise<T> => {
      try {
        if (needsInit) await init();
        const result = await call();
        up(limiter);
        return result;
      } catch (error) {
        needsInit = true;
        down(limiter, error);
        throw error;
      }
    };

    const store: Store = {
      init(options) {
        initOptions = options;
        // A failed start is not fatal: the first request retries it, and reports it if it fails.
        Promise.resolve(inner.init?.(options)).catch((error: unknown) => {
          needsInit = true;
          down(limiter, error);
        });
      },
      increment: (key) => guarded(() => inner.increment(key)),
      decrement: (key) => guarded(() => inner.decrement(key)),
      resetKey: (key) => guarded(() => inner.resetKey(key)),
      ...(inner.get ? { get: (key: string) => guarded(() => inner.get!(key)) } : {}),
      ...(inner.prefix === undefined ? {} : { prefix: inner.prefix }),
      localKeys: inner.localKeys ?? false,
    };
    return store;
  }

  return { observe, failing: () => [...failing].sort() };
}
