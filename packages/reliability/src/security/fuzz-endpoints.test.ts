import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { applyServerTimeouts, SESSION_COOKIE } from '@parley/server';
import type { ChatReply } from '@parley/shared';
import { startTestApp, type TestApp } from '@parley/testkit/app';
import { type RawRequest, type RawResponse, sendRaw as send } from '@parley/testkit/chat-client';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { suiteRecorder } from '../support/results.js';
import {
  type AuthChoice,
  accept,
  authChoice,
  type CookieChoice,
  type Credential,
  chatBody,
  contentEncoding,
  contentType,
  cookieChoice,
  extraHeaders,
  feedbackFields,
  idempotencyKey,
  type MessageIdChoice,
  method,
  type OriginChoice,
  originChoice,
  queryString,
  routePath,
} from './lib/arbitraries.js';
import { problemsWith } from './lib/response-checks.js';
import { openSlowSocket, statusOf } from './lib/slow-socket.js';

/**
 * Bad input: property-based fuzzing of every endpoint over real HTTP, oversized bodies, and slow
 * clients. One app serves every fuzz case, so state left by one case (sessions, idempotency keys,
 * feedback) is part of what the next case meets.
 *
 * Reproduce a run with `PARLEY_FUZZ_SEED=<seed> npx vitest run src/security` in packages/reliability.
 */

const results = suiteRecorder('security-bad-input', 'bad_input');
const SEED = Number(process.env.PARLEY_FUZZ_SEED ?? 20_260_106);
const RUNS = { chat: 800, feedback: 300, routes: 700, limited: 200, events: 150 } as const;
const ALLOWED_SITE = 'https://www.acme.example';
const ADMIN_TOKEN = 'admin-token-fuzz-0123456789abcdef';
const METRICS_TOKEN = 'metrics-token-fuzz-0123456789abcd';
/** Well-formed (`<32 chars>.<43 chars>`) but signed by nobody. */
const FORGED_TOKEN = `ZnV6ei1mb3JnZWQtc2Vzc2lvbi1pZC0w.${'Q'.repeat(43)}`;
const BODY_LIMIT = 16 * 1024;

let app: TestApp;
let own: string;
let live: { token: string; messageId: string };
let requestsSent = 0;
const statuses = new Map<number, number>();

/** A fresh session with one answered message, for cases that present a valid token. */
async function mintLiveSession(): Promise<{ token: string; messageId: string }> {
  const response = await fetch(`${app.baseUrl}/api/chat`, {
    method: 'POST',
    headers: { Origin: own, 'Content-Type': 'application/json' },
    body: JSON.stringify({ message: 'How do I reset my password?' }),
  });
  const reply = (await response.json()) as ChatReply;
  if (!reply.answer) throw new Error(`no answer to mint a live session: ${JSON.stringify(reply)}`);
  return { token: reply.sessionToken, messageId: reply.answer.id };
}

function flipCharAt(text: string, at: number): string {
  const i = at % text.length;
  const c = text[i] === 'A' ? 'B' : 'A';
  return `${text.slice(0, i)}${c}${text.slice(i + 1)}`;
}

function resolveCredential(credential: Credential): string {
  switch (credential.kind) {
    case 'live':
      return live.token;
    case 'forged':
      return FORGED_TOKEN;
    case 'tampered':
      return flipCharAt(live.token, credential.at);
    case 'admin':
      return ADMIN_TOKEN;
    case 'metrics':
      return METRICS_TOKEN;
    case 'text':
      return credential.value;
  }
}

interface HeaderChoices {
  origin: OriginChoice;
  auth: AuthChoice;
  cookie: CookieChoice;
  contentType: string | undefined;
  contentEncoding: string | undefined;
  accept: string | undefined;
  idempotencyKey: string | undefined;
  extra: Record<string, string>;
}

const headerChoices: fc.Arbitrary<HeaderChoices> = fc.record({
  origin: originChoice,
  auth: authChoice,
  cookie: cookieChoice,
  contentType,
  contentEncoding,
  accept,
  idempotencyKey,
  extra: extraHeaders,
});

