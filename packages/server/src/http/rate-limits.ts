import type { Request, RequestHandler, Response } from 'express';
import { ipKeyGenerator, rateLimit, type Store } from 'express-rate-limit';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { type RedisReply, RedisStore } from 'rate-limit-redis';
import type { Config } from '../config.js';
import { HttpError } from './errors.js';
import { readCookie, SESSION_COOKIE } from './session-identity.js';

/** The limiters by name; the name labels `parley_rate_limited_total` and the `RateLimit` header. */
export type LimiterName = 'ip-messages' | 'session-messages' | 'ip-sessions';

/** Where Redis keeps the counters; one sub-prefix per limiter so their counts never mix. */
export const DEFAULT_RATE_LIMIT_PREFIX = 'parley:rl:';

/** IPv6 clients are grouped by /56, the block an ISP typically hands one household. */
export const IPV6_SUBNET = 56;

export interface RateLimitsOptions {
  config: Config['limits'];
  /** Shared counters across instances; without it each instance counts in its own memory. */
  redis?: Redis;
  logger: Logger;
  /** Called on every refused request (metrics). */
  onLimited?: (limiter: LimiterName) => void;
  /** Key prefix in Redis; default {@link DEFAULT_RATE_LIMIT_PREFIX}. */
  keyPrefix?: string;
}

export interface RateLimits {
  /** Messages per minute per client IP. Mount on `POST /api/chat`. */
  ipMessages: RequestHandler;
  /**
   * Messages per minute per session. Keys by `res.locals.sessionId`, which the route sets once it
   * has resolved the caller's session; without it the limiter passes. So it must run after
   * session resolution, inside the chat route (see `runMiddleware`).
   */
  sessionMessages: RequestHandler;
  /**
   * New sessions per hour per client IP. A message that presents no session credentials (no
   * Bearer token, no session cookie) is about to create a session, so only those count.
   */
  ipSessions: RequestHandler;
}

interface LimiterSpec {
  name: LimiterName;
  prefix: string;
  windowMs: number;
  limit: number;
  message: string;
  key: (req: Request, res: Response) => string;
  skip?: (req: Request, res: Response) => boolean;
}

/**
 * The abuse limits in front of the model, built on express-rate-limit with draft-8 `RateLimit` /
 * `RateLimit-Policy` headers and `Retry-After` on refusals. With a Redis client the counts live
 * in Redis (`rate-limit-redis`), so the limits hold across every instance; otherwise in memory.
 * A refused request becomes `429 rate_limited` through the shared error handler. When limits are
 * disabled every limiter is a pass-through; log {@link rateLimitsDisabledWarning} at start-up.
 *
 * @example
 * const limits = createRateLimits({ config: config.limits, redis, logger, onLimited: metrics.rateLimited });
 * router.post('/api/chat', limits.ipMessages, limits.ipSessions, handler);
 */
export function createRateLimits(options: RateLimitsOptions): RateLimits {
  const { config } = options;
  if (!config.enabled) {
    return { ipMessages: passThrough, sessionMessages: passThrough, ipSessions: passThrough };
  }
  const prefix = options.keyPrefix ?? DEFAULT_RATE_LIMIT_PREFIX;
  const build = (spec: LimiterSpec) => buildLimiter(spec, options);
  return {
    ipMessages: build({
      name: 'ip-messages',
      prefix: `${prefix}ip-msg:`,
      windowMs: 60_000,
      limit: config.ipMessagesPerMinute,
      message: 'Too many messages from your network. Please wait a moment and try again.',
      key: (req) => clientIpKey(req),
    }),
    sessionMessages: build({
      name: 'session-messages',
      prefix: `${prefix}session-msg:`,
      windowMs: 60_000,
      limit: config.sessionMessagesPerMinute,
      message: 'You are sending messages too quickly. Please wait a moment and try again.',
      key: (_req, res) => String(res.locals.sessionId),
      skip: (_req, res) => typeof res.locals.sessionId !== 'string' || res.locals.sessionId === '',
    }),
    ipSessions: build({
      name: 'ip-sessions',
      prefix: `${prefix}ip-sessions:`,
      windowMs: 60 * 60_000,
      limit: config.ipSessionsPerHour,
      message: 'Too many new conversations from your network. Please try again later.',
      key: (req) => clientIpKey(req),
      skip: (req) => presentsSession(req),
    }),
  };
}

/**
 * The text to log (at warn) at start-up when `PARLEY_RATE_LIMITS=off`: without limits one client
 * can spend the operator's whole model budget.
 */
export function rateLimitsDisabledWarning(): string {
  return (
    'RATE LIMITS ARE OFF (PARLEY_RATE_LIMITS=off): any client can send unlimited messages and open ' +
    'unlimited sessions, and every message may cost model tokens. Use this only behind a proxy that ' +
    'enforces its own limits, or for load tests.'
  );
}

/**
 * The client's rate-limit key: the IP Express derived (honouring `trust proxy`), with IPv6
 * addresses reduced to their /56 so one household cannot rotate through its addresses.
 */
export function clientIpKey(req: Request): string {
  const ip = req.ip ?? req.socket.remoteAddress ?? 'unknown';
  return ipKeyGenerator(ip, IPV6_SUBNET);
}

function buildLimiter(spec: LimiterSpec, options: RateLimitsOptions): RequestHandler {
  const handler = rateLimit({
    windowMs: spec.windowMs,
    limit: spec.limit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    identifier: spec.name,
    keyGenerator: spec.key,
    ...(spec.skip ? { skip: spec.skip } : {}),
    store: createStore(spec.prefix, options.redis),
    // A Redis hiccup must not take the chat down with it; the error is logged.
    passOnStoreError: true,
    logger: {
      error: (error, message) =>
        options.logger.error({ err: errorSummary(error), limiter: spec.name }, message),
      warn: (error, message) =>
        options.logger.warn({ err: errorSummary(error), limiter: spec.name }, message),
    },
    handler: (_req, _res, next) => {
      options.onLimited?.(spec.name);
      // `Retry-After` and the `RateLimit` headers are already on the response; the shared error
      // handler writes the ErrorBody.
      next(new HttpError('rate_limited', spec.message));
    },
  });
  // A named function so stack traces and Express's layer names say which limiter ran.
  return function rateLimitMiddleware(req, res, next) {
    handler(req, res, next);
  };
}

function createStore(prefix: string, redis: Redis | undefined): Store | undefined {
  if (!redis) return undefined;
  return new RedisStore({
    prefix,
    sendCommand: (command: string, ...args: string[]) =>
      redis.call(command, ...args) as Promise<RedisReply>,
  });
}

/** Whether the request carries session credentials (so it will not create a new session). */
function presentsSession(req: Request): boolean {
  return (
    req.get('authorization') !== undefined ||
    readCookie(req.get('cookie'), SESSION_COOKIE) !== undefined
  );
}

function errorSummary(error: unknown): { name?: string; message: string } {
  return error instanceof Error
    ? { name: error.name, message: error.message }
    : { message: String(error) };
}

const passThrough: RequestHandler = function rateLimitDisabled(_req, _res, next) {
  next();
};
