import { array, type Infer, object, oneOf, optional, string } from './check.js';
import { ERROR_CODES } from './constants.js';

export { ERROR_CODES, RETRYABLE_ERROR_CODES } from './constants.js';

/** One of {@link ERROR_CODES}. */
export type ErrorCode = (typeof ERROR_CODES)[number];

/** One schema violation, flattened to a dotted path so clients can point at the field. */
export const ErrorIssue = /* @__PURE__ */ object({ path: string, message: string });
export type ErrorIssue = Infer<typeof ErrorIssue>;

/**
 * The body of every non-2xx JSON response.
 *
 * @example
 * { "error": { "code": "invalid_request", "message": "message: must not be empty" } }
 */
export const ErrorBody = /* @__PURE__ */ object({
  error: object({
    code: oneOf(ERROR_CODES),
    message: string,
    issues: optional(array(ErrorIssue)),
  }),
});
export type ErrorBody = Infer<typeof ErrorBody>;
