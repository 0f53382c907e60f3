import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** How a visitor turn ended; the `outcome` label of `parley_turns_total`. */
export type TurnOutcomeLabel =
  | 'answered'
  | 'failed'
  | 'aborted'
  | 'replayed'
  | 'refused'
  /** The message went to the people handling the conversation; no model ran. */
  | 'forwarded';
/** How a tool call ended. */
export type ToolOutcomeLabel = 'ok' | 'failed';
/**
 * Coarse model failure classes; a closed set so a provider's free-form error text can never
 * become a label value (each distinct value is a new time series).
 */
export type ModelErrorKind =
  | 'timeout'
  | 'connection'
  | 'rate_limited'
  | 'server'
  | 'client'
  | 'other';

/** The typed recording surface the rest of the server uses; the registry is for `/metrics`. */
export interface Metrics {
  readonly registry: Registry;
  /** A turn ended; `durationMs` from acceptance to the last event. */
  turnFinished(outcome: TurnOutcomeLabel, durationMs: number): void;
  /** Time from acceptance to the first streamed text. */
  firstDelta(delayMs: number): void;
  toolCalled(tool: string, outcome: ToolOutcomeLabel): void;
  modelError(kind: ModelErrorKind): void;
  modelRetried(): void;
  /** A stream opened; call the returned function when it closes (safe to call twice). */
  streamOpened(): () => void;
  sessionCreated(): void;
  ticketCreated(): void;
  feedback(rating: 'up' | 'down'): void;
  rateLimited(limiter: string): void;
  /** A rate limiter's shared store failed one call (the request passed unlimited). */
  rateLimitStoreError(limiter: string): void;
  /** A rate limiter's shared store went down (true) or recovered (false). */
  rateLimitStoreFailing(limiter: string, failing: boolean): void;
  modelTokens(usage: { inputTokens: number; outputTokens: number }): void;
}

/**
 * Parley's Prometheus metrics on a registry of their own (never prom-client's global one), so
 * each app, and each test, gets fresh counters. Node process metrics (CPU, memory, event-loop
 * lag, GC) are registered on the same registry.
 *
 * @example
 * const metrics = createMetrics();
 * metrics.turnFinished('answered', 1830);
 * app.use(metricsRoute({ metrics, token: config.metricsToken }));
 */
export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];

  const turns = new Counter({
    name: 'parley_turns_total',
    help: 'Visitor turns by how they ended.',
    labelNames: ['outcome'] as const,
    registers,
  });
  const firstDelta = new Histogram({
    name: 'parley_time_to_first_delta_seconds',
    help: 'Time from an accepted turn to its first streamed text.',
    buckets: [0.1, 0.25, 0.5, 1, 1.5, 2, 3, 5, 8, 13, 20, 30],
    registers,
  });
  const turnDuration = new Histogram({
    name: 'parley_turn_duration_seconds',
    help: 'Duration of visitor turns, from acceptance to the last event.',
    labelNames: ['outcome'] as const,
    buckets: [0.5, 1, 2, 3, 5, 8, 13, 20, 30, 45, 60, 90, 120],
    registers,
  });
  const toolCalls = new Counter({
    name: 'parley_tool_calls_total',
    help: 'Tool calls by tool and outcome.',
    labelNames: ['tool', 'outcome'] as const,
    registers,
  });
  const modelErrors = new Counter({
    name: 'parley_model_errors_total',
    help: 'Failed model calls by kind.',
    labelNames: ['kind'] as const,
    registers,
  });
  const modelRetries = new Counter({
    name: 'parley_model_retries_total',
    help: 'Model calls retried after a retryable failure.',
    registers,
  });
  const activeStreams = new Gauge({
    name: 'parley_active_streams',
    help: 'Event streams open now on this instance.',
    registers,
  });
  const sessions = new Counter({
    name: 'parley_sessions_created_total',
    help: 'Visitor sessions created.',
    registers,
  });
  const tickets = new Counter({
    name: 'parley_tickets_created_total',
    help: 'Support tickets opened.',
    registers,
  });
  const feedback = new Counter({
    name: 'parley_feedback_total',
    help: 'Answer ratings by rating.',
    labelNames: ['rating'] as const,
    registers,
  });
  const rateLimitStoreErrors = new Counter({
    name: 'parley_rate_limit_store_errors_total',
    help: 'Calls to a rate limiter store that failed; each let a request through unlimited.',
    labelNames: ['limiter'] as const,
    registers,
  });
  const rateLimitStoreFailing = new Gauge({
    name: 'parley_rate_limit_store_failing',
    help: '1 while a rate limiter cannot reach its store (its limit is not enforced), else 0.',
    labelNames: ['limiter'] as const,
    registers,
  });
  const rateLimited = new Counter({
    name: 'parley_rate_limited_total',
    help: 'Requests refused by a rate limit, by limiter.',
    labelNames: ['limiter'] as const,
    registers,
  });
  const tokens = new Counter({
    name: 'parley_model_tokens_total',
    help: 'Model tokens used, by kind.',
    labelNames: ['kind'] as const,
    registers,
  });

  return {
    registry,
    turnFinished(outcome, durationMs) {
      turns.inc({ outcome });
      turnDuration.observe({ outcome }, durationMs / 1000);
    },
    firstDelta(delayMs) {
      firstDelta.observe(delayMs / 1000);
    },
    toolCalled(tool, outcome) {
      toolCalls.inc({ tool, outcome });
    },
    modelError(kind) {
      modelErrors.inc({ kind });
    },
    modelRetried() {
      modelRetries.inc();
    },
    streamOpened() {
      activeStreams.inc();
      let closed = false;
      return () => {
        if (closed) return;
        closed = true;
        activeStreams.dec();
      };
    },
    sessionCreated() {
      sessions.inc();
    },
    ticketCreated() {
      tickets.inc();
    },
    feedback(rating) {
      feedback.inc({ rating });
    },
    rateLimitStoreError(limiter) {
      rateLimitStoreErrors.inc({ limiter });
    },
    rateLimitStoreFailing(limiter, failing) {
      rateLimitStoreFailing.set({ limiter }, failing ? 1 : 0);
    },
    rateLimited(limiter) {
      rateLimited.inc({ limiter });
    },
    modelTokens(usage) {
      if (usage.inputTokens > 0) tokens.inc({ kind: 'input' }, usage.inputTokens);
      if (usage.outputTokens > 0) tokens.inc({ kind: 'output' }, usage.outputTokens);
    },
  };
}

/**
 * The {@link ModelErrorKind} of whatever a model call threw, from the OpenAI client's error
 * shapes (`status`, error names) without importing its classes.
 */
export function modelErrorKind(error: unknown): ModelErrorKind {
  const name = (error as { name?: unknown } | null)?.name;
  const status = (error as { status?: unknown } | null)?.status;
  if (name === 'APIConnectionTimeoutError' || name === 'TimeoutError') return 'timeout';
  if (name === 'APIConnectionError' || name === 'FetchError') return 'connection';
  if (typeof status === 'number') {
    if (status === 429) return 'rate_limited';
    if (status === 408) return 'timeout';
    if (status >= 500) return 'server';
    if (status >= 400) return 'client';
  }
  return 'other';
}
