import { setTracingDisabled } from '@openai/agents';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOpenAIModel } from '../../src/agent/models/openai-model.js';
import { systemClock } from '../../src/clock.js';
import { type FakeOpenAI, startFakeOpenAI } from '../../src/test-support/fake-openai.js';
import { startTestApp, type TestApp } from '../../src/test-support/test-app.js';
import { keepAliveAgent, useProductionTimeouts } from '../support/http-client.js';
import { echoTagResponder } from '../support/model-input.js';
import { suiteRecorder } from '../support/results.js';
import { type LoadReport, loadNumbers, runVisitors } from './visitors.js';

const VISITORS = 200;
const TURNS = 5;
const results = suiteRecorder('load-one-instance', 'load');
const agent = keepAliveAgent(VISITORS);
const echo = echoTagResponder({ deltas: 4 });
let fake: FakeOpenAI;
let app: TestApp;
let report: LoadReport;

beforeAll(async () => {
  setTracingDisabled(true);
  // The real OpenAI provider (Responses API, production retry settings) against a fake server
  // that takes 10 ms to the first token and 5 ms per delta.
  fake = await startFakeOpenAI({
    responder: echo.responder,
    firstTokenDelayMs: 10,
    deltaIntervalMs: 5,
  });
  const model = await createOpenAIModel({
    apiKey: 'test-key',
    baseURL: fake.url,
    model: 'gpt-fake',
    api: 'responses',
    timeoutMs: 30_000,
    maxRetries: 2,
  });
  app = await startTestApp({ model, clock: systemClock, env: { PARLEY_RATE_LIMITS: 'off' } });
  useProductionTimeouts(app.server);
  report = await runVisitors({
    visitors: VISITORS,
    turns: TURNS,
    agent,
    baseUrlFor: () => app.baseUrl,
  });
}, 120_000);

afterAll(async () => {
  agent.destroy();
  await app?.close();
  await fake?.close();
});

describe(`${VISITORS} concurrent visitors × ${TURNS} turns on one instance`, () => {
  it('answers every turn, with zero 5xx', () =>
    results.check(`${VISITORS} visitors × ${TURNS} turns, one instance, mixed SSE and JSON`, () => {
      expect(report.failures).toEqual([]);
      expect(report.fiveXX).toBe(0);
      expect(report.answered).toBe(VISITORS * TURNS);
      // One model call per turn: nothing was retried or lost on the way.
      expect(fake.requests).toHaveLength(VISITORS * TURNS);
      return {
        detail: `every turn answered (${report.sseTurns} over SSE, ${report.jsonTurns} as JSON), zero 5xx; real OpenAI provider (Responses API) against the fake server`,
        numbers: loadNumbers(report, VISITORS),
      };
    }));

  it("keeps each visitor's history exactly their own messages, in order", () =>
    results.check('no cross-talk, nothing lost (one instance)', () => {
      expect(report.historyProblems).toEqual([]);
      expect(report.crossTalk).toEqual([]);
      expect(echo.stats.mixed).toBe(0);
      return {
        detail: `${VISITORS} histories of exactly ${TURNS * 2} messages, in order; every answer carried its own visitor's tag; no model request mixed two visitors`,
        numbers: {
          histories_checked: VISITORS,
          wrong_histories: report.historyProblems.length,
          cross_talk: report.crossTalk.length,
          mixed_model_inputs: echo.stats.mixed,
        },
      };
    }));
});