function buildHeaders(choices: HeaderChoices, ownOrigin = own): Record<string, string> {
  const headers: Record<string, string> = { ...choices.extra };
  if (choices.origin.kind === 'own') headers.origin = ownOrigin;
  if (choices.origin.kind === 'value') headers.origin = choices.origin.value;
  if (choices.auth.scheme === 'bearer')
    headers.authorization = `Bearer${choices.auth.spacing}${resolveCredential(choices.auth.credential)}`;
  if (choices.auth.scheme === 'raw') headers.authorization = choices.auth.value;
  if (choices.cookie.kind === 'raw') headers.cookie = choices.cookie.value;
  if (choices.cookie.kind === 'session') {
    const pair = `${SESSION_COOKIE}=${resolveCredential(choices.cookie.credential)}`;
    headers.cookie = `${choices.cookie.before}${pair}${choices.cookie.duplicate ? `; ${pair}x` : ''}`;
  }
  if (choices.contentType !== undefined) headers['content-type'] = choices.contentType;
  if (choices.contentEncoding !== undefined) headers['content-encoding'] = choices.contentEncoding;
  if (choices.accept !== undefined) headers.accept = choices.accept;
  if (choices.idempotencyKey !== undefined) headers['idempotency-key'] = choices.idempotencyKey;
  return headers;
}

/** Compresses the body as its Content-Encoding says when asked to; otherwise sends it as is. */
function encodeBody(body: string | Uint8Array, encoding: string | undefined, compress: boolean) {
  if (!compress) return body;
  switch (encoding?.trim().toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
      return gzipSync(body);
    case 'deflate':
      return deflateSync(body);
    case 'br':
      return brotliCompressSync(body);
    default:
      return body;
  }
}

function usesLiveCredential(choices: HeaderChoices): boolean {
  return (
    (choices.auth.scheme === 'bearer' && choices.auth.credential.kind === 'live') ||
    (choices.cookie.kind === 'session' && choices.cookie.credential.kind === 'live')
  );
}

function describeRequest(request: RawRequest): string {
  const body =
    request.body === undefined
      ? ''
      : typeof request.body === 'string'
        ? request.body.slice(0, 300)
        : `<${request.body.length} bytes>`;
  return `${request.method} ${request.path.slice(0, 300)}\n${JSON.stringify(request.headers)}\n${body}`;
}

/** Sends one fuzz case and throws (with the request, for the counterexample) if anything is off. */
async function sendAndCheck(request: RawRequest, baseUrl = app.baseUrl): Promise<RawResponse> {
  requestsSent++;
  let response: RawResponse;
  try {
    response = await send(baseUrl, request);
  } catch (error) {
    throw new Error(`no response (${(error as Error).message}) to:\n${describeRequest(request)}`);
  }
  statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
  const problems = problemsWith(response, request.method);
  if (problems.length > 0) {
    throw new Error(
      `${problems.join('; ')}\nstatus ${response.status} body ${response.body.slice(0, 300)}\nfor:\n${describeRequest(request)}`,
    );
  }
  return response;
}

async function expectHealthy(): Promise<void> {
  const response = await fetch(`${app.baseUrl}/healthz`);
  expect(response.status).toBe(200);
}

let healthChecks = 0;
/** Every 100 cases, the server must still answer its liveness check. */
async function healthEvery100(caseNumber: number): Promise<void> {
  if (caseNumber % 100 !== 0) return;
  healthChecks++;
  await expectHealthy();
}

function runOptions(numRuns: number) {
  return { numRuns, seed: SEED, endOnFailure: false, verbose: 1 } as const;
}

beforeAll(async () => {
  app = await startTestApp({
    env: {
      PARLEY_RATE_LIMITS: 'off',
      PARLEY_ALLOWED_ORIGINS: ALLOWED_SITE,
      PARLEY_ADMIN_TOKEN: ADMIN_TOKEN,
      PARLEY_METRICS_TOKEN: METRICS_TOKEN,
    },
  });
  own = new URL(app.baseUrl).origin;
  live = await mintLiveSession();
  console.log(`fuzz seed ${SEED} (reproduce with PARLEY_FUZZ_SEED=${SEED})`);
});

afterAll(async () => {
  await app?.close();
});

