import cors from 'cors';
import type { Request, RequestHandler } from 'express';
import { HttpError } from './errors.js';

/** Methods the widget uses; a preflight answers with exactly these. */
export const CORS_METHODS = 'GET, POST, DELETE, OPTIONS';
/** Request headers the widget sends besides the CORS-safelisted ones. */
export const CORS_ALLOWED_HEADERS = 'Content-Type, Authorization, Idempotency-Key';
/** Response headers the widget reads: rate-limit back-off and the id to quote in bug reports. */
export const CORS_EXPOSED_HEADERS = 'Retry-After, RateLimit, RateLimit-Policy, X-Request-Id';
/** Browsers cache a preflight this long (seconds); Chromium caps it at 7200 anyway. */
export const CORS_MAX_AGE_SECONDS = 600;

const STATE_CHANGING_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface OriginPolicyOptions {
  /** Exact origins of the sites that embed the widget (`PARLEY_ALLOWED_ORIGINS`, normalised). */
  allowedOrigins: readonly string[];
  /** This server's own origin for a request; see {@link ownOriginResolver}. */
  ownOrigin: (req: Request) => string;
}

/**
 * The server's own origin: `PARLEY_PUBLIC_URL` when the operator set it (behind a proxy the Host
 * header may be internal), else the scheme and host the request arrived with. The demo page is
 * served from here, so it is always an allowed origin.
 *
 * @example
 * const ownOrigin = ownOriginResolver(config.publicUrl);
 */
export function ownOriginResolver(publicUrl: string | undefined): (req: Request) => string {
  const fixed = publicUrl === undefined ? undefined : normaliseOrigin(publicUrl);
  return function ownOrigin(req) {
    return fixed ?? `${req.protocol}://${req.get('host') ?? ''}`;
  };
}

/**
 * CORS for the widget's API calls. Allowed origins (and the server's own) get their origin
 * reflected with credentials, so the session cookie travels; every other origin gets no CORS
 * headers at all, and the browser keeps the response from the page. `Vary: Origin` is always set
 * because the answer depends on the Origin header, and a shared cache must not mix them up.
 *
 * A preflight from an origin that is not allowed is answered `403 origin_not_allowed`: the
 * browser fails it either way, and the JSON body tells the developer looking at the network tab
 * why, instead of a puzzling 404.
 *
 * @example
 * app.use('/api', corsForWidget({ allowedOrigins: config.allowedOrigins, ownOrigin }));
 */
export function corsForWidget(options: OriginPolicyOptions): RequestHandler {
  const isAllowed = originMatcher(options);
  const allowed = cors({
    origin: true,
    credentials: true,
    methods: CORS_METHODS,
    allowedHeaders: CORS_ALLOWED_HEADERS,
    exposedHeaders: CORS_EXPOSED_HEADERS,
    maxAge: CORS_MAX_AGE_SECONDS,
  });
  return function corsForWidgetMiddleware(req, res, next) {
    res.vary('Origin');
    if (isAllowed(req)) {
      allowed(req, res, next);
      return;
    }
    if (req.method === 'OPTIONS' && req.get('access-control-request-method') !== undefined) {
      next(notAllowed(req));
      return;
    }
    next();
  };
}

/**
 * Refuses state-changing requests (POST, PUT, PATCH, DELETE) whose `Origin` is missing, `null` or
 * not allowed, with `403 origin_not_allowed`, before anything else runs. Browsers send Origin on
 * every such request, same-origin ones included, so a missing header means a script outside a
 * browser (which must then send one explicitly). This is the CSRF defence for the `SameSite=None`
 * session cookie: CORS alone does not stop a cross-site form POST from reaching the server.
 *
 * @example
 * app.use('/api/chat', requireAllowedOrigin({ allowedOrigins: config.allowedOrigins, ownOrigin }));
 */
export function requireAllowedOrigin(options: OriginPolicyOptions): RequestHandler {
  const isAllowed = originMatcher(options);
  return function requireAllowedOriginMiddleware(req, _res, next) {
    if (!STATE_CHANGING_METHODS.has(req.method) || isAllowed(req)) {
      next();
      return;
    }
    next(notAllowed(req));
  };
}

function originMatcher(options: OriginPolicyOptions): (req: Request) => boolean {
  const allowed = new Set(options.allowedOrigins.map((origin) => normaliseOrigin(origin)));
  return (req) => {
    // Browsers send the serialised origin exactly; anything else is not a browser's Origin.
    const origin = req.get('origin');
    if (origin === undefined || normaliseOrigin(origin) !== origin) return false;
    return allowed.has(origin) || origin === normaliseOrigin(options.ownOrigin(req));
  };
}

/**
 * The serialised origin of an http(s) URL, or undefined for anything else (`null`, other schemes,
 * garbage). Comparing serialised forms makes `https://Example.com:443` equal `https://example.com`.
 */
function normaliseOrigin(value: string | undefined): string | undefined {
  if (!value || value === 'null') return undefined;
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    return url.origin;
  } catch {
    return undefined;
  }
}

function notAllowed(req: Request): HttpError {
  const origin = req.get('origin');
  return new HttpError(
    'origin_not_allowed',
    origin === undefined
      ? 'Requests that change data must carry an Origin header from an allowed site'
      : 'This site is not allowed to use this chat server; add its origin to PARLEY_ALLOWED_ORIGINS',
  );
}
