import { randomUUID } from 'node:crypto';
import { setTracingDisabled } from '@openai/agents';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createOpenAIModel } from '../../src/agent/models/openai-model.js';
import { systemClock } from '../../src/clock.js';
import type { StoreLimits } from '../../src/sessions/store.js';
import { RedisStore } from '../../src/sessions/stores/redis-store.js';
import { type FakeOpenAI, startFakeOpenAI } from '../../src/test-support/fake-openai.js';
import { deleteRedisKeys, describeWithRedis, redisTestUrl } from '../../src/test-support/redis.js';
import { startTestApp, type TestApp } from '../../src/test-support/test-app.js';
import { keepAliveAgent, useProductionTimeouts } from '../support/http-client.js';
import { echoTagResponder } from '../support/model-input.js';
import { suiteRecorder } from '../support/results.js';
import { type LoadReport, loadNumbers, runVisitors } from './visitors.js';

const VISITORS = 200;
const TURNS = 5;
const results = suiteRecorder('load-two-instances-redis', 'load');
const limits: StoreLimits = {
  sessionTtlMs: 3_600_000,
  sessionMaxAgeMs: 86_400_000,
  idempotencyTtlMs: 3_600_000,
};

await describeWithRedis(
  `${VISITORS} visitors × ${TURNS} turns on two instances sharing Redis`,
  () => {
    const keyPrefix = `parley-reliability:${randomUUID()}:`;
    const agent = keepAliveAgent(VISITORS);
    const echo = echoTagResponder({ deltas: 4 });
    const apps: TestApp[] = [];
    const stores: RedisStore[] = [];
    let fake: FakeOpenAI;
    let report: LoadReport;

    beforeAll(async () => {
      setTracingDisabled(true);
      fake = await startFakeOpenAI({
        responder: echo.responder,
        firstTokenDelayMs: 10,
        deltaIntervalMs: 5,
      });
      for (let i = 0; i < 2; i++) {
        const store = new RedisStore({ url: redisTestUrl, clock: systemClock, limits, keyPrefix });
        await store.ready();
        stores.push(store);
        // Chat Completions this time (the other load suite uses the Responses API).
        const model = await createOpenAIModel({
          apiKey: 'test-key',
          baseURL: fake.url,
          model: 'gpt-fake',
          api: 'chat_completions',
          timeoutMs: 30_000,
          maxRetries: 2,
        });
        const app = await startTestApp({
          model,
          store,
          clock: systemClock,
          env: { PARLEY_RATE_LIMITS: 'off' },
        });
        useProductionTimeouts(app.server);
        apps.push(app);
      }
      // Turn t of visitor v goes to instance (v + t) mod 2: every turn changes instance.
      report = await runVisitors({
        visitors: VISITORS,
        turns: TURNS,
        agent,
        baseUrlFor: (visitor, turn) => apps[(visitor + turn) % 2]!.baseUrl,
      });
    }, 150_000);

    afterAll(async () => {
      agent.destroy();
      await Promise.all(apps.map((app) => app.close()));
      await Promise.all(stores.map((store) => store.close()));
      const admin = new Redis(redisTestUrl);
      await deleteRedisKeys(admin, keyPrefix);
      admin.disconnect();
      await fake?.close();
    });

    it('answers every turn, with zero 5xx, alternating instances', () =>
      results.check(`${VISITORS} visitors × ${TURNS} turns, two instances sharing Redis`, () => {
        expect(report.failures).toEqual([]);
        expect(report.fiveXX).toBe(0);
        expect(report.answered).toBe(VISITORS * TURNS);
        expect(fake.requests).toHaveLength(VISITORS * TURNS);
        return {
          detail: `every turn answered, each on the other instance than the turn before (${report.sseTurns} SSE, ${report.jsonTurns} JSON), zero 5xx; real OpenAI provider (Chat Completions) against the fake server`,
          numbers: loadNumbers(report, VISITORS),
        };
      }));

    it("keeps each visitor's history exactly their own messages, in order, across instances", () =>
      results.check('no cross-talk, nothing lost (two instances, Redis)', () => {
        expect(report.historyProblems).toEqual([]);
        expect(report.crossTalk).toEqual([]);
        expect(echo.stats.mixed).toBe(0);
        return {
          detail: `${VISITORS} histories of exactly ${TURNS * 2} messages in order, written by two instances in turn; every model request saw its own visitor's earlier turns only`,
          numbers: {
            histories_checked: VISITORS,
            wrong_histories: report.historyProblems.length,
            cross_talk: report.crossTalk.length,
            mixed_model_inputs: echo.stats.mixed,
          },
        };
      }));
  },
);
