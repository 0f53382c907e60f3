import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { registerBreakerMetrics } from './circuit-breaker-metrics.js';
import type { BreakerState } from './circuit-breaker-model.js';

describe('registerBreakerMetrics', () => {
  it('reports the state at scrape time, one-hot', async () => {
    const registry = new Registry();
    const breaker = { state: 'closed' as BreakerState };
    registerBreakerMetrics(registry, breaker);
    expect(await registry.metrics()).toContain('parley_model_breaker_state{state="closed"} 1');
    breaker.state = 'open';
    const text = await registry.metrics();
    expect(text).toContain('parley_model_breaker_state{state="open"} 1');
    expect(text).toContain('parley_model_breaker_state{state="closed"} 0');
    expect(text).toContain('parley_model_breaker_state{state="half_open"} 0');
  });
});
