import { Gauge, type Registry } from 'prom-client';
import type { BreakerState, CircuitBreakerModel } from './circuit-breaker-model.js';

const STATES: readonly BreakerState[] = ['closed', 'open', 'half_open'];

/**
 * Adds `parley_model_breaker_state{state}` to a registry: 1 for the breaker's current state, 0
 * for the others, read at scrape time. Alert on `state="open"`: visitors are being answered by
 * the offline model.
 *
 * @example
 * registerBreakerMetrics(metrics.registry, breaker);
 */
export function registerBreakerMetrics(
  registry: Registry,
  breaker: Pick<CircuitBreakerModel, 'state'>,
): void {
  new Gauge({
    name: 'parley_model_breaker_state',
    help: "The model circuit breaker's state (1 = current): open means the offline model answers.",
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      const current = breaker.state;
      for (const state of STATES) this.set({ state }, state === current ? 1 : 0);
    },
  });
}
