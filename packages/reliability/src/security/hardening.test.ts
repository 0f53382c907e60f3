import { type ChatReply, RETRYABLE_ERROR_CODES } from '@parley/shared';
import { startTestApp, type TestApp, type TestAppOptions } from '@parley/testkit/app';
import type { RawResponse } from '@parley/testkit/chat-client';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { suiteRecorder } from '../support/results.js';
import {
  conversationCount,
  jsonOf,
  leakCheckedVisitor,
  respondingModel,
  type Seen,
} from './lib/attack-helpers.js';

/**
 * The classes of defect the attack review of issue 12 found, each checked over real HTTP so the
 * next one of its kind is caught here: credentials that are presented but broken, reads and
 * ratings without limits, operator tokens open to guessing, and client-chosen request ids.
 */

const results = suiteRecorder('security-hardening', 'attacks');
const ADMIN_TOKEN = 'adm-Q7x2-Lp9v-Rt4k-Zm8w-Hc3n-Yb6j';
const METRICS_TOKEN = 'met-J5d8-Wq2r-Nx7t-Ks4p-Fv9m-Gh3c';
const running: TestApp[] = [];
const seen: Seen[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((app) => app.close()));
});
afterAll(() => {
  expect(seen.filter((s) => s.leaks.length > 0)).toEqual([]);
});

async function start(options: TestAppOptions = {}) {
  const app = await startTestApp(options);
  running.push(app);
  return { app, v: leakCheckedVisitor(app.baseUrl, seen) };
}

function refusedAs(response: RawResponse, status: number, code: string, what: string): void {
  expect(response.status, `${what}: ${response.body.slice(0, 200)}`).toBe(status);
  expect(jsonOf(response).error?.code, what).toBe(code);
}

describe('broken Authorization headers', () => {
  const BROKEN = [
    '',
    ' ',
    'Bearer',
    'Bearer ',
    'bearer',
    'Bearer\t',
    'Basic dXNlcjpwYXNz',
    'Token abc.def',
    'Bearer a b',
    'Bearer "quoted"',
    `Bearer ${'x'.repeat(300)}`,
  ];

  it('answers 401 session_invalid on every chat route, creating no session and calling no model', () =>
    results.check('empty and malformed Authorization headers', async () => {
      const model = respondingModel();
      // Limits on, and a new-conversation limit lower than the attempts: a header that skipped
      // it would show as sessions created, one that was counted as a 429.
      const { app, v } = await start({
        model,
        env: {
          PARLEY_RATE_LIMITS: 'on',
          PARLEY_RATE_IP_SESSIONS: '3',
          PARLEY_RATE_IP_MESSAGES: '1000',
          PARLEY_RATE_IP_READS: '1000',
          PARLEY_RATE_IP_FEEDBACK: '1000',
        },
      });
      let requests = 0;
      for (const authorization of BROKEN) {
        const headers = { authorization };
        const attempts: [string, RawResponse][] = [
          ['chat (JSON)', await v.chat({ message: 'hi' }, { headers })],
          ['chat (SSE)', await v.chat({ message: 'hi' }, { headers, accept: 'text/event-stream' })],
          ['history', await v.history({ headers })],
          ['events', await v.get('/api/chat/events', { headers, accept: 'text/event-stream' })],
          [
            'stop',
            await v.request({
              method: 'POST',
              path: '/api/chat/stop',
              headers: { origin: v.own, ...headers },
            }),
          ],
          ['feedback', await v.feedback({ messageId: 'm_1', rating: 'up' }, { headers })],
          ['erase', await v.erase({ headers })],
        ];
        for (const [route, response] of attempts) {
          refusedAs(
            response,
            401,
            'session_invalid',
            `${route} with Authorization "${authorization.slice(0, 20)}"`,
          );
          requests++;
        }
      }
      expect(model.calls).toHaveLength(0);
      expect(await conversationCount(app.store)).toBe(0);
      // The new-conversation limit counted none of them: 3 conversations can still be opened.
      for (let i = 0; i < 3; i++)
        expect((await v.chat({ message: `fresh ${i}` })).status).toBe(200);
      refusedAs(
        await v.chat({ message: 'one too many' }),
        429,
        'rate_limited',
        'fourth conversation',
      );
      expect(await conversationCount(app.store)).toBe(3);
      return {
        detail: `${BROKEN.length} empty or malformed Authorization headers (empty, blank, scheme alone, Basic, other schemes, two tokens, quoted, oversized) × 7 routes (chat JSON and SSE, history, events, stop, feedback, erase): all 401 session_invalid, 0 sessions created, 0 model calls; the new-conversation limit (3/h) counted none of them and refused the 4th real one`,
        numbers: { headers: BROKEN.length, requests, sessions_created: 0, model_calls: 0 },
      };
    }));
});

