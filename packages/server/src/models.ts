import type { Model } from '@openai/agents';
import type { HealthResponse } from '@parley/shared';
import {
  type BreakerStateChange,
  CircuitBreakerModel,
} from './agent/models/circuit-breaker-model.js';
import { OfflineModel } from './agent/models/offline-model.js';
import { createOpenAIModel } from './agent/models/openai-model.js';
import { type Clock, systemClock } from './clock.js';
import type { Config } from './config.js';

export interface CreateModelOptions {
  clock?: Clock;
  /** Told when the real model's circuit breaker opens, half-opens or closes. */
  onBreakerStateChange?: (change: BreakerStateChange) => void;
}

/**
 * Picks the model for this process: the configured OpenAI-compatible provider behind a circuit
 * breaker that falls back to the offline model while the provider is out, else the offline model.
 */
export async function createModel(
  config: Config,
  options: CreateModelOptions = {},
): Promise<{
  model: Model;
  kind: HealthResponse['model'];
  name: string;
  /** The real model's circuit breaker (its `state` feeds metrics); absent for the offline model. */
  breaker?: CircuitBreakerModel;
}> {
  const offline = new OfflineModel({
    companyName: config.file.companyName,
    specialists: config.file.specialists,
    deltaDelayMs: 25,
  });
  if (config.openai) {
    const model = new CircuitBreakerModel({
      primary: await createOpenAIModel(config.openai),
      fallback: offline,
      clock: options.clock ?? systemClock,
      failureThreshold: config.breaker.failureThreshold,
      cooldownMs: config.breaker.cooldownMs,
      ...(options.onBreakerStateChange ? { onStateChange: options.onBreakerStateChange } : {}),
    });
    return { model, kind: 'openai', name: config.openai.model, breaker: model };
  }
  return { model: offline, kind: 'offline', name: 'offline' };
}
