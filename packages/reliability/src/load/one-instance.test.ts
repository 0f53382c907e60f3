import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FakeOpenAI } from '@parley/testkit/fake-openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNone } from '../support/expect-none.js';
import { startLoadModel } from '../support/fake-model-env.js';
import { suiteRecorder } from '../support/results.js';
import { type Instance, startInstance } from '../support/servers.js';
import { type LoadReport, loadNumbers, runVisitors } from './visitors.js';

const VISITORS = 200;
const TURNS = 5;
const results = suiteRecorder('load-one-instance', 'load');
const dir = mkdtempSync(path.join(tmpdir(), 'parley-load-'));
let model: Awaited<ReturnType<typeof startLoadModel>>;
let fake: FakeOpenAI;
let instance: Instance;
let report: LoadReport;

beforeAll(async () => {
  // The real OpenAI provider (Responses API, production retry settings) against a fake server;
  // the store is the default one, a SQLite file.
  model = await startLoadModel('responses');
  fake = model.fake;
  instance = await startInstance({
    ...model.env,
    PARLEY_STORE: `sqlite:${path.join(dir, 'parley.db')}`,
    PARLEY_DATA_DIR: dir,
  });
  report = await runVisitors({
    visitors: VISITORS,
    turns: TURNS,
    baseUrlFor: () => instance.url,
  });
}, 180_000);

afterAll(async () => {
  await instance?.stop();
  await fake?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe(`${VISITORS} concurrent visitors × ${TURNS} turns on one instance (SQLite file)`, () => {
  it('answers every turn, with zero 5xx', () =>
    results.check(
      `${VISITORS} visitors × ${TURNS} turns, one instance, SQLite file, mixed SSE and JSON`,
      () => {
        expectNone(report.failures, 'turns not answered');
        expect(report.fiveXX).toBe(0);
        expect(report.answered).toBe(VISITORS * TURNS);
        // One model call per turn: nothing was retried or lost on the way.
        expect(fake.requests).toHaveLength(VISITORS * TURNS);
        return {
          detail: `every turn answered (${report.sseTurns} over SSE, ${report.jsonTurns} as JSON), zero 5xx; real OpenAI provider (Responses API) against the fake server`,
          numbers: loadNumbers(report, VISITORS),
        };
      },
    ));

  it("keeps each visitor's history exactly their own messages, in order", () =>
    results.check('no cross-talk, nothing lost (one instance)', () => {
      expectNone(report.historyProblems, 'histories not exactly their own');
      expectNone(report.crossTalk, 'answers with cross-talk');
      expect(model.echo.stats.mixed).toBe(0);
      return {
        detail: `${VISITORS} histories of exactly ${TURNS * 2} messages, in order; every answer carried its own visitor's tag; no model request mixed two visitors`,
        numbers: {
          histories_checked: VISITORS,
          wrong_histories: report.historyProblems.length,
          cross_talk: report.crossTalk.length,
          mixed_model_inputs: model.echo.stats.mixed,
        },
      };
    }));
});