describe('fuzzing every endpoint', () => {
  it('POST /api/chat: arbitrary bodies and headers get a documented status, never a 5xx', () =>
    results.check('POST /api/chat with arbitrary bodies and headers', async () => {
      const started = Date.now();
      const before = requestsSent;
      let cases = 0;
      let answered = 0;
      await fc.assert(
        fc.asyncProperty(
          headerChoices,
          chatBody,
          fc.boolean(),
          queryString,
          async (choices, body, compress, query) => {
            cases++;
            const headers = buildHeaders(choices);
            const response = await sendAndCheck({
              method: 'POST',
              path: `/api/chat${query}`,
              headers,
              body: encodeBody(body, choices.contentEncoding, compress),
            });
            if (response.status === 200) answered++;
            await healthEvery100(cases);
          },
        ),
        runOptions(RUNS.chat),
      );
      await expectHealthy();
      // The generators are weighted so that a good share gets past every check to the agent.
      expect(answered).toBeGreaterThan(RUNS.chat / 10);
      return {
        detail: `${cases} generated requests (seed ${SEED}), ${answered} of them answered by the agent: every one 2xx or a documented 4xx with an ErrorBody, no 5xx, no leaked internals`,
        numbers: { cases, answered, requests: requestsSent - before, ms: Date.now() - started },
      };
    }));

  it('POST /api/chat/feedback: arbitrary bodies and headers get a documented status', () =>
    results.check('POST /api/chat/feedback with arbitrary bodies and headers', async () => {
      const started = Date.now();
      const before = requestsSent;
      let cases = 0;
      let accepted = 0;
      const shaped = feedbackFields.map((fields) => {
        const { messageId, ...rest } = fields as typeof fields & { messageId?: MessageIdChoice };
        if (messageId === undefined) return rest;
        return { ...rest, messageId: messageId.kind === 'live' ? live.messageId : messageId.value };
      });
      const body = fc.oneof(
        { weight: 6, arbitrary: shaped.map((value) => JSON.stringify(value)) },
        {
          weight: 1,
          arbitrary: fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value)),
        },
        { weight: 1, arbitrary: fc.string({ maxLength: 100 }) },
      );
      await fc.assert(
        fc.asyncProperty(headerChoices, body, async (choices, payload) => {
          cases++;
          const response = await sendAndCheck({
            method: 'POST',
            path: '/api/chat/feedback',
            headers: buildHeaders(choices),
            body: payload,
          });
          if (response.status === 204) accepted++;
          await healthEvery100(cases);
        }),
        runOptions(RUNS.feedback),
      );
      await expectHealthy();
      expect(accepted).toBeGreaterThan(0);
      return {
        detail: `${cases} generated requests: documented statuses only; ${accepted} ratings of the live answer accepted (204)`,
        numbers: { cases, accepted, requests: requestsSent - before, ms: Date.now() - started },
      };
    }));

  it('any method, path and query on every route (and unknown ones) gets a documented status', () =>
    results.check('arbitrary methods, paths, queries and headers on every route', async () => {
      const started = Date.now();
      const before = requestsSent;
      let cases = 0;
      await fc.assert(
        fc.asyncProperty(
          method,
          routePath,
          queryString,
          headerChoices,
          fc.option(chatBody, { nil: undefined, freq: 4 }),
          async (verb, path, query, choices, body) => {
            cases++;
            const headers = buildHeaders(choices);
            const request: RawRequest = {
              method: verb,
              path: `${path}${query}`,
              headers,
              ...(body !== undefined && verb !== 'GET' && verb !== 'HEAD' ? { body } : {}),
            };
            await sendAndCheck(request);
            // Erasing the live session is a legitimate outcome; mint another for later cases.
            if (verb === 'DELETE' && usesLiveCredential(choices)) live = await mintLiveSession();
            await healthEvery100(cases);
          },
        ),
        runOptions(RUNS.routes),
      );
      await expectHealthy();
      return {
        detail: `${cases} generated requests over every route, unknown paths, broken percent-escapes and methods`,
        numbers: { cases, requests: requestsSent - before, ms: Date.now() - started },
      };
    }));

  it('with rate limits on: limited requests get 429 with an ErrorBody, never a 5xx', () =>
    results.check('POST /api/chat fuzzed with rate limits and budgets on', async () => {
      const limited = await startTestApp({
        env: {
          PARLEY_RATE_LIMITS: 'on',
          PARLEY_RATE_IP_MESSAGES: '40',
          PARLEY_RATE_IP_SESSIONS: '15',
          PARLEY_RATE_SESSION_MESSAGES: '5',
          PARLEY_BUDGET_TURNS_PER_DAY: '3',
        },
      });
      const limitedOwn = new URL(limited.baseUrl).origin;
      const started = Date.now();
      let cases = 0;
      let limitedCount = 0;
      try {
        await fc.assert(
          fc.asyncProperty(headerChoices, chatBody, async (choices, body) => {
            cases++;
            const response = await sendAndCheck(
              {
                method: 'POST',
                path: '/api/chat',
                headers: buildHeaders(choices, limitedOwn),
                body,
              },
              limited.baseUrl,
            );
            if (response.status === 429) limitedCount++;
          }),
          runOptions(RUNS.limited),
        );
        expect(limitedCount).toBeGreaterThan(0);
        expect((await fetch(`${limited.baseUrl}/healthz`)).status).toBe(200);
      } finally {
        await limited.close();
      }
      return {
        detail: `${cases} generated requests against limits of 40 messages/min per IP and 15 new sessions/h: ${limitedCount} answered 429 with an ErrorBody, the rest documented statuses`,
        numbers: { cases, rate_limited: limitedCount, ms: Date.now() - started },
      };
    }));

  it('GET /api/chat/events: arbitrary resume positions get a documented status, never a 5xx', () =>
    results.check('GET /api/chat/events with arbitrary Last-Event-ID and ?after=', async () => {
      const started = Date.now();
      let cases = 0;
      let opened = 0;
      const position = fc.oneof(
        { weight: 3, arbitrary: fc.stringMatching(/^\d{1,16}(\.\d{1,10})?$/) },
        {
          weight: 2,
          arbitrary: fc.constantFrom(
            '',
            '0',
            '0.0',
            '-1',
            '1.',
            '.1',
            '1..2',
            '1.2.3',
            '01',
            '1e3',
            ' 3 ',
            '999999999999999.999999999',
            '9'.repeat(40),
            'NaN',
          ),
        },
        { weight: 1, arbitrary: fc.string({ maxLength: 40 }).filter((t) => !/[\r\n\0]/.test(t)) },
      );
      await fc.assert(
        fc.asyncProperty(
          position,
          fc.option(position, { nil: undefined }),
          fc.boolean(),
          async (lastEventId, after, withSession) => {
            cases++;
            requestsSent++;
            const query = after === undefined ? '' : `?after=${encodeURIComponent(after)}`;
            // fetch, not a raw request: an opened stream never ends, so it is cancelled at once.
            const response = await fetch(`${app.baseUrl}/api/chat/events${query}`, {
              headers: {
                accept: 'text/event-stream',
                'last-event-id': lastEventId,
                ...(withSession ? { authorization: `Bearer ${live.token}` } : {}),
              },
              signal: AbortSignal.timeout(5_000),
            });
            statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
            if (response.status === 200) {
              opened++;
              await response.body?.cancel();
              return;
            }
            const problems = problemsWith(
              {
                status: response.status,
                headers: Object.fromEntries(response.headers),
                body: await response.text(),
              },
              'GET',
            );
            if (problems.length > 0) {
              throw new Error(
                `${problems.join('; ')} for Last-Event-ID ${JSON.stringify(lastEventId)}${query}`,
              );
            }
          },
        ),
        runOptions(RUNS.events),
      );
      await expectHealthy();
      expect(opened).toBeGreaterThan(0);
      return {
        detail: `${cases} event-stream requests with generated Last-Event-ID headers and ?after= positions (well-formed, negative, dotted, huge, junk), half with the live session: ${opened} streams opened, the rest documented statuses, no 5xx`,
        numbers: { cases, opened, ms: Date.now() - started },
      };
    }));

  it('adds up to at least 1,000 fuzz cases in this run', () =>
    results.check('fuzz cases per run', () => {
      const cases = RUNS.chat + RUNS.feedback + RUNS.routes + RUNS.limited + RUNS.events;
      expect(cases).toBeGreaterThanOrEqual(1000);
      expect(requestsSent).toBeGreaterThanOrEqual(1000);
      const byStatus = Object.fromEntries(
        [...statuses.entries()].sort(([a], [b]) => a - b).map(([s, n]) => [`status_${s}`, n]),
      );
      return {
        detail: `${requestsSent} fuzz requests with seed ${SEED}, ${healthChecks} liveness checks in between; statuses seen: ${[...statuses.keys()].sort().join(', ')}`,
        numbers: { cases, requests: requestsSent, seed: SEED, ...byStatus },
      };
    }));
});

