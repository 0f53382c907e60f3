import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { hashSessionId } from '../logger.js';

/** The request id header, read from trusted callers and always echoed back. */
export const REQUEST_ID_HEADER = 'X-Request-Id';
const SANE_REQUEST_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Paths polled by probes and scrapers; logging each poll would drown the real traffic. */
export const QUIET_PATHS: readonly string[] = ['/healthz', '/readyz', '/metrics'];

/**
 * Fields a route may add to its request's log line through `res.locals.logFields`: counts, names,
 * hashes. Never message text, tokens or raw session ids (see {@link addLogFields}).
 */
export type LogFields = Record<
  string,
  string | number | boolean | string[] | Record<string, number> | undefined
>;

/** Keys dropped from `logFields` whatever a route puts there: they would be content or secrets. */
const FORBIDDEN_FIELDS = new Set([
  'authorization',
  'cookie',
  'token',
  'sessionToken',
  'message',
  'text',
  'body',
  'content',
]);

export interface RequestLoggerOptions {
  logger: Logger;
  /** Paths logged only when they fail (status ≥ 500); default {@link QUIET_PATHS}. */
  quietPaths?: readonly string[];
  /**
   * Whether an incoming `X-Request-Id` is taken over. Only a proxy Parley trusts
   * (`PARLEY_TRUST_PROXY` > 0) sets one; from anyone else it would let a client plant ids in the
   * logs (to collide with or impersonate other requests), so it is ignored. Default false.
   */
  trustRequestId?: boolean;
}

/**
 * Adds fields to this request's log line (merged into `res.locals.logFields`). A `sessionId`
 * field is replaced by its hash under `session`; fields named like content or credentials are
 * dropped, so a careless call cannot leak them.
 *
 * @example
 * addLogFields(res, { sessionId: session.id, toolsUsed, handoffs: 1, usage: { inputTokens: 812 } });
 */
export function addLogFields(res: Response, fields: LogFields): void {
  res.locals.logFields = { ...(res.locals.logFields as LogFields | undefined), ...fields };
}

/**
 * One JSON log line per request, written when the response ends: `reqId`, `method`, `route`
 * (the matched pattern, so `/api/admin/tickets/:id` rather than the id), `status`,
 * `responseTime` in ms, plus the route's `res.locals.logFields`. Nothing else of the request is
 * logged: no headers (so no Authorization or Cookie), no query string, no body.
 *
 * The request id comes from an incoming `X-Request-Id` when the request came through a trusted
 * proxy and the id looks like one (≤ 64 characters of `[A-Za-z0-9_-]`, as proxies generate them),
 * so logs join up across hops; otherwise it is a new UUID.
 * It is returned as `X-Request-Id` and bound to `req.log`, so route logs carry it too.
 *
 * @example
 * app.use(requestLogger({ logger }));
 */
export function requestLogger(options: RequestLoggerOptions): RequestHandler {
  const quietPaths = new Set(options.quietPaths ?? QUIET_PATHS);
  const lineFor = (req: IncomingMessage, res: ServerResponse, responseTime: number) =>
    logLine(req as Request, res as Response, responseTime);

  const middleware = pinoHttp({
    logger: options.logger,
    genReqId: (req, res) => {
      const incoming = options.trustRequestId ? req.headers['x-request-id'] : undefined;
      const id =
        typeof incoming === 'string' && SANE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
      res.setHeader(REQUEST_ID_HEADER, id);
      return id;
    },
    // Bind only reqId to req.log/res.log: the default child binding would carry the whole
    // serialized request (headers included) into every line.
    quietReqLogger: true,
    quietResLogger: true,
    serializers: {
      req: (req: { method?: string }) => ({ method: req.method }),
      res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
    },
    customLogLevel: (req, res, error) => {
      if (error || res.statusCode >= 500) return 'error';
      return quietPaths.has(pathOf(req as Request)) ? 'silent' : 'info';
    },
    customSuccessObject: (req, res, val: { responseTime: number }) =>
      lineFor(req, res, val.responseTime),
    customErrorObject: (req, res, error, val: { responseTime: number }) => ({
      ...lineFor(req, res, val.responseTime),
      err: { name: error.name, message: error.message },
    }),
    customSuccessMessage: () => 'request completed',
    customErrorMessage: () => 'request failed',
  });
  return function requestLoggerMiddleware(req, res, next) {
    middleware(req, res, next);
  };
}

function logLine(req: Request, res: Response, responseTime: number): Record<string, unknown> {
  return {
    method: req.method,
    route: routeOf(req),
    status: res.statusCode,
    responseTime,
    ...safeFields(res.locals.logFields as LogFields | undefined),
  };
}

/** The matched route pattern, or the bare path (no query string) when no route matched. */
function routeOf(req: Request): string {
  const pattern = (req.route as { path?: unknown } | undefined)?.path;
  if (typeof pattern === 'string') return `${req.baseUrl}${pattern}`;
  return pathOf(req);
}

function pathOf(req: Request): string {
  const url = req.originalUrl ?? req.url ?? '';
  const end = url.indexOf('?');
  return end === -1 ? url : url.slice(0, end);
}

function safeFields(fields: LogFields | undefined): LogFields {
  if (!fields) return {};
  const safe: LogFields = {};
  for (const [key, value] of Object.entries(fields)) {
    if (FORBIDDEN_FIELDS.has(key)) continue;
    if (key === 'sessionId')
      safe.session = typeof value === 'string' ? hashSessionId(value) : undefined;
    else safe[key] = value;
  }
  return safe;
}
