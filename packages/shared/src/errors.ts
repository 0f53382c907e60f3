import * as z from 'zod/mini';
import { ERROR_CODES } from './constants.js';

export { ERROR_CODES, RETRYABLE_ERROR_CODES } from './constants.js';

/** One of {@link ERROR_CODES}. */
export const ErrorCode = /* @__PURE__ */ z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof ErrorCode>;

/** One schema violation, flattened to a dotted path so clients can point at the field. */
export const ErrorIssue = /* @__PURE__ */ z.object({
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
export const ErrorBody = /* @__PURE__ */ z.object({
  error: z.object({
    code: ErrorCode,
    message: z.string(),
    issues: z.optional(z.array(ErrorIssue)),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;
