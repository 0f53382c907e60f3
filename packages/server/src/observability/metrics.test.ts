import { register as globalRegistry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createMetrics, modelErrorKind } from './metrics.js';

describe('createMetrics', () => {
  it('shows every recorded value in the Prometheus text format', async () => {
    const metrics = createMetrics();
    metrics.turnFinished('answered', 2500);
    metrics.turnFinished('answered', 700);
    metrics.turnFinished('refused', 5);
    metrics.firstDelta(400);
    metrics.toolCalled('search_knowledge_base', 'ok');
    metrics.toolCalled('create_support_ticket', 'failed');
    metrics.modelError('rate_limited');
    metrics.modelRetried();
    const closeStream = metrics.streamOpened();
    metrics.streamOpened();
    closeStream();
    closeStream();
    metrics.sessionCreated();
    metrics.ticketCreated();
    metrics.feedback('up');
    metrics.feedback('down');
    metrics.feedback('down');
    metrics.rateLimited('ip-messages');
    metrics.modelTokens({ inputTokens: 1200, outputTokens: 80 });

    const text = await metrics.registry.metrics();
    for (const line of [
      'parley_turns_total{outcome="answered"} 2',
      'parley_turns_total{outcome="refused"} 1',
      'parley_turn_duration_seconds_count{outcome="answered"} 2',
      'parley_turn_duration_seconds_sum{outcome="answered"} 3.2',
      'parley_time_to_first_delta_seconds_bucket{le="0.5"} 1',
      'parley_time_to_first_delta_seconds_count 1',
      'parley_tool_calls_total{tool="search_knowledge_base",outcome="ok"} 1',
      'parley_tool_calls_total{tool="create_support_ticket",outcome="failed"} 1',
      'parley_model_errors_total{kind="rate_limited"} 1',
      'parley_model_retries_total 1',
      'parley_active_streams 1',
      'parley_sessions_created_total 1',
      'parley_tickets_created_total 1',
      'parley_feedback_total{rating="up"} 1',
      'parley_feedback_total{rating="down"} 2',
      'parley_rate_limited_total{limiter="ip-messages"} 1',
      'parley_model_tokens_total{kind="input"} 1200',
      'parley_model_tokens_total{kind="output"} 80',
    ]) {
      expect(text.split('\n')).toContain(line);
    }
    expect(text).toContain('process_cpu_user_seconds_total');
    expect(text).toContain('nodejs_eventloop_lag_seconds');
  });

  it('gives every app its own registry and leaves the global one alone', async () => {
    const a = createMetrics();
    const b = createMetrics();
    a.sessionCreated();
    expect(await b.registry.metrics()).toContain('parley_sessions_created_total 0');
    expect(await globalRegistry.metrics()).not.toContain('parley_');
  });
});

describe('modelErrorKind', () => {
  it.each([
    [{ name: 'APIConnectionTimeoutError' }, 'timeout'],
    [{ name: 'APIConnectionError' }, 'connection'],
    [{ status: 429 }, 'rate_limited'],
    [{ status: 503 }, 'server'],
    [{ status: 400 }, 'client'],
    [new Error('boom'), 'other'],
    [undefined, 'other'],
  ])('classifies %o as %s', (error, kind) => {
    expect(modelErrorKind(error)).toBe(kind);
  });
});
