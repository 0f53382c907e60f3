import { type ErrorBody, type ErrorCode, RETRYABLE_ERROR_CODES } from '@parley/shared';

/** A server error code, or `network` when no answer arrived (offline, reset, cut-off stream). */
export type FailureCode = ErrorCode | 'network';

/** Codes for statuses whose body is not an `ErrorBody` (a proxy's error page, say). */
const STATUS_CODES: Record<number, ErrorCode> = {
  401: 'session_invalid',
  429: 'rate_limited',
  503: 'model_unavailable',
};

/**
 * Everything that can go wrong talking to the Parley server, as data: a stable `code` to switch
 * on, whether sending again can help, and how long the server asked us to wait.
 */
export class ParleyError extends Error {
  /** Whether sending the same request again can succeed. */
  readonly retryable: boolean;
  /** Seconds from the `Retry-After` header, when the server sent one. */
  readonly retryAfter: number | undefined;

  constructor(
    readonly code: FailureCode,
    message: string,
    options: { retryable?: boolean; retryAfter?: number | undefined } = {},
  ) {
    super(message);
    // Spelled out: the minifier renames classes, and logs should still say what this is.
    this.name = 'ParleyError';
    this.retryAfter = options.retryAfter;
    this.retryable =
      options.retryable ??
      (code === 'network' || RETRYABLE_ERROR_CODES.has(code) || options.retryAfter !== undefined);
  }
}

/** Reads a non-2xx response into a {@link ParleyError}. */
export async function errorFromResponse(response: Response): Promise<ParleyError> {
  const body = (await response.json().catch(() => undefined)) as Partial<ErrorBody> | undefined;
  const error = body?.error;
  // The server owns the code list; an unknown code still works (it reads as a generic failure).
  const code =
    typeof error?.code === 'string' ? error.code : (STATUS_CODES[response.status] ?? 'internal');
  const message = typeof error?.message === 'string' ? error.message : `HTTP ${response.status}`;
  return new ParleyError(code, message, { retryAfter: retryAfterSeconds(response.headers) });
}

/** Parley sends `Retry-After` as delta-seconds; the HTTP-date form is not used by the server. */
function retryAfterSeconds(headers: Headers): number | undefined {
  const value = headers.get('Retry-After')?.trim() ?? '';
  return /^\d+$/.test(value) ? Math.max(1, Number(value)) : undefined;
}

/** Anything thrown while talking to the server, as a {@link ParleyError}. */
export function toParleyError(error: unknown): ParleyError {
  if (error instanceof ParleyError) return error;
  return new ParleyError('network', error instanceof Error ? error.message : String(error));
}
