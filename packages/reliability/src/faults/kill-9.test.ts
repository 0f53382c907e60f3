import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chatTurn, getHistory, type TurnResult } from '@parley/testkit/chat-client';
import { type FakeOpenAI, type FakeResponder, startFakeOpenAI } from '@parley/testkit/fake-openai';
import {
  createScratchDatabase,
  describeWithPostgres,
  type ScratchDatabase,
} from '@parley/testkit/postgres';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { expectNone } from '../support/expect-none.js';
import { orphanCallIds, userTexts } from '../support/model-input.js';
import { killAndWait, type ServerProcess, startServerProcess } from '../support/processes.js';
import { suiteRecorder } from '../support/results.js';
import { SESSION_SECRET } from '../support/servers.js';
import { historyMismatch, type SentTurn } from './history-check.js';

/**
 * `kill -9` of the real entry point while answers stream, then a fresh instance on the same
 * database: every history is there (each question was stored before its model call; only the
 * unfinished answers are lost), and every conversation takes its next message at once.
 */

const results = suiteRecorder('faults-kill-9', 'infrastructure');
const dirs: string[] = [];
const servers: ServerProcess[] = [];

afterEach(async () => {
  for (const server of servers.splice(0)) await killAndWait(server.child, 'SIGKILL');
});
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function sqliteEnv(extra: Record<string, string> = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'parley-kill-9-'));
  dirs.push(dir);
  const file = path.join(dir, 'parley.db');
  return {
    file,
    env: {
      PARLEY_STORE: `sqlite:${file}`,
      PARLEY_DATA_DIR: dir,
      PARLEY_SESSION_SECRET: SESSION_SECRET,
      PARLEY_RATE_LIMITS: 'off',
      ...extra,
    },
  };
}

async function start(env: Record<string, string>): Promise<ServerProcess> {
  const server = await startServerProcess(env);
  servers.push(server);
  return server;
}

function integrityOf(file: string): string {
  const db = new BetterSqlite3(file, { readonly: true });
  try {
    return String(db.pragma('integrity_check', { simple: true }));
  } finally {
    db.close();
  }
}

/** Rows of a history page as `[role, text]` pairs. */
async function historyOf(baseUrl: string, token: string) {
  const read = await getHistory(baseUrl, { token });
  return {
    status: read.status,
    pairs: (read.body.messages ?? []).map((m) => [m.role, m.text] as const),
    messages: read.body.messages ?? [],
  };
}

/**
 * Many visitors with one finished turn each start a second, streamed turn; on the first answer
 * delta anyone receives, the server gets SIGKILL. Returns what every visitor had lived through.
 */
async function killDuringTurns(server: ServerProcess, visitors: number) {
  const sent: SentTurn[][] = [];
  const tokens: string[] = [];
  for (let v = 0; v < visitors; v++) {
    const message = `Visitor ${v}: how do I reset my password?`;
    const one = await chatTurn(server.baseUrl, message, { sse: v % 2 === 0 });
    expect(one.text, `turn 1 of visitor ${v}`).toBeTruthy();
    tokens.push(one.token!);
    sent.push([{ message, answer: one.text }]);
  }
  let killedAt = 0;
  const second = await Promise.all(
    tokens.map((token, v) =>
      chatTurn(server.baseUrl, `Visitor ${v}: and what are your opening hours?`, {
        token,
        timeoutMs: 20_000,
        onEvent: (event) => {
          if (event.event !== 'delta' || killedAt) return;
          killedAt = performance.now();
          void killAndWait(server.child, 'SIGKILL');
        },
      }),
    ),
  );
  await killAndWait(server.child, 'SIGKILL');
  second.forEach((turn, v) => {
    sent[v]!.push({ message: `Visitor ${v}: and what are your opening hours?`, answer: turn.text });
  });
  return { sent, tokens, second, killedAt };
}

