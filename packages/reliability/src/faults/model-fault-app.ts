import { setTracingDisabled } from '@openai/agents';
import { createModel, loadConfig, ManualClock } from '@parley/server';
import { startTestApp, type TestApp } from '@parley/testkit/app';
import { chatTurn, getHistory, type TurnResult } from '@parley/testkit/chat-client';
import {
  type FakeOpenAI,
  type FakeStep,
  type RecordedRequest,
  startFakeOpenAI,
} from '@parley/testkit/fake-openai';
import { userTexts } from '../support/model-input.js';

type BuiltModel = Awaited<ReturnType<typeof createModel>>;
/** A change of the circuit breaker's state, as createModel reports it. */
export type BreakerStateChange = Parameters<
  NonNullable<NonNullable<Parameters<typeof createModel>[1]>['onBreakerStateChange']>
>[0];

/**
 * Parley as production wires it for a real provider (createModel: the OpenAI provider behind the
 * circuit breaker, the offline model as fallback), pointed at a fake OpenAI server whose answers a
 * test switches between healthy and faulty.
 */
export interface ModelFaultApp {
  app: TestApp;
  fake: FakeOpenAI;
  clock: ManualClock;
  breakerChanges: BreakerStateChange[];
  /** The circuit breaker around the real model, as createModel built it. */
  breaker: NonNullable<BuiltModel['breaker']>;
  /** Every request gets this step (persistent fault) until set back to undefined. */
  setFault(step: FakeStep | undefined): void;
  /** One turn of `visitor`, remembering its token; returns the result and the model requests it made. */
  turn(
    visitor: Visitor,
    message: string,
    options?: { sse?: boolean },
  ): Promise<TurnResult & { modelRequests: RecordedRequest[] }>;
  historyOf(visitor: Visitor): Promise<{ role: string; text: string }[]>;
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

  return {
    app,
    fake,
    clock,
    breakerChanges,
    breaker,
    setFault: (step) => {
      fault = step;
    },
    async turn(visitor, message, options = {}) {
      const before = fake.requests.length;
      const result = await chatTurn(app.baseUrl, message, {
        sse: options.sse ?? true,
        ...(visitor.token ? { token: visitor.token } : {}),
      });
      if (result.token) visitor.token = result.token;
      return { ...result, modelRequests: fake.requests.slice(before) };
    },
    async historyOf(visitor) {
      const read = await getHistory(app.baseUrl, {
        ...(visitor.token ? { token: visitor.token } : {}),
      });
      return (read.body.messages ?? []).map((m) => ({ role: m.role, text: m.text }));
    },
    async close() {
      await app.close();
      await fake.close();
    },
  };
}
