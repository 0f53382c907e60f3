import type { Span, SpanData, Trace, TracingProcessor } from '@openai/agents';
import type { Logger } from 'pino';

/**
 * An Agents SDK trace processor that writes spans to Parley's own logs instead of sending them
 * anywhere: one debug line per finished span with its trace, kind, name and duration, and a warning
 * for a span that failed. Only names and timings are logged, never inputs, outputs or prompts, so
 * turning it on cannot leak conversations into the logs.
 *
 * @example
 * setTraceProcessors([new TraceLogProcessor(logger)]);
 */
export class TraceLogProcessor implements TracingProcessor {
  constructor(private readonly logger: Pick<Logger, 'debug' | 'warn'>) {}

  async onTraceStart(_trace: Trace): Promise<void> {}

  async onTraceEnd(trace: Trace): Promise<void> {
    this.logger.debug({ traceId: trace.traceId, workflow: trace.name }, 'agent trace finished');
  }

  async onSpanStart(_span: Span<SpanData>): Promise<void> {}

  async onSpanEnd(span: Span<SpanData>): Promise<void> {
    const data = span.spanData;
    const fields = {
      traceId: span.traceId,
      spanId: span.spanId,
      parentId: span.parentId ?? undefined,
      span: data.type,
      name: 'name' in data && typeof data.name === 'string' ? data.name : undefined,
      durationMs: durationMs(span.startedAt, span.endedAt),
    };
    if (span.error) this.logger.warn({ ...fields, error: span.error.message }, 'agent span failed');
    else this.logger.debug(fields, 'agent span');
  }

  async shutdown(): Promise<void> {}

  async forceFlush(): Promise<void> {}
}

function durationMs(startedAt: string | null, endedAt: string | null): number | undefined {
  if (!startedAt || !endedAt) return undefined;
  return Date.parse(endedAt) - Date.parse(startedAt);
}