/** Checks every history on the fresh instance, then that every conversation takes a new turn. */
async function afterRestart(
  server: ServerProcess,
  run: { sent: SentTurn[][]; tokens: string[]; second: TurnResult[] },
) {
  const problems: string[] = [];
  let questionsKept = 0;
  let unfinished = 0;
  for (const [v, token] of run.tokens.entries()) {
    const read = await historyOf(server.baseUrl, token);
    const problem = historyMismatch(read.messages, run.sent[v]!);
    if (read.status !== 200 || problem) problems.push(`visitor ${v}: ${read.status} ${problem}`);
    const turn = run.second[v]!;
    if (turn.text === undefined) unfinished++;
    // A question the visitor saw stored (its `message` event) must be there after the crash.
    if (turn.question) {
      if (read.messages.some((m) => m.id === turn.question?.id)) questionsKept++;
      else problems.push(`visitor ${v}: stored question ${turn.question.seq} lost`);
    }
  }
  const next: TurnResult[] = [];
  for (const [v, token] of run.tokens.entries()) {
    next.push(await chatTurn(server.baseUrl, `Visitor ${v}: can I return a product?`, { token }));
  }
  const refused = next.filter((t) => t.text === undefined);
  return { problems, questionsKept, unfinished, next, refused };
}

/**
 * A fresh instance on `env` after `killDuringTurns`: it must find every history (see
 * `afterRestart`), some answers unfinished, and take every conversation's next message at once.
 * Returns the numbers to record.
 */
async function restartAfterKill(
  env: Record<string, string>,
  run: Awaited<ReturnType<typeof killDuringTurns>>,
) {
  const restartStarted = performance.now();
  const second = await start(env);
  const restartMs = performance.now() - restartStarted;
  const after = await afterRestart(second, run);
  expectNone(after.problems, 'histories wrong after the restart');
  expect(after.unfinished).toBeGreaterThan(0);
  expectNone(
    after.refused.map((t) => `${t.status} ${t.error?.code ?? t.networkError}`),
    `conversations whose next message was refused right after the restart (of ${run.tokens.length}, ${after.unfinished} killed mid-turn)`,
  );
  return {
    visitors: run.tokens.length,
    unfinished_answers: after.unfinished,
    stored_questions_kept: after.questionsKept,
    wrong_histories: after.problems.length,
    next_turns_refused: after.refused.length,
    restart_ms: Math.round(restartMs),
  };
}

