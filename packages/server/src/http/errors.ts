import type { ErrorBody, ErrorCode, ErrorIssue } from '@parley/shared';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import type * as z from 'zod';
import {
  ConversationNotFoundError,
  InvalidCursorError,
  isStoreUnavailable,
  ParleyError,
} from '../errors.js';

/** The HTTP status each error code is answered with. */
export const STATUS_BY_CODE: Record<ErrorCode, number> = {
  invalid_request: 400,
  unsupported_media_type: 415,
  payload_too_large: 413,
  origin_not_allowed: 403,
  session_invalid: 401,
  identity_invalid: 401,
  unauthorized: 401,
  forbidden: 403,
  rate_limited: 429,
  turn_in_progress: 409,
  idempotency_conflict: 422,
  budget_exhausted: 429,
  conflict: 409,
  model_unavailable: 503,
  not_found: 404,
  internal: 500,
};

/** What a visitor is told while the store cannot be reached. */
export const STORE_UNAVAILABLE_MESSAGE =
  'Chat is temporarily unavailable. Please try again in a moment.';

/**
 * An error that becomes a response: a stable `code` for clients, a status derived from it, and a
 * message safe to show (never a stack trace or internal detail).
 */
export class HttpError extends ParleyError {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly options: {
      issues?: ErrorIssue[];
      cause?: unknown;
      headers?: Record<string, string>;
    } = {},
  ) {
    super(message, { cause: options.cause });
    this.status = STATUS_BY_CODE[code];
  }

  toBody(): ErrorBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.options.issues ? { issues: this.options.issues } : {}),
      },
    };
  }
}

/**
 * Turns a zod failure into a 400 whose message names the first bad field. `subject` names what
 * was parsed (the body by default, or e.g. a header), for issues about the value as a whole.
 */
export function invalidRequest(error: z.ZodError, subject = 'body'): HttpError {
  const issues = error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || subject,
    message: issue.message,
  }));
  const first = issues[0];
  const message = first ? `${first.path}: ${first.message}` : 'Invalid request';
  return new HttpError('invalid_request', message, { issues });
}

/** Body-parser errors carry a `type`; map the ones a client can cause to their codes. */
function fromBodyParser(error: unknown): HttpError | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  // Both status 400 without a `type`: a route parameter with a broken percent-escape (the
  // router's URIError), and a compressed body that does not inflate (zlib's error, which
  // body-parser passes on as an exposed http-error).
  const status = (error as { status?: unknown }).status;
  if (status === 400 && error instanceof URIError) {
    return new HttpError('invalid_request', 'Request path is not valid percent-encoding');
  }
  if (!('type' in error)) {
    return status === 400 && (error as { expose?: unknown }).expose === true
      ? new HttpError('invalid_request', 'Request body could not be decoded')
      : undefined;
  }
  switch ((error as { type: unknown }).type) {
    case 'entity.parse.failed':
      return new HttpError('invalid_request', 'Request body is not valid JSON');
    case 'entity.too.large':
      return new HttpError('payload_too_large', 'Request body is too large');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new HttpError('unsupported_media_type', 'Unsupported body encoding or charset');
    case 'request.aborted':
      return new HttpError('invalid_request', 'Request was aborted');
    default:
      return undefined;
  }
}

/** The 503 for a store that cannot be reached: retryable, and the widget shows the message. */
export function storeUnavailable(cause: unknown): HttpError {
  return new HttpError('model_unavailable', STORE_UNAVAILABLE_MESSAGE, { cause });
}

/**
 * What a client is told about an error, when it is one the server understands: an `HttpError`
 * as it is, a store outage as a retryable 503, a made-up page cursor as a 400, a body-parser
 * refusal as its 4xx. Undefined means
 * a bug (answered as a generic 500). The error handler and the SSE error event both use this.
 */
export function toHttpError(error: unknown): HttpError | undefined {
  if (error instanceof HttpError) return error;
  if (isStoreUnavailable(error)) return storeUnavailable(error);
  // Erased (or expired) while the request ran: an admin erase racing an operator's reply.
  if (error instanceof ConversationNotFoundError) {
    return new HttpError('not_found', 'This conversation no longer exists');
  }
  // Every paged list: a cursor the client made up (or mangled) is their mistake, not ours.
  if (error instanceof InvalidCursorError) {
    return new HttpError('invalid_request', 'cursor: not a cursor this API returned', {
      issues: [{ path: 'cursor', message: 'not a cursor this API returned' }],
    });
  }
  return fromBodyParser(error);
}

/** How often a store outage is logged at most; each failing request would otherwise log a line. */
const STORE_OUTAGE_LOG_INTERVAL_MS = 10_000;

/**
 * `/api/chat/*` errors as visitors get them: a conversation that ended under them (erased while
 * they wrote) is `401 session_invalid`, which the widget answers by starting afresh, not a 404
 * it would show as an error.
 */
export function visitorErrors(): ErrorRequestHandler {
  return function visitorErrorHandler(error, _req, _res, next) {
    next(asVisitorError(error));
  };
}

/** An error as a visitor is told it (see {@link visitorErrors}); the stream's error event too. */
export function asVisitorError(error: unknown): unknown {
  return error instanceof ConversationNotFoundError ? conversationEnded(error) : error;
}

/** The visitor's conversation is gone (erased, or ended) under the request. */
export function conversationEnded(cause?: unknown): HttpError {
  return new HttpError('session_invalid', 'This conversation has ended', { cause });
}

/** The JSON 404 for routes that do not exist. */
export function notFound(): RequestHandler {
  return function notFoundHandler(req, _res, next) {
    next(new HttpError('not_found', `No route for ${req.method} ${req.path}`));
  };
}

/**
 * The one terminal error middleware: everything becomes an `ErrorBody`. Unknown errors are logged
 * (message only: SDK errors carry whole run states) and answered with a generic 500.
 */
export function errorHandler(options: { logger: Logger }): ErrorRequestHandler {
  let storeOutage = { loggedAt: Number.NEGATIVE_INFINITY, suppressed: 0 };
  return function parleyErrorHandler(error, req, res, _next) {
    const outage = !(error instanceof HttpError) && isStoreUnavailable(error);
    const known = toHttpError(error);
    const httpError = known ?? new HttpError('internal', 'Something went wrong on our side');
    if (outage) {
      // One line per interval, with how many were folded into it: no log storm in an outage.
      const now = Date.now();
      if (now - storeOutage.loggedAt >= STORE_OUTAGE_LOG_INTERVAL_MS) {
        options.logger.warn(
          { err: { message: (error as Error).message }, suppressed: storeOutage.suppressed },
          'store unavailable: answering 503',
        );
        storeOutage = { loggedAt: now, suppressed: 0 };
      } else {
        storeOutage.suppressed++;
      }
    }
    if (!known) {
      const log = (req as { log?: Logger }).log ?? options.logger;
      log.error(
        { err: { message: (error as Error)?.message, name: (error as Error)?.name } },
        'unhandled error',
      );
    }
    if (res.headersSent) {
      // A stream already started: the SSE helper reports failures in-band; just end it.
      res.end();
      return;
    }
    for (const [name, value] of Object.entries(httpError.options.headers ?? {}))
      res.setHeader(name, value);
    res.status(httpError.status).json(httpError.toBody());
  };
}