/** `POST <path>` with a JSON body from the allowed origin; `headers` add to or replace its own. */
function postJson(
  path: string,
  body: RawRequest['body'],
  headers: Record<string, string> = {},
): RawRequest {
  return {
    method: 'POST',
    path,
    headers: { origin: own, 'content-type': 'application/json', ...headers },
    body,
  };
}

describe('inputs the fuzzer found answered with 500 (now 400)', () => {
  const asAdmin = (path: string): RawRequest => ({
    method: 'GET',
    path,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
  });
  const found: { name: string; request: () => RawRequest }[] = [
    {
      name: 'a body labelled gzip that is not gzip',
      request: () => postJson('/api/chat', '{}', { 'content-encoding': 'gzip' }),
    },
    {
      name: 'a body labelled deflate that is not deflate',
      request: () => postJson('/api/chat/feedback', '{}', { 'content-encoding': 'deflate' }),
    },
    {
      name: 'a body labelled br that is not brotli',
      request: () => postJson('/api/chat', '{}', { 'content-encoding': 'br' }),
    },
    {
      name: 'a truncated gzip body',
      request: () =>
        postJson('/api/chat', gzipSync('{"message":"hello there"}').subarray(0, 15), {
          'content-encoding': 'gzip',
        }),
    },
    {
      name: 'a broken percent-escape in the admin ticket id (with the admin token)',
      request: () => asAdmin('/api/admin/tickets/%E0%A4%A'),
    },
    {
      name: 'a lone % as the admin ticket id (with the admin token)',
      request: () => asAdmin('/api/admin/tickets/%'),
    },
  ];

  it.each(found)('$name → 400 invalid_request', ({ name, request }) =>
    results.check(`found by fuzzing: ${name}`, async () => {
      const sent = request();
      const response = await send(app.baseUrl, sent);
      expect(problemsWith(response, sent.method)).toEqual([]);
      expect(response.status).toBe(400);
      expect(JSON.parse(response.body).error.code).toBe('invalid_request');
      return {
        detail: `was 500 internal; now 400 invalid_request ("${JSON.parse(response.body).error.message}")`,
        numbers: { status: response.status },
      };
    }),
  );
});

