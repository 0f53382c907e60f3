import * as z from 'zod/mini';

/** `GET /healthz`: liveness plus what the operator configured. */
export const HealthResponse = /* @__PURE__ */ z.object({
  status: z.literal('ok'),
  /** `openai` when a model provider is configured, `offline` for the built-in knowledge-base model. */
  model: z.enum(['openai', 'offline', 'custom']),
  store: z.enum(['memory', 'sqlite', 'redis']),
  version: z.string(),
});
export type HealthResponse = z.infer<typeof HealthResponse>;
