import { Router } from 'express';
import type { Coordination } from '../coordination/coordination.js';
import type { RateLimitHealth } from '../http/rate-limit-health.js';
import type { Store } from '../store/store.js';
import type { TurnTracker } from './turn-tracker.js';

/** How long `/readyz` waits for the store before calling it unreachable. */
export const READINESS_STORE_TIMEOUT_MS = 1_000;

/** The `/readyz` body: an operations endpoint, read by load balancers and orchestrators. */
export interface ReadinessResponse {
  status: 'ready' | 'draining' | 'store_unreachable' | 'rate_limits_unavailable';
  /** With `rate_limits_unavailable`: the limiters that cannot reach their counters. */
  failingLimiters?: string[];
}

export interface ReadinessRouteOptions {
  store: Pick<Store, 'ping'>;
  /** Redis, when it coordinates instances; its outage also means "send visitors elsewhere". */
  coordination?: Pick<Coordination, 'ping'>;
  tracker: Pick<TurnTracker, 'draining'>;
  /** The rate limiters' stores; absent when every limiter counts in memory. */
  rateLimits?: RateLimitHealth;
  /** Default {@link READINESS_STORE_TIMEOUT_MS}. */
  timeoutMs?: number;
}

/**
 * `GET /readyz`: whether this instance should get new traffic. 200 `ready` when the store answers
 * a ping within a second, every rate limiter reaches its counters, and the instance is not
 * shutting down; otherwise 503 with `draining`, `store_unreachable` or `rate_limits_unavailable`
 * (the limits are not enforced while their store fails), so a load balancer sends visitors to
 * another instance. `/healthz` stays the
 * liveness check: a draining or store-less process is still alive and must not be restarted for it.
 *
 * @example
 * app.use(readinessRoute({ store, tracker }));
 */
export function readinessRoute(options: ReadinessRouteOptions): Router {
  const timeoutMs = options.timeoutMs ?? READINESS_STORE_TIMEOUT_MS;
  const router = Router();
  router.get('/readyz', async function readiness(_req, res) {
    const failingLimiters = options.rateLimits?.failing() ?? [];
    const status = options.tracker.draining
      ? 'draining'
      : !(await pingWithin(options.store, timeoutMs)) ||
          (options.coordination && !(await pingWithin(options.coordination, timeoutMs)))
        ? 'store_unreachable'
        : failingLimiters.length > 0
          ? 'rate_limits_unavailable'
          : 'ready';
    const body: ReadinessResponse =
      status === 'rate_limits_unavailable' ? { status, failingLimiters } : { status };
    res.setHeader('Cache-Control', 'no-store');
    res.status(status === 'ready' ? 200 : 503).json(body);
  });
  return router;
}

async function pingWithin(store: { ping(): Promise<void> }, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([
      store.ping().then(
        () => true,
        () => false,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
