import type * as z from 'zod';
import type * as zm from 'zod/mini';
import { invalidRequest } from './errors.js';

type AnySchema = zm.ZodMiniType | z.ZodType;

/**
 * Parses untrusted input with a shared contract schema, or throws a 400 naming the bad field;
 * `subject` names the input when it is not the body (e.g. `Idempotency-Key`).
 */
export function parseInput<S extends AnySchema>(
  schema: S,
  input: unknown,
  subject?: string,
): zm.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw invalidRequest(result.error as z.ZodError, subject);
  return result.data as zm.infer<S>;
}
