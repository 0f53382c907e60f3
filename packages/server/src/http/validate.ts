import type * as z from 'zod';
import type * as zm from 'zod/mini';
import { invalidRequest } from './errors.js';

type AnySchema = zm.ZodMiniType | z.ZodType;

/** Parses untrusted input with a shared contract schema, or throws a 400 naming the bad field. */
export function parseInput<S extends AnySchema>(schema: S, input: unknown): zm.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw invalidRequest(result.error as z.ZodError);
  return result.data as zm.infer<S>;
}
