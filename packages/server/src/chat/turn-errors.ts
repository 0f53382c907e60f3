import { MaxTurnsExceededError } from '@openai/agents';
import { type ErrorCode, RETRYABLE_ERROR_CODES } from '@parley/shared';
import { APIError } from 'openai';
import { isStoreUnavailable, ParleyError } from '../errors.js';
import { HttpError, STORE_UNAVAILABLE_MESSAGE } from '../http/errors.js';

/**
 * A turn that ended without an answer, with what the visitor is told. It is an `HttpError`, so
 * before a stream starts it is an ordinary error response, and after, the stream's `error` event.
 */
export class TurnFailedError extends HttpError {
  readonly retryable: boolean;
  constructor(
    code: ErrorCode,
    message: string,
    options?: { cause?: unknown; retryable?: boolean },
  ) {
    super(code, message, { cause: options?.cause });
    this.retryable = options?.retryable ?? RETRYABLE_ERROR_CODES.has(code);
  }
}

/** The visitor gave up (closed the tab or pressed Stop): nothing to report to anyone. */
export class TurnAbortedError extends ParleyError {}

/**
 * Classifies whatever a run threw into what the visitor sees. Messages are written for visitors:
 * no provider names, status codes or stack traces.
 */
export function classifyTurnError(
  error: unknown,
  reason: 'client' | 'timeout' | undefined,
): ParleyError {
  if (error instanceof TurnFailedError || error instanceof TurnAbortedError) return error;
  if (reason === 'client')
    return new TurnAbortedError('The visitor stopped the turn', { cause: error });
  if (reason === 'timeout') {
    return new TurnFailedError(
      'model_unavailable',
      'The assistant took too long to answer. Please try again.',
      {
        cause: error,
      },
    );
  }
  if (isStoreUnavailable(error)) {
    // The store failing mid-turn is an outage, not a bug: retryable, like a model outage.
    return new TurnFailedError('model_unavailable', STORE_UNAVAILABLE_MESSAGE, { cause: error });
  }
  if (error instanceof MaxTurnsExceededError) {
    return new TurnFailedError(
      'internal',
      'I got stuck working on that. Please rephrase, or ask me to open a ticket.',
      {
        cause: error,
      },
    );
  }
  if (error instanceof APIError || isNetworkError(error)) {
    return new TurnFailedError(
      'model_unavailable',
      'The assistant is temporarily unavailable. Please try again in a moment.',
      { cause: error },
    );
  }
  return new TurnFailedError(
    'internal',
    'Something went wrong while answering. Please try again.',
    { cause: error },
  );
}

function isNetworkError(error: unknown): boolean {
  const { name, message, cause } = (error ?? {}) as {
    name?: unknown;
    message?: unknown;
    cause?: unknown;
  };
  return (
    name === 'APIConnectionError' ||
    name === 'APIConnectionTimeoutError' ||
    name === 'FetchError' ||
    // The provider's connection dropped mid-answer (undici: TypeError "terminated").
    (error instanceof TypeError &&
      (message === 'terminated' || /^UND_ERR/.test(String((cause as { code?: unknown })?.code)))) ||
    // The provider sent a stream chunk that is not JSON (thrown by the openai client).
    (error instanceof SyntaxError && String(message).startsWith('Error reading response:'))
  );
}
