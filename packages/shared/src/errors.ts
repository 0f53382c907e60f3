import * as z from 'zod/mini';

/**
 * Every error code the server can answer with. The list is the contract: the widget switches on
 * these, and operators grep logs for them.
 */
export const ERROR_CODES = [
  'invalid_request',
  'unsupported_media_type',
  'payload_too_large',
  'origin_not_allowed',
  'session_invalid',
  'rate_limited',
  'turn_in_progress',
  'idempotency_conflict',
  'budget_exhausted',
  'model_unavailable',
  'not_found',
  'internal',
] as const;

export const ErrorCode = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof ErrorCode>;

/** One schema violation, flattened to a dotted path so clients can point at the field. */
export const ErrorIssue = z.object({
  path: z.string(),
  message: z.string(),
});
export type ErrorIssue = z.infer<typeof ErrorIssue>;

/**
 * The body of every non-2xx JSON response.
 *
 * @example
 * { "error": { "code": "invalid_request", "message": "message: must not be empty" } }
 */
export const ErrorBody = z.object({
  error: z.object({
    code: ErrorCode,
    message: z.string(),
    issues: z.optional(z.array(ErrorIssue)),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

/** Codes after which sending the same request again later can succeed. */
export const RETRYABLE_ERROR_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'rate_limited',
  'turn_in_progress',
  'model_unavailable',
  'internal',
]);
