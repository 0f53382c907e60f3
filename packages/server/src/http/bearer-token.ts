import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import { HttpError } from './errors.js';

/**
 * Whether the request carries `Authorization: Bearer <expected>`. Both sides are hashed before the
 * constant-time comparison, so neither the token's content nor its length leaks through timing.
 * Used by the operator endpoints (`/metrics`, `/api/admin/*`), never by visitor sessions.
 *
 * @example
 * if (!bearerTokenMatches(req, config.adminToken)) throw new HttpError('not_found', '...');
 */
export function bearerTokenMatches(req: Request, expected: string): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '');
  const presented = match?.[1];
  if (!presented) return false;
  return timingSafeEqual(digest(presented), digest(expected));
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/**
 * Marks a refused request as a failed guess for the `authFailures` limit, but only when it
 * presented a credential. A request with none proves nothing, and any web page can make a
 * visitor's browser send one (an `<img>` pointing at the API): counting those would let every
 * page its operators open lock them out.
 */
export function countFailedGuess(req: Request, res: Response): void {
  if (req.get('authorization') !== undefined) res.locals.authFailed = true;
}

/**
 * Lets a request through only with `Authorization: Bearer <token>`; anything else, and every
 * request while no token is configured, gets the same `404 not_found` as a route that does not
 * exist. A refused request is marked `res.locals.authFailed`, which the `authFailures` rate limit
 * counts, so guessing at the token is throttled per address.
 *
 * @example
 * router.use('/api/admin', limits.authFailures, requireBearerToken(config.adminToken));
 */
export function requireBearerToken(token: string | undefined): RequestHandler {
  return function requireBearerTokenMiddleware(req, res, next) {
    if (token !== undefined && bearerTokenMatches(req, token)) {
      next();
      return;
    }
    countFailedGuess(req, res);
    next(new HttpError('not_found', `No route for ${req.method} ${req.originalUrl.split('?')[0]}`));
  };
}
