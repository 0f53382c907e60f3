import type { Request, RequestHandler, Response } from 'express';

/**
 * Runs a middleware from inside a route handler and waits for it: resolves once it calls
 * `next()`, rejects with what it passes to `next(error)`. For middleware that needs something the
 * handler computes first, like the per-session rate limiter, which keys by the session the route
 * resolves and reads from `res.locals.sessionId`. The middleware must call `next` (Parley's
 * limiters always do, refusing through `next(error)`); one that answers the request itself would
 * leave the promise pending.
 *
 * @example
 * const session = await identity.findOrCreate(req, res);
 * res.locals.sessionId = session.id;
 * await runMiddleware(limits.sessionMessages, req, res); // throws HttpError('rate_limited')
 */
export function runMiddleware(
  middleware: RequestHandler,
  req: Request,
  res: Response,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    try {
      const result: unknown = middleware(req, res, (error?: unknown) => {
        if (error === undefined || error === null || error === 'route' || error === 'router')
          resolve();
        else reject(error);
      });
      if (result instanceof Promise) result.catch(reject);
    } catch (error) {
      reject(error);
    }
  });
}
