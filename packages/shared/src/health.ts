import { type Infer, object, oneOf, string } from './check.js';

/** `GET /healthz`: liveness plus what the operator configured. */
export const HealthResponse = /* @__PURE__ */ object({
  status: oneOf(['ok']),
  /** `openai` with a model provider, `offline` for the built-in knowledge-base model. */
  model: oneOf(['openai', 'offline', 'custom']),
  store: oneOf(['sqlite', 'postgres', 'memory', 'redis']),
  version: string,
});
export type HealthResponse = Infer<typeof HealthResponse>;
