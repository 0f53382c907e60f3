import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  type FakeOpenAI,
  type FakeResponder,
  startFakeOpenAI,
} from '../../src/test-support/fake-openai.js';
import { chatTurn, history } from '../support/http-client.js';
import { orphanCallIds, userTexts } from '../support/model-input.js';
import { killAndWait, type ServerProcess, startServerProcess } from '../support/processes.js';
import { suiteRecorder } from '../support/results.js';
import { roundMs } from '../support/stats.js';

const results = suiteRecorder('faults-kill-9', 'infrastructure');
const SECRET = 'reliability-kill-9-secret-0123456789abcdef';
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
      PARLEY_SESSION_SECRET: SECRET,
      ...extra,
    },
  };
}

async function start(env: Record<string, string>): Promise<ServerProcess> {
  const server = await startServerProcess(env);
  servers.push(server);
  return server;
}

/**
 * Turn 2 is a streamed answer; on its first delta the server gets SIGKILL. Returns what the
 * visitor had seen by then.
 */
async function killMidStream(server: ServerProcess, token: string, message: string) {
  const killed = { at: 0, deltas: '' };
  const turn = await chatTurn(server.baseUrl, message, {
    sse: true,
    token,
    timeoutMs: 20_000,
    onEvent: (event) => {
      if (event.event !== 'delta' || killed.at) return;
      killed.at = performance.now();
      killed.deltas = event.data.text;
      void killAndWait(server.child, 'SIGKILL');
    },
  });
  await killAndWait(server.child, 'SIGKILL');
  return { turn, killed };
}

function integrityOf(file: string): string {
  const db = new BetterSqlite3(file, { readonly: true });
  try {
    return String(db.pragma('integrity_check', { simple: true }));
  } finally {
    db.close();
  }
}

describe('kill -9 of the server mid-stream, SQLite store', () => {
  it(
    'keeps history up to the last completed turn; the same token continues (offline model)',
    () =>
      results.check('kill -9 mid-stream, offline model, SQLite', async () => {
        const { file, env } = sqliteEnv();
        const first = await start(env);
        const one = await chatTurn(first.baseUrl, 'How do I reset my password?', { sse: true });
        expect(one.status).toBe(200);
        expect(one.text).toBeTruthy();
        const token = one.token!;

        const { turn, killed } = await killMidStream(first, token, 'What are your opening hours?');
        expect(killed.at).toBeGreaterThan(0);
        expect(turn.networkError).toBeDefined();
        expect(turn.text).toBeUndefined();
        expect(integrityOf(file)).toBe('ok');

        const restartStarted = performance.now();
        const second = await start(env);
        const restartMs = performance.now() - restartStarted;
        const after = await history(second.baseUrl, { token });
        expect(after.status).toBe(200);
        expect(after.messages.map((m) => [m.role, m.content])).toEqual([
          ['user', 'How do I reset my password?'],
          ['assistant', one.text],
          ['user', 'What are your opening hours?'],
        ]);

        const three = await chatTurn(second.baseUrl, 'Can I return a product?', {
          sse: true,
          token,
        });
        expect(three.status).toBe(200);
        expect(three.events.at(-1)?.event).toBe('done');
        expect(three.token).toBe(token);
        const final = await history(second.baseUrl, { token });
        expect(final.messages.map((m) => m.role)).toEqual([
          'user',
          'assistant',
          'user',
          'user',
          'assistant',
        ]);
        expect(final.messages.at(-1)?.content).toBe(three.text);
        return {
          detail:
            "SIGKILL on the first streamed delta of turn 2. The database passed integrity_check; after a restart on the same file the history was turn 1 (both messages) plus turn 2's message, with no partial answer; the next request with the same token was answered",
          numbers: { restart_ms: roundMs(restartMs), history_after_restart: after.messages.length },
        };
      }),
    60_000,
  );

  describe('with the real OpenAI provider against a fake server', () => {
    let fake: FakeOpenAI;
    afterAll(async () => {
      await fake?.close();
    });

    it(
      'feeds the next turn no orphan tool call, half answer or lost turn',
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
          const one = await chatTurn(first.baseUrl, 'How do I reset my password?', { sse: true });
          expect(one.text).toBe(
            'Here is the answer to "How do I reset my password?" from our help center.',
          );
          const token = one.token!;

          const { killed } = await killMidStream(first, token, 'What are your opening hours?');
          expect(killed.deltas.length).toBeGreaterThan(0);
          expect(
            'Here is the answer to "What are your opening hours?"'.startsWith(killed.deltas),
          ).toBe(true);
          expect(integrityOf(file)).toBe('ok');

          const second = await start(env);
          const before = fake.requests.length;
          const three = await chatTurn(second.baseUrl, 'Can I return a product?', {
            sse: true,
            token,
          });
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

          const final = await history(second.baseUrl, { token });
          expect(final.messages.map((m) => [m.role, m.content])).toEqual([
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
      60_000,
    );
  });
});
