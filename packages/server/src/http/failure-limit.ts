import type { Request, RequestHandler, Response } from 'express';
import type { Options, Store } from 'express-rate-limit';
import { HttpError } from './errors.js';

export interface FailureLimitSpec {
  windowMs: number;
  /** Failures allowed per key in a window; past it every request of that key is refused. */
  limit: number;
  message: string;
  key: (req: Request, res: Response) => string;
  /** Whether the request, once answered, was a failed attempt. */
  failed: (req: Request, res: Response) => boolean;
  /** Called on every refused request (metrics). */
  onLimited?: () => void;
}

/**
 * A limit on failed attempts at a credential that cannot be guessed in practice (the operator
 * token, a console session id): only answered failures count, and once a key has `limit` of them
 * in the window every request of that key is refused, the right credential too, so the lockout
 * tells a guesser nothing.
 *
 * express-rate-limit's `skipSuccessfulRequests` counts each request as it arrives and takes the
 * good ones back when they end; on a shared store the takings-back land after the next arrivals,
 * so 60 good requests at once from one integration (or one office's NAT) got 40 refusals as
 * "too many failed sign-ins". The price of counting after the answer is that a burst of guesses
 * sent at once is checked before any of them counts, so this is not the limit for passwords:
 * sign-ins keep the count-on-arrival limiter per account.
 *
 * A store that fails lets requests through; its health tracker says so.
 */
export function failureLimit(spec: FailureLimitSpec, store: Store): RequestHandler {
  store.init?.({ windowMs: spec.windowMs } as Options);
  return async function failureLimitMiddleware(req, res, next) {
    const key = spec.key(req, res);
    const counted = await Promise.resolve(store.get?.(key)).catch(() => undefined);
    if (counted && counted.totalHits >= spec.limit) {
      const resetTime = counted.resetTime?.getTime() ?? Date.now() + spec.windowMs;
      res.setHeader('Retry-After', Math.max(1, Math.ceil((resetTime - Date.now()) / 1000)));
      spec.onLimited?.();
      next(new HttpError('rate_limited', spec.message));
      return;
    }
    res.once('close', () => {
      if (spec.failed(req, res)) {
        Promise.resolve(store.increment(key)).catch(() => {
          // The store's health tracker reports it.
        });
      }
    });
    next();
  };
}