/** A `POST /api/chat` JSON body of exactly `bytes` bytes. */
function chatBodyOfSize(bytes: number): string {
  const frame = '{"message":""}';
  return `{"message":"${'a'.repeat(bytes - frame.length)}"}`;
}

describe('oversized bodies', () => {
  const cases: { name: string; request: () => RawRequest; status: number }[] = [
    {
      name: 'exactly 16 KiB is read (and refused for its content, not its size)',
      request: () => postJson('/api/chat', chatBodyOfSize(BODY_LIMIT)),
      status: 400,
    },
    {
      name: '16 KiB + 1 byte with Content-Length',
      request: () => postJson('/api/chat', chatBodyOfSize(BODY_LIMIT + 1)),
      status: 413,
    },
    {
      name: '1 MiB with Content-Length',
      request: () => postJson('/api/chat', chatBodyOfSize(1024 * 1024)),
      status: 413,
    },
    {
      name: '1 MiB chunked, without any length',
      request: () =>
        postJson('/api/chat', chatBodyOfSize(1024 * 1024), { 'transfer-encoding': 'chunked' }),
      status: 413,
    },
    {
      name: 'a gzip bomb: 8 KiB on the wire, 8 MiB inflated',
      request: () =>
        postJson('/api/chat', gzipSync(chatBodyOfSize(8 * 1024 * 1024)), {
          'content-encoding': 'gzip',
        }),
      status: 413,
    },
    {
      name: 'feedback of 16 KiB + 1 byte',
      request: () =>
        postJson(
          '/api/chat/feedback',
          JSON.stringify({ messageId: 'm', rating: 'up', comment: 'c'.repeat(BODY_LIMIT) }),
        ),
      status: 413,
    },
  ];

  it.each(cases)('$name → $status, and the server keeps answering', ({ name, request, status }) =>
    results.check(`oversized body: ${name}`, async () => {
      const started = Date.now();
      const sent = request();
      const response = await send(app.baseUrl, sent, 15_000);
      const ms = Date.now() - started;
      expect(response.status).toBe(status);
      expect(problemsWith(response, sent.method)).toEqual([]);
      if (status === 413) expect(JSON.parse(response.body).error.code).toBe('payload_too_large');
      await expectHealthy();
      const size =
        typeof sent.body === 'string' ? Buffer.byteLength(sent.body) : (sent.body?.length ?? 0);
      return {
        detail: `${status} ${status === 413 ? 'payload_too_large' : 'invalid_request'} in ${ms} ms; /healthz answered afterwards`,
        numbers: { bytes_sent: size, status, ms },
      };
    }),
  );

  it('a 32 KiB header block is refused by Node (431) before Express, and the server keeps answering', () =>
    results.check('oversized headers (32 KiB cookie)', async () => {
      const response = await send(app.baseUrl, {
        method: 'GET',
        path: '/api/chat/history',
        headers: { cookie: `a=${'x'.repeat(32 * 1024)}` },
      });
      // Node's HTTP parser answers this itself (no JSON body): the request never reaches the app.
      expect(response.status).toBe(431);
      await expectHealthy();
      return {
        detail:
          '431 from Node’s parser (max header size 16 KiB) with no body; the app never saw it',
        numbers: { status: response.status },
      };
    }));
});

