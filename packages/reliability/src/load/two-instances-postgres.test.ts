import {
  createScratchDatabase,
  describeWithPostgres,
  type ScratchDatabase,
} from '@parley/testkit/postgres';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { expectNone } from '../support/expect-none.js';
import { startLoadModel } from '../support/fake-model-env.js';
import { suiteRecorder } from '../support/results.js';
import { type Instance, loggedErrors, startTwoInstances } from '../support/servers.js';
import { describeWithPostgresAndRedis, redisNamespace } from '../support/services.js';
import { type LoadReport, loadNumbers, runVisitors } from './visitors.js';

/**
 * Two instances on one PostgreSQL database, as a load-balanced deployment runs them: turn t of
 * visitor v goes to instance (v + t) mod 2, so every turn changes instance, and the history is
 * read from the instance that did not answer the last turn. Once coordinating through PostgreSQL
 * alone (row locks, a counters table, LISTEN/NOTIFY), once through Redis (PARLEY_REDIS_URL).
 */

const VISITORS = 200;
const TURNS = 5;
const results = suiteRecorder('load-two-instances-postgres', 'load');

function twoInstanceLoad(variant: 'PostgreSQL' | 'PostgreSQL + Redis') {
  const redis = variant === 'PostgreSQL + Redis' ? redisNamespace() : undefined;
  let model: Awaited<ReturnType<typeof startLoadModel>>;
  let scratch: ScratchDatabase;
  const instances: Instance[] = [];
  let report: LoadReport;

  beforeAll(async () => {
    // Chat Completions this time (the one-instance suite uses the Responses API).
    model = await startLoadModel('chat_completions');
    scratch = await createScratchDatabase();
    const env = { ...model.env, PARLEY_STORE: scratch.url, ...redis?.env };
    instances.push(...(await startTwoInstances(env)));
    report = await runVisitors({
      visitors: VISITORS,
      turns: TURNS,
      baseUrlFor: (visitor, turn) => instances[(visitor + turn) % 2]!.url,
    });
  }, 240_000);

  afterAll(async () => {
    await Promise.all(instances.map((instance) => instance.stop()));
    await model?.fake.close();
    await scratch?.drop();
    await redis?.clear();
  });

  it('answers every turn, with zero 5xx, alternating instances', () =>
    results.check(`${VISITORS} visitors × ${TURNS} turns, two instances on ${variant}`, () => {
      expectNone(
        report.failures,
        `turns not answered (the instances logged: ${instances.flatMap(loggedErrors).slice(0, 3).join(' | ') || 'nothing'})`,
      );
      expect(report.fiveXX).toBe(0);
      expect(report.answered).toBe(VISITORS * TURNS);
      expect(model.fake.requests).toHaveLength(VISITORS * TURNS);
      return {
        detail: `every turn answered, each by the other instance than the turn before (${report.sseTurns} SSE, ${report.jsonTurns} JSON), zero 5xx; coordination ${instances[0]?.running.coordination.kind}; real OpenAI provider (Chat Completions) against the fake server`,
        numbers: loadNumbers(report, VISITORS),
      };
    }));

  it("keeps each visitor's history exactly their own messages, in order, across instances", () =>
    results.check(`no cross-talk, nothing lost (two instances, ${variant})`, () => {
      expectNone(report.historyProblems, 'histories not exactly their own');
      expectNone(report.crossTalk, 'answers with cross-talk');
      expect(model.echo.stats.mixed).toBe(0);
      return {
        detail: `${VISITORS} histories of exactly ${TURNS * 2} messages in order, written by two instances in turn and read from the other one; every model request saw its own visitor's earlier turns only`,
        numbers: {
          histories_checked: VISITORS,
          wrong_histories: report.historyProblems.length,
          cross_talk: report.crossTalk.length,
          mixed_model_inputs: model.echo.stats.mixed,
        },
      };
    }));
}

await describeWithPostgres(
  `${VISITORS} visitors × ${TURNS} turns on two instances sharing PostgreSQL`,
  () => {
    twoInstanceLoad('PostgreSQL');
  },
);

await describeWithPostgresAndRedis(
  `${VISITORS} visitors × ${TURNS} turns on two instances sharing PostgreSQL, coordinated through Redis`,
  () => {
    twoInstanceLoad('PostgreSQL + Redis');
  },
);