describe('limits on reads and ratings', () => {
  it('limits history pages, event streams and ratings per address', () =>
    results.check('history, event streams and feedback are rate limited', async () => {
      const { v } = await start({
        model: respondingModel(),
        env: { PARLEY_RATE_LIMITS: 'on', PARLEY_RATE_IP_READS: '6', PARLEY_RATE_IP_FEEDBACK: '3' },
      });
      const reply = jsonOf<ChatReply>(await v.chat({ message: 'Hello' }));
      const token = reply.sessionToken;
      const reads: number[] = [];
      for (let i = 0; i < 4; i++) reads.push((await v.history({ token })).status);
      const hangUp = new AbortController();
      // Event streams count as reads too (opened, then hung up at once).
      for (let i = 0; i < 2; i++) {
        const stream = await fetch(`${v.own}/api/chat/events`, {
          headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
          signal: hangUp.signal,
        });
        reads.push(stream.status);
        await stream.body?.cancel();
      }
      const limitedRead = await v.history({ token });
      const limitedStream = await v.get('/api/chat/events', { token, accept: 'text/event-stream' });
      const ratings: number[] = [];
      for (let i = 0; i < 3; i++) {
        ratings.push(
          (
            await v.feedback(
              { messageId: reply.answer!.id, rating: i % 2 ? 'up' : 'down' },
              { token },
            )
          ).status,
        );
      }
      const limitedRating = await v.feedback(
        { messageId: reply.answer!.id, rating: 'up' },
        { token },
      );
      expect(reads).toEqual([200, 200, 200, 200, 200, 200]);
      expect(ratings).toEqual([204, 204, 204]);
      for (const [what, response] of [
        ['7th read (history)', limitedRead],
        ['8th read (event stream)', limitedStream],
        ['4th rating', limitedRating],
      ] as const) {
        refusedAs(response, 429, 'rate_limited', what);
        expect(response.headers['retry-after'], what).toMatch(/^\d+$/);
        expect(response.headers.ratelimit, what).toBeDefined();
      }
      expect(RETRYABLE_ERROR_CODES.has('rate_limited')).toBe(true);
      return {
        detail:
          'PARLEY_RATE_IP_READS=6 and PARLEY_RATE_IP_FEEDBACK=3 per minute: 4 history pages and 2 event streams answered, the 7th and 8th reads 429 rate_limited; 3 ratings accepted, the 4th 429; every refusal with Retry-After and RateLimit headers',
        numbers: { reads_allowed: 6, ratings_allowed: 3, refused: 3 },
      };
    }));
});

describe('operator tokens', () => {
  it('throttles an address after 20 failed admin or metrics token attempts in 15 minutes', () =>
    results.check('failed operator-token attempts are throttled', async () => {
      const { v } = await start({
        env: {
          PARLEY_RATE_LIMITS: 'on',
          PARLEY_ADMIN_TOKEN: ADMIN_TOKEN,
          PARLEY_METRICS_TOKEN: METRICS_TOKEN,
        },
      });
      // Successes are never counted.
      for (let i = 0; i < 25; i++) {
        expect((await v.get('/api/admin/tickets', { token: ADMIN_TOKEN })).status).toBe(200);
      }
      const failures: number[] = [];
      for (let i = 0; i < 20; i++) {
        const response =
          i % 2 === 0
            ? await v.get('/api/admin/tickets', { token: `guess-${i}-0123456789abcdef` })
            : await v.get('/metrics', { token: `guess-${i}-0123456789abcdef` });
        failures.push(response.status);
      }
      expect(failures).toEqual(Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? 401 : 404)));
      const throttled = [
        await v.get('/api/admin/tickets', { token: 'guess-21-0123456789abcdef' }),
        await v.get('/metrics', { token: 'guess-22-0123456789abcdef' }),
        // Until the window ends the address is refused, even with the right token.
        await v.get('/api/admin/tickets', { token: ADMIN_TOKEN }),
        await v.get('/metrics', { token: METRICS_TOKEN }),
      ];
      for (const response of throttled) {
        refusedAs(response, 429, 'rate_limited', 'after 20 failures');
        expect(Number(response.headers['retry-after'])).toBeGreaterThan(60);
      }
      return {
        detail:
          '25 requests with the right admin token all 200 (successes are not counted); 20 wrong guesses alternating /api/admin (401) and /metrics (404); from the 21st request on the address got 429 rate_limited on both, even with the right tokens, with a Retry-After of minutes',
        numbers: {
          successes_not_counted: 25,
          failures_allowed: 20,
          throttled: throttled.length,
          retry_after_s: Number(throttled[0]?.headers['retry-after'] ?? 0),
        },
      };
    }));
});

describe('X-Request-Id', () => {
  const CHOSEN = 'attacker-chosen-request-id-0042';
  const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

  it('is ignored from clients unless a trusted proxy is configured, and only in a sane format', () =>
    results.check('client X-Request-Id ignored without PARLEY_TRUST_PROXY', async () => {
      const direct = await start();
      const fromClient = await direct.v.history({ headers: { 'x-request-id': CHOSEN } });
      expect(fromClient.headers['x-request-id']).toMatch(UUID);
      expect(direct.app.logs?.lines.join('\n')).not.toContain(CHOSEN);

      const proxied = await start({ env: { PARLEY_TRUST_PROXY: '1' } });
      const fromProxy = await proxied.v.history({ headers: { 'x-request-id': CHOSEN } });
      expect(fromProxy.headers['x-request-id']).toBe(CHOSEN);
      const insane = ['../../etc/passwd', 'a'.repeat(65), 'two words', '<script>', 'id;drop', ''];
      for (const id of insane) {
        const response = await proxied.v.history({ headers: { 'x-request-id': id } });
        expect(response.headers['x-request-id'], JSON.stringify(id)).toMatch(UUID);
      }
      const logged = proxied.app.logs?.lines.join('\n') ?? '';
      for (const id of insane.filter(Boolean)) expect(logged).not.toContain(id);
      return {
        detail: `PARLEY_TRUST_PROXY=0: a client's X-Request-Id was replaced by a fresh UUID in the response and never reached the log; PARLEY_TRUST_PROXY=1: a proxy's well-formed id was kept, and ${insane.length} malformed ones (path, 65 characters, spaces, markup, punctuation, empty) were replaced`,
        numbers: { malformed_ids_replaced: insane.length },
      };
    }));
});
