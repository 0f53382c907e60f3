import type { Request, RequestHandler, Response } from 'express';
import { ipKeyGenerator, MemoryStore, rateLimit, type Store } from 'express-rate-limit';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { HttpError } from './errors.js';
import { failureLimit } from './failure-limit.js';
import { createRateLimitHealth, type RateLimitHealth } from './rate-limit-health.js';

/** The limiters by name; the name labels `parley_rate_limited_total` and the `RateLimit` header. */
export type LimiterName =
  | 'ip-messages'
  | 'session-messages'
  | 'ip-sessions'
  | 'ip-reads'
  | 'ip-feedback'
  | 'auth-failures'
  | 'sign-in-account'
  | 'sign-in-account-total';

/** Failed operator-token attempts allowed per address in {@link AUTH_FAILURE_WINDOW_MS}. */
export const AUTH_FAILURES_PER_WINDOW = 20;
export const AUTH_FAILURE_WINDOW_MS = 15 * 60_000;
/** Failed console sign-ins allowed per account from one address in {@link AUTH_FAILURE_WINDOW_MS}. */
export const SIGN_IN_FAILURES_PER_ACCOUNT = 5;
/**
 * Failed sign-ins allowed per account from all addresses together: guessing from many addresses
 * stays bounded, while locking someone out takes far more than a handful of requests.
 */
export const SIGN_IN_FAILURES_PER_ACCOUNT_TOTAL = 50;

/** IPv6 clients are grouped by /56, the block an ISP typically hands one household. */
export const IPV6_SUBNET = 56;

export interface RateLimitsOptions {
  config: Config['limits'];
  /**
   * The store of one limiter's counters (Redis or the database), so limits hold across instances;
   * undefined (or no function) counts in this process's memory.
   */
  storeFor?: (limiter: LimiterName) => Store | undefined;
  logger: Logger;
  /** Called on every refused request (metrics). */
  onLimited?: (limiter: LimiterName) => void;
  /** Called on every failed call to a shared store (metrics). */
  onStoreError?: (limiter: string) => void;
  /** Called when a limiter's shared store goes down or comes back (metrics). */
  onStoreStateChange?: (limiter: string, failing: boolean) => void;
}

export interface RateLimits {
  /** Messages per minute per client IP. Mount on `POST /api/chat`. */
  ipMessages: RequestHandler;
  /**
   * Messages per minute per session. Keys by `res.locals.session.id`, so it goes after the
   * middleware that resolves the session; without a session the limiter passes.
   */
  sessionMessages: RequestHandler;
  /**
   * New sessions per hour per client IP. Goes between resolving the caller's session and creating
   * one: it counts exactly the requests that are about to create a session (`res.locals.session`
   * unset after resolution), whatever headers they carry.
   */
  ipSessions: RequestHandler;
  /** History pages and event streams opened per minute per client IP. */
  ipReads: RequestHandler;
  /** Ratings per minute per client IP. */
  ipFeedback: RequestHandler;
  /**
   * Failed operator-token attempts per client IP: {@link AUTH_FAILURES_PER_WINDOW} in 15 minutes,
   * then every request from that address is refused until the window ends. A route marks a
   * failed attempt with `res.locals.authFailed = true`; it counts once answered, and other
   * requests are never counted, however many run at once (see {@link failureLimit}).
   */
  authFailures: RequestHandler;
  /**
   * Failed console sign-ins per client IP, in the same count as {@link authFailures}, but each
   * counted as it arrives (and taken back if it succeeds): passwords can be guessed, so a burst
   * of guesses sent at once must be bounded too.
   */
  signInAddress: RequestHandler;
  /**
   * Failed console sign-ins per account: {@link SIGN_IN_FAILURES_PER_ACCOUNT} in 15 minutes from
   * one address, {@link SIGN_IN_FAILURES_PER_ACCOUNT_TOTAL} from all of them, so guessing one
   * operator's password is throttled even from many addresses, and a stranger cannot lock them
   * out with five requests.
   */
  signInAccount: RequestHandler;
  /** Whether every limiter can reach its counters (read by `/readyz`). */
  health: RateLimitHealth;
}

interface LimiterSpec {
  name: LimiterName;
  windowMs: number;
  limit: number;
  message: string;
  key: (req: Request, res: Response) => string;
  skip?: (req: Request, res: Response) => boolean;
  /** Count only requests this calls unsuccessful (failed sign-ins). */
  failed?: (req: Request, res: Response) => boolean;
}

/**
 * The abuse limits in front of the model, built on express-rate-limit with draft-8 `RateLimit` /
 * `RateLimit-Policy` headers and `Retry-After` on refusals. Counts live where `storeFor` says
 * (Redis or the database, shared by every instance), otherwise in memory.
 * A refused request becomes `429 rate_limited` through the shared error handler. When limits are
 * disabled every limiter is a pass-through; log {@link rateLimitsDisabledWarning} at start-up.
 *
 * @example
 * const limits = createRateLimits({ config: config.limits, storeFor, logger, onLimited: metrics.rateLimited });
 * router.post('/api/chat', limits.ipMessages, limits.ipSessions, handler);
 */