describe('slow clients (slowloris)', () => {
  const HEADERS_TIMEOUT_MS = 500;
  const REQUEST_TIMEOUT_MS = 1_000;
  /** Node checks deadlines every headersTimeout / 4 here; allow that plus scheduling slack. */
  const SLACK_MS = 600;
  let slow: http.Server;
  let port: number;

  beforeAll(async () => {
    // The same app behind a server with the production settings scaled down, as index.ts does.
    slow = http.createServer(app.parley.app);
    applyServerTimeouts(slow, {
      headersTimeoutMs: HEADERS_TIMEOUT_MS,
      requestTimeoutMs: REQUEST_TIMEOUT_MS,
      keepAliveTimeoutMs: 1_000,
    });
    slow.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => slow.once('listening', resolve));
    port = (slow.address() as AddressInfo).port;
  });

  afterAll(async () => {
    slow?.closeAllConnections();
    await new Promise<void>((resolve) => slow?.close(() => resolve()));
  });

  it('refuses to apply timeouts to a server already listening (they would be checked only every 30 s)', () => {
    expect(() => applyServerTimeouts(slow, { headersTimeoutMs: 1, requestTimeoutMs: 1 })).toThrow(
      /before listen/,
    );
  });

  it('shows why the check interval matters: with Node’s default, a silent socket outlives headersTimeout by seconds', () =>
    results.check(
      'headersTimeout alone (default 30 s check interval) does not bound slow clients',
      async () => {
        // What index.ts did before applyServerTimeouts: set the timeouts, keep Node's interval.
        const plain = http.createServer(app.parley.app);
        plain.headersTimeout = HEADERS_TIMEOUT_MS;
        plain.requestTimeout = REQUEST_TIMEOUT_MS;
        plain.listen(0, '127.0.0.1');
        await new Promise<void>((resolve) => plain.once('listening', resolve));
        const waitMs = HEADERS_TIMEOUT_MS + 2_000;
        const silent = openSlowSocket((plain.address() as AddressInfo).port, {
          initial: '',
          giveUpMs: waitMs,
        });
        const outcome = await silent.outcome;
        plain.closeAllConnections();
        await new Promise<void>((resolve) => plain.close(() => resolve()));
        expect(outcome.closedAfterMs).toBeUndefined();
        return {
          detail: `with headersTimeout ${HEADERS_TIMEOUT_MS} ms but Node's default connectionsCheckingInterval (30 s), a silent socket was still open after ${waitMs} ms; in production (15 s) that meant up to ~45 s per socket, hence applyServerTimeouts shortens the interval`,
          numbers: { headers_timeout_ms: HEADERS_TIMEOUT_MS, still_open_after_ms: waitMs },
        };
      },
    ));

  it('closes sockets that never finish their headers or body, while normal requests succeed', () =>
    results.check('slowloris sockets closed within the server timeouts', async () => {
      const host = `127.0.0.1:${port}`;
      const origin = `http://${host}`;
      const giveUpMs = REQUEST_TIMEOUT_MS + 3_000;
      const groups = {
        silent: { initial: '' },
        'headers byte by byte': {
          initial: `GET /healthz HTTP/1.1\r\nHost: ${host}\r\nX-Slow: `,
          drip: 'a',
        },
        'header lines forever': {
          initial: `GET /healthz HTTP/1.1\r\nHost: ${host}\r\n`,
          drip: 'X-A: b\r\n',
        },
        'body never finished': {
          initial: `POST /api/chat HTTP/1.1\r\nHost: ${host}\r\nOrigin: ${origin}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"message":"`,
          drip: 'a',
        },
        'chunked body forever': {
          initial: `POST /api/chat HTTP/1.1\r\nHost: ${host}\r\nOrigin: ${origin}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n1\r\n{\r\n`,
          drip: '1\r\n \r\n',
        },
      } satisfies Record<string, { initial: string; drip?: string }>;
      const perGroup = 4;
      const sockets = Object.entries(groups).flatMap(([group, spec]) =>
        Array.from({ length: perGroup }, () => ({
          group,
          socket: openSlowSocket(port, { ...spec, intervalMs: 100, giveUpMs }),
        })),
      );

      // While the slow sockets hang on, real visitors are served normally.
      const normalStarted = Date.now();
      const chat = await fetch(`${origin}/api/chat`, {
        method: 'POST',
        headers: { Origin: origin, 'Content-Type': 'application/json' },
        body: JSON.stringify({ message: 'How do I reset my password?' }),
      });
      expect(chat.status).toBe(200);
      expect((await fetch(`${origin}/healthz`)).status).toBe(200);
      const normalMs = Date.now() - normalStarted;

      const outcomes = await Promise.all(
        sockets.map(async ({ group, socket }) => ({ group, ...(await socket.outcome) })),
      );
      const numbers: Record<string, number> = {
        sockets: sockets.length,
        normal_request_ms: normalMs,
      };
      for (const [group] of Object.entries(groups)) {
        const mine = outcomes.filter((o) => o.group === group);
        const bound = group.includes('body') ? REQUEST_TIMEOUT_MS : HEADERS_TIMEOUT_MS;
        for (const outcome of mine) {
          expect(outcome.closedAfterMs, `${group} socket still open`).toBeDefined();
          expect(outcome.closedAfterMs, group).toBeLessThanOrEqual(bound + SLACK_MS);
          const status = statusOf(outcome.data);
          // Node answers 408 before closing; the app never answered these with anything else.
          expect(
            status === undefined || status === 408,
            `${group}: ${outcome.data.slice(0, 80)}`,
          ).toBe(true);
        }
        numbers[`${group.replaceAll(' ', '_')}_max_ms`] = Math.max(
          ...mine.map((o) => o.closedAfterMs ?? giveUpMs),
        );
      }
      expect((await fetch(`${origin}/healthz`)).status).toBe(200);
      return {
        detail: `${sockets.length} slow sockets (silent, dripping headers, unfinished and endless bodies) closed with 408 within headersTimeout ${HEADERS_TIMEOUT_MS} ms / requestTimeout ${REQUEST_TIMEOUT_MS} ms (+${SLACK_MS} ms slack); a normal chat turn meanwhile took ${normalMs} ms`,
        numbers,
      };
    }));
});
