import { type RequestHandler, Router } from 'express';
import { requireBearerToken } from '../http/bearer-token.js';
import type { Metrics } from './metrics.js';

export interface MetricsRouteOptions {
  metrics: Metrics;
  /** `PARLEY_METRICS_TOKEN`; when set, scrapers must send `Authorization: Bearer <token>`. */
  token: string | undefined;
  /** Throttles failed token attempts per address (the `authFailures` rate limit). */
  authFailures?: RequestHandler;
}

/**
 * `GET /metrics` in the Prometheus text format.
 *
 * With a token, a missing or wrong one is answered exactly like a route that does not exist
 * (`404 not_found`, same message as the catch-all), not 401: a 401 would tell every scanner the
 * endpoint is there and worth guessing at, and no shared error code means "operator token
 * missing" (`session_invalid` is about visitor sessions and would confuse clients that switch on
 * it). Without a token the endpoint is open, which suits a private network; on a public host set
 * the token or block `/metrics` at the proxy.
 *
 * @example
 * app.use(metricsRoute({ metrics, token: config.metricsToken }));
 */
export function metricsRoute(options: MetricsRouteOptions): Router {
  const router = Router();
  if (options.token !== undefined) {
    if (options.authFailures) router.use('/metrics', options.authFailures);
    router.use('/metrics', requireBearerToken(options.token));
  }
  router.get('/metrics', async function metricsEndpoint(_req, res) {
    const body = await options.metrics.registry.metrics();
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Content-Type', options.metrics.registry.contentType);
    res.send(body);
  });
  return router;
}