export function createRateLimits(options: RateLimitsOptions): RateLimits {
  const { config } = options;
  const health = createRateLimitHealth({
    logger: options.logger,
    ...(options.onStoreError ? { onStoreError: options.onStoreError } : {}),
    ...(options.onStoreStateChange ? { onStateChange: options.onStoreStateChange } : {}),
  });
  if (!config.enabled) {
    return {
      ipMessages: passThrough,
      sessionMessages: passThrough,
      ipSessions: passThrough,
      ipReads: passThrough,
      ipFeedback: passThrough,
      authFailures: passThrough,
      signInAddress: passThrough,
      signInAccount: passThrough,
      health,
    };
  }
  const build = (spec: LimiterSpec) => {
    const store = options.storeFor?.(spec.name);
    return buildLimiter(spec, options, store && health.observe(spec.name, store));
  };
  // Failed token, session and password attempts from one address share one count.
  const addressCounts = health.observe(
    'auth-failures',
    options.storeFor?.('auth-failures') ?? new MemoryStore(),
  );
  const addressFailures = {
    windowMs: AUTH_FAILURE_WINDOW_MS,
    limit: AUTH_FAILURES_PER_WINDOW,
    message: 'Too many failed sign-in attempts from your network. Please try again later.',
    key: (req: Request) => clientIpKey(req),
    failed: (_req: Request, res: Response) => res.locals.authFailed === true,
  };
  const sessionId = (res: Response): string | undefined =>
    (res.locals.session as { id?: string } | undefined)?.id;
  return {
    ipMessages: build({
      name: 'ip-messages',
      windowMs: 60_000,
      limit: config.ipMessagesPerMinute,
      message: 'Too many messages from your network. Please wait a moment and try again.',
      key: (req) => clientIpKey(req),
    }),
    sessionMessages: build({
      name: 'session-messages',
      windowMs: 60_000,
      limit: config.sessionMessagesPerMinute,
      message: 'You are sending messages too quickly. Please wait a moment and try again.',
      key: (_req, res) => String(sessionId(res)),
      skip: (_req, res) => !sessionId(res),
    }),
    ipSessions: build({
      name: 'ip-sessions',
      windowMs: 60 * 60_000,
      limit: config.ipSessionsPerHour,
      message: 'Too many new conversations from your network. Please try again later.',
      key: (req) => clientIpKey(req),
      skip: (_req, res) => res.locals.session !== undefined,
    }),
    ipReads: build({
      name: 'ip-reads',
      windowMs: 60_000,
      limit: config.ipReadsPerMinute,
      message: 'Too many requests from your network. Please wait a moment and try again.',
      key: (req) => clientIpKey(req),
    }),
    ipFeedback: build({
      name: 'ip-feedback',
      windowMs: 60_000,
      limit: config.ipFeedbackPerMinute,
      message: 'Too many ratings from your network. Please wait a moment and try again.',
      key: (req) => clientIpKey(req),
    }),
    authFailures: failureLimit(
      { ...addressFailures, onLimited: () => options.onLimited?.('auth-failures') },
      addressCounts,
    ),
    // Password guesses count on arrival, so a burst of them at once is bounded too.
    signInAddress: buildLimiter(
      { name: 'auth-failures', ...addressFailures },
      options,
      addressCounts,
    ),
    signInAccount: both(
      build({
        name: 'sign-in-account',
        windowMs: AUTH_FAILURE_WINDOW_MS,
        limit: SIGN_IN_FAILURES_PER_ACCOUNT,
        message: 'Too many failed sign-ins for this account. Please try again later.',
        key: (req) => `${signInEmail(req)}|${clientIpKey(req)}`,
        failed: (_req, res) => res.locals.authFailed === true,
      }),
      build({
        name: 'sign-in-account-total',
        windowMs: AUTH_FAILURE_WINDOW_MS,
        limit: SIGN_IN_FAILURES_PER_ACCOUNT_TOTAL,
        message: 'Too many failed sign-ins for this account. Please try again later.',
        key: (req) => signInEmail(req),
        failed: (_req, res) => res.locals.authFailed === true,
      }),
    ),
    health,
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

function buildLimiter(
  spec: LimiterSpec,
  options: RateLimitsOptions,
  store: Store | undefined,
): RequestHandler {
  const failed = spec.failed;
  const handler = rateLimit({
    windowMs: spec.windowMs,
    limit: spec.limit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    identifier: spec.name,
    keyGenerator: spec.key,
    ...(spec.skip ? { skip: spec.skip } : {}),
    ...(failed
      ? { skipSuccessfulRequests: true, requestWasSuccessful: (req, res) => !failed(req, res) }
      : {}),
    ...(store ? { store } : {}),
    // A Redis hiccup must not take the chat down with it. The library would log every request it
    // lets through; the store's health tracker logs once when it fails and once when it recovers.
    passOnStoreError: true,
    logger: {
      error: (error, message) => {
        if (message?.includes('error from store')) return;
        options.logger.error({ err: errorSummary(error), limiter: spec.name }, message);
      },
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

/** The account a sign-in names, normalised as accounts are stored. */
function signInEmail(req: Request): string {
  const email = (req.body as { email?: unknown } | undefined)?.email;
  return typeof email === 'string' ? email.trim().toLowerCase().slice(0, 254) : '';
}

/** Two limiters in a row, as one middleware. */
function both(first: RequestHandler, second: RequestHandler): RequestHandler {
  return function bothLimiters(req, res, next) {
    first(req, res, (error?: unknown) => (error ? next(error) : second(req, res, next)));
  };
}

function errorSummary(error: unknown): { name?: string; message: string } {
  return error instanceof Error
    ? { name: error.name, message: error.message }
    : { message: String(error) };
}

const passThrough: RequestHandler = function rateLimitDisabled(_req, _res, next) {
  next();
};
