import type { Request, RequestHandler } from 'express';
import { HttpError } from './errors.js';
import { clientIpKey } from './rate-limits.js';

/** What a refused client is told to wait, in seconds: streams end quickly, so retry soon. */
export const STREAM_RETRY_AFTER_SECONDS = 5;

export interface StreamLimitOptions {
  /** Open event streams allowed per client IP (IPv6 grouped by /56). */
  maxPerIp: number;
  /** `false` (PARLEY_RATE_LIMITS=off) makes this a pass-through. Default true. */
  enabled?: boolean;
  /** Called on every refused request (metrics: `rateLimited('streams')`). */
  onLimited?: () => void;
}

/** The middleware, plus how many streams are open now (tests, debugging). */
export interface StreamLimiter extends RequestHandler {
  readonly openStreams: number;
}

/**
 * Caps concurrently open responses per client IP on the routes it guards, grouped like the rate
 * limits. Every request counts, whatever its `Accept` says: `/api/chat/events` streams to any
 * client, and a JSON turn holds its connection as long as a streamed one. A request counts from
 * this middleware until its response closes (finished, failed or abandoned by the client). Over the cap: `429 rate_limited` with
 * `Retry-After: 5`.
 *
 * The count is per instance, in process memory: open streams are connections this process holds,
 * and a counter in Redis would outlive a crashed instance and lock its clients out. With N
 * instances behind a balancer a client can hold up to N × maxPerIp streams.
 *
 * @example
 * router.post('/api/chat', limitConcurrentStreams({ maxPerIp: config.limits.maxStreamsPerIp }), handler);
 */
export function limitConcurrentStreams(options: StreamLimitOptions): StreamLimiter {
  const open = new Map<string, number>();
  let total = 0;
  const enabled = options.enabled ?? true;

  const middleware = function limitConcurrentStreamsMiddleware(req: Request, res, next) {
    if (!enabled) {
      next();
      return;
    }
    const key = clientIpKey(req);
    const current = open.get(key) ?? 0;
    if (current >= options.maxPerIp) {
      options.onLimited?.();
      next(
        new HttpError(
          'rate_limited',
          'Too many conversations are streaming from your network at once. Please try again shortly.',
          {
            headers: { 'Retry-After': String(STREAM_RETRY_AFTER_SECONDS) },
          },
        ),
      );
      return;
    }
    open.set(key, current + 1);
    total++;
    let released = false;
    res.once('close', () => {
      if (released) return;
      released = true;
      total--;
      const left = (open.get(key) ?? 1) - 1;
      if (left <= 0) open.delete(key);
      else open.set(key, left);
    });
    next();
  } as RequestHandler;

  return Object.defineProperty(middleware, 'openStreams', { get: () => total }) as StreamLimiter;
}