describe('kill -9 of an instance mid-turn, SQLite file', () => {
  it(
    'keeps every history up to the unfinished answers; every conversation continues at once (offline model)',
    () =>
      results.check('kill -9 mid-turn, 8 visitors, offline model, SQLite file', async () => {
        const { file, env } = sqliteEnv();
        const first = await start(env);
        const run = await killDuringTurns(first, 8);
        expect(run.killedAt).toBeGreaterThan(0);
        expect(run.second.some((t) => t.networkError !== undefined)).toBe(true);
        expect(integrityOf(file)).toBe('ok');

        const numbers = await restartAfterKill(env, run);
        return {
          detail:
            "SIGKILL on the first streamed delta while 8 second turns ran. The database passed integrity_check; after a restart on the same file every history held turn 1 and turn 2's question (plus its answer where it had finished), never a partial answer; every conversation's next message was answered at once",
          numbers,
        };
      }),
    90_000,
  );

  describe('with the real OpenAI provider against a fake server', () => {
    let fake: FakeOpenAI | undefined;
    afterAll(async () => {
      await fake?.close();
    });

    it(
      'feeds the next turn no orphan tool call, half answer or lost question',
      () =>
        results.check('kill -9 mid-stream after a tool call, real provider, SQLite', async () => {
          // Each turn: search the knowledge base first, then a slow streamed answer.
          const responder: FakeResponder = (request) => {
            const body = request.body as { input?: { role?: string; type?: string }[] };
            const items = body.input ?? [];
            const lastUser = items.map((i) => i.role).lastIndexOf('user');
            const toolRan = items
              .slice(lastUser + 1)
              .some((i) => i.type === 'function_call_output');
            const asked = userTexts(request).at(-1) ?? '';
            return toolRan
              ? {
                  kind: 'text',
                  text: `Here is the answer to "${asked}" from our help center.`,
                  deltas: 12,
                }
              : { kind: 'tool_call', name: 'search_knowledge_base', arguments: { query: asked } };
          };
          fake = await startFakeOpenAI({ responder, deltaIntervalMs: 60 });
          const { file, env } = sqliteEnv({
            OPENAI_API_KEY: 'test-key',
            OPENAI_BASE_URL: fake.url,
            OPENAI_MODEL: 'gpt-fake',
          });
          const first = await start(env);
          const one = await chatTurn(first.baseUrl, 'How do I reset my password?');
          expect(one.text).toBe(
            'Here is the answer to "How do I reset my password?" from our help center.',
          );
          const token = one.token!;

          let killed = '';
          await chatTurn(first.baseUrl, 'What are your opening hours?', {
            token,
            timeoutMs: 20_000,
            onEvent: (event) => {
              if (event.event !== 'delta' || killed) return;
              killed = event.data.text;
              void killAndWait(first.child, 'SIGKILL');
            },
          });
          await killAndWait(first.child, 'SIGKILL');
          expect(killed.length).toBeGreaterThan(0);
          expect('Here is the answer to "What are your opening hours?"'.startsWith(killed)).toBe(
            true,
          );
          expect(integrityOf(file)).toBe('ok');

          const second = await start(env);
          const before = fake.requests.length;
          const three = await chatTurn(second.baseUrl, 'Can I return a product?', { token });
          expectNone(
            three.text === undefined
              ? [`${three.status} ${three.error?.code ?? three.networkError}`]
              : [],
            'the next message after the restart was refused',
          );
          expect(three.text).toBe(
            'Here is the answer to "Can I return a product?" from our help center.',
          );
          const input = fake.requests[before]!;
          const said = userTexts(input);
          // The interrupted question was stored before the model ran, so the model sees the
          // conversation as the transcript shows it.
          expect(said).toEqual([
            'How do I reset my password?',
            'What are your opening hours?',
            'Can I return a product?',
          ]);
          expect(orphanCallIds(input)).toEqual([]);
          expect(JSON.stringify(input.body)).not.toContain('What are your opening hours?" from');

          const final = await historyOf(second.baseUrl, token);
          expect(final.pairs).toEqual([
            ['user', 'How do I reset my password?'],
            ['assistant', one.text],
            ['user', 'What are your opening hours?'],
            ['user', 'Can I return a product?'],
            ['assistant', three.text],
          ]);
          return {
            detail:
              "turn 2 ran a knowledge-base search and was killed on its first answer delta. After the restart the model input of the next turn had every tool call paired with its output, no trace of the half answer, and both it and the history kept turn 1 and turn 2's question",
            numbers: {
              model_input_items: ((input.body as { input?: unknown[] }).input ?? []).length,
              orphan_items: orphanCallIds(input).length,
              interrupted_question_in_model_input: said.includes('What are your opening hours?')
                ? 1
                : 0,
            },
          };
        }),
      90_000,
    );
  });
});

await describeWithPostgres('kill -9 of an instance mid-turn, PostgreSQL', () => {
  let scratch: ScratchDatabase | undefined;
  afterAll(async () => {
    await scratch?.drop();
  });

  it(
    'a fresh instance on the same database finds every history; every conversation continues at once',
    () =>
      results.check('kill -9 mid-turn, 8 visitors, offline model, PostgreSQL', async () => {
        scratch = await createScratchDatabase();
        const env = {
          PARLEY_STORE: scratch.url,
          PARLEY_SESSION_SECRET: SESSION_SECRET,
          PARLEY_RATE_LIMITS: 'off',
        };
        const first = await start(env);
        const run = await killDuringTurns(first, 8);
        expect(run.killedAt).toBeGreaterThan(0);

        const numbers = await restartAfterKill(env, run);
        return {
          detail:
            "SIGKILL on the first streamed delta while 8 second turns ran; a fresh instance on the same database: every history held turn 1 and turn 2's question (plus its answer where it had finished), never a partial answer; every conversation's next message was answered at once",
          numbers,
        };
      }),
    90_000,
  );
});
