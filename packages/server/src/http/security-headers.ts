import type { RequestHandler } from 'express';
import helmet from 'helmet';

/**
 * Paths other sites load directly: the widget script (a `<script src>` on the customer's page),
 * the parts it imports on demand (`/widget/markdown.js`…), and the demo page with its stylesheet.
 * Everything else is the JSON/SSE API. A path ending in `/*` stands for every path below it;
 * the others match exactly.
 */
export const CROSS_ORIGIN_PATHS: readonly string[] = ['/widget.js', '/widget/*', '/', '/demo.css'];

export interface SecurityHeadersOptions {
  /** Paths answered with `Cross-Origin-Resource-Policy: cross-origin`; default {@link CROSS_ORIGIN_PATHS}. */
  crossOriginPaths?: readonly string[];
}

/** Whether a request path is one of `paths` (exactly, or below a `/*` entry). */
function matcher(paths: readonly string[]): (path: string) => boolean {
  const exact = new Set(paths.filter((p) => !p.endsWith('/*')));
  const prefixes = paths.filter((p) => p.endsWith('/*')).map((p) => p.slice(0, -1));
  return (path) =>
    exact.has(path) ||
    prefixes.some((prefix) => path.startsWith(prefix) && path.length > prefix.length);
}

/**
 * Helmet's defaults on every response, with one exception: the paths in `crossOriginPaths` get
 * `Cross-Origin-Resource-Policy: cross-origin` instead of `same-origin`, because a customer's page
 * loads `/widget.js` with a no-cors `<script>` request, which a `same-origin` CORP would block.
 * (The parts are fetched with CORS, which CORP does not govern; they get it too, so a page
 * isolated with `Cross-Origin-Embedder-Policy` treats them like the script that loads them.)
 *
 * API responses keep `same-origin`: CORP only governs no-cors requests, and the widget calls the
 * API with CORS-mode `fetch`, so the policy costs the widget nothing while stopping other pages
 * from pulling API responses into their process as images or scripts. Helmet's default CSP stays
 * on too; it is harmless on JSON and on SSE, and the demo page replaces it with its own stricter
 * policy because route handlers set their headers after this middleware.
 *
 * Mount it first, before every route: `app.use(securityHeaders())`.
 *
 * @example
 * app.use(securityHeaders());
 * app.get('/widget.js', serveWidget(asset)); // gets CORP cross-origin
 * app.get('/widget/:file', serveWidgetPart(asset)); // so do the parts
 */
export function securityHeaders(options: SecurityHeadersOptions = {}): RequestHandler {
  const isCrossOrigin = matcher(options.crossOriginPaths ?? CROSS_ORIGIN_PATHS);
  const api = helmet();
  const embeddable = helmet({ crossOriginResourcePolicy: { policy: 'cross-origin' } });
  return function securityHeadersMiddleware(req, res, next) {
    const headers = isCrossOrigin(req.path) ? embeddable : api;
    headers(req, res, next);
  };
}
