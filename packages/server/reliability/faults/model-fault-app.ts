import type { Agent } from 'node:http';
import { setTracingDisabled } from '@openai/agents';
import type {
  BreakerStateChange,
  CircuitBreakerModel,
} from '../../src/agent/models/circuit-breaker-model.js';
import { ManualClock } from '../../src/clock.js';
import { loadConfig } from '../../src/config.js';
import { createModel } from '../../src/models.js';
import {
  type FakeOpenAI,
  type FakeStep,
  type RecordedRequest,
  startFakeOpenAI,
} from '../../src/test-support/fake-openai.js';
import { startTestApp, type TestApp } from '../../src/test-support/test-app.js';
import { chatTurn, history, keepAliveAgent, type TurnResult } from '../support/http-client.js';
import { userTexts } from '../support/model-input.js';

/**
 * Parley as production wires it for a real provider (createModel: the OpenAI provider behind the
 * circuit breaker, the offline model as fallback), pointed at a fake OpenAI server whose answers a
 * test switches between healthy and faulty.
 */
export interface ModelFaultApp {
  app: TestApp;
  fake: FakeOpenAI;
  clock: ManualClock;
  agent: Agent;
  breakerChanges: BreakerStateChange[];
  /** The circuit breaker around the real model, as createModel built it. */
  breaker: CircuitBreakerModel;
  /** Every request gets this step (persistent fault) until set back to undefined. */
  setFault(step: FakeStep | undefined): void;
  /** One turn of `visitor`, remembering its token; returns the result and the model requests it made. */
  turn(
    visitor: Visitor,
    message: string,
    options?: { sse?: boolean },
  ): Promise<TurnResult & { modelRequests: RecordedRequest[] }>;
  historyOf(visitor: Visitor): Promise<{ role: string; content: string }[]>;
  close(): Promise<void>;
}

export interface Visitor {
  token?: string;
}

/** What a healthy fake model says: it repeats the latest visitor message, so answers are checkable. */
export function healthyAnswer(message: string): string {
  return `You said: ${message}`;
}

export async function startModelFaultApp(env: Record<string, string> = {}): Promise<ModelFaultApp> {
  setTracingDisabled(true);
  let fault: FakeStep | undefined;
  const fake = await startFakeOpenAI({
    responder: (request) =>
      fault ?? { kind: 'text', text: healthyAnswer(userTexts(request).at(-1) ?? ''), deltas: 3 },
  });
  const clock = new ManualClock(Date.UTC(2026, 0, 6, 15));
  const fullEnv = {
    NODE_ENV: 'test',
    PARLEY_STORE: 'memory',
    LOG_LEVEL: 'silent',
    PARLEY_RATE_LIMITS: 'off',
    OPENAI_API_KEY: 'test-key',
    OPENAI_BASE_URL: fake.url,
    OPENAI_MODEL: 'gpt-fake',
    ...env,
  };
  const breakerChanges: BreakerStateChange[] = [];
  const { model, breaker } = await createModel(loadConfig(fullEnv), {
    clock,
    onBreakerStateChange: (change) => breakerChanges.push(change),
  });
  if (!breaker) throw new Error('createModel built no circuit breaker for the OpenAI provider');
  const app = await startTestApp({ model, clock, env: fullEnv });
  const agent = keepAliveAgent(8);

  return {
    app,
    fake,
    clock,
    agent,
    breakerChanges,
    breaker,
    setFault: (step) => {
      fault = step;
    },
    async turn(visitor, message, options = {}) {
      const before = fake.requests.length;
      const result = await chatTurn(app.baseUrl, message, {
        sse: options.sse ?? true,
        agent,
        ...(visitor.token ? { token: visitor.token } : {}),
      });
      if (result.token) visitor.token = result.token;
      return { ...result, modelRequests: fake.requests.slice(before) };
    },
    async historyOf(visitor) {
      const read = await history(app.baseUrl, {
        agent,
        ...(visitor.token ? { token: visitor.token } : {}),
      });
      return read.messages.map((m) => ({ role: m.role, content: m.content }));
    },
    async close() {
      agent.destroy();
      await app.close();
      await fake.close();
    },
  };
}
