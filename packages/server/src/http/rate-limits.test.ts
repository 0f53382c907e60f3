import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createScratchDatabase,
  describeWithPostgres,
  type ScratchDatabase,
} from '@parley/testkit/postgres';
import { deleteRedisKeys, describeWithRedis, redisTestUrl } from '@parley/testkit/redis';
import { TEST_STORE_LIMITS } from '@parley/testkit/stores';
import express, { type Express } from 'express';
import { Redis } from 'ioredis';
import pino from 'pino';
import { type RedisReply, RedisStore } from 'rate-limit-redis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ManualClock, systemClock } from '../clock.js';
import { type Config, loadConfig } from '../config.js';
import { type Coordination, createCoordination } from '../coordination/coordination.js';
import { SqlRateLimitStore } from '../coordination/sql-rate-limit-store.js';
import { openStore, type Store } from '../store/store.js';
import { errorHandler, HttpError } from './errors.js';
import {
  AUTH_FAILURES_PER_WINDOW,
  createRateLimits,
  type LimiterName,
  type RateLimits,
  type RateLimitsOptions,
  rateLimitsDisabledWarning,
} from './rate-limits.js';

const silent = pino({ level: 'silent' });

/** The configured defaults, with small limits that a test reaches in a few requests. */
function limitsConfig(overrides: Partial<Config['limits']> = {}): Config['limits'] {
  return {
    ...loadConfig({}).limits,
    enabled: true,
    ipMessagesPerMinute: 2,
    sessionMessagesPerMinute: 2,
    ipSessionsPerHour: 2,
    ipReadsPerMinute: 2,
    ipFeedbackPerMinute: 2,
    ...overrides,
  };
}

/** An app with one route per limiter; the client IP comes from X-Forwarded-For (one proxy hop). */
function buildApp(limits: RateLimits): Express {
  const app = express();
  app.set('trust proxy', 1);
  const ok = (_req: express.Request, res: express.Response) => {
    res.json({ ok: true });
  };
  // Stands in for the session middleware: `X-Test-Session` is the caller's resolved session.
  const session: express.RequestHandler = (req, res, next) => {
    const id = req.get('x-test-session');
    if (id) res.locals.session = { id, token: id, created: false };
    next();
  };
  app.post('/ip-messages', limits.ipMessages, ok);
  app.post('/ip-sessions', session, limits.ipSessions, ok);
  app.post('/session-messages', session, limits.sessionMessages, ok);
  app.post('/operator', limits.authFailures, (req, res, next) => {
    if (req.get('authorization') === 'Bearer right') return ok(req, res);
    res.locals.authFailed = true;
    next(new HttpError('not_found', 'No route'));
  });
  // An operator route whose work takes a while after the credentials were checked.
  app.post('/operator-slow', limits.authFailures, (req, res, next) => {
    if (req.get('authorization') !== 'Bearer right') {
      res.locals.authFailed = true;
      next(new HttpError('not_found', 'No route'));
      return;
    }
    setTimeout(() => ok(req, res), 300);
  });
  // A password check: slow, and the limit must hold for guesses sent all at once.
  app.post('/sign-in', limits.signInAddress, (req, res, next) => {
    setTimeout(() => {
      if (req.get('x-password') === 'right') return ok(req, res);
      res.locals.authFailed = true;
      next(new HttpError('unauthorized', 'Wrong email or password'));
    }, 300);
  });
  app.use(errorHandler({ logger: silent }));
  return app;
}

/** Sends `n` requests at once to `/operator-slow` and counts the answers by status. */
async function burst(baseUrl: string, ip: string, n: number, token: string) {
  const answers = await Promise.all(
    Array.from({ length: n }, () =>
      post(baseUrl, '/operator-slow', ip, { Authorization: `Bearer ${token}` }),
    ),
  );
  const statuses: Record<number, number> = {};
  for (const answer of answers) statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
  return statuses;
}

/**
 * What every store must do for the operator-token limit: many good requests at once from one
 * address all pass (an integration, an office behind one NAT), and once the failures are in,
 * the address is refused, the right token too.
 */
async function expectFailuresOnlyCounted(baseUrl: string): Promise<void> {
  const ip = freshIp();
  expect(await burst(baseUrl, ip, 3 * AUTH_FAILURES_PER_WINDOW, 'right')).toEqual({
    200: 3 * AUTH_FAILURES_PER_WINDOW,
  });
  await burst(baseUrl, ip, AUTH_FAILURES_PER_WINDOW, 'wrong');
  await vi.waitFor(async () => expect(await burst(baseUrl, ip, 1, 'right')).toEqual({ 429: 1 }));

  // Password guesses all at once: no more than the limit is checked, and they count for the
  // operator token's limit too.
  const guesser = freshIp();
  const guesses = await Promise.all(
    Array.from({ length: 3 * AUTH_FAILURES_PER_WINDOW }, () =>
      post(baseUrl, '/sign-in', guesser, { 'X-Password': 'guess' }),
    ),
  );
  const checked = guesses.filter((answer) => answer.status === 401).length;
  expect(checked).toBeLessThanOrEqual(AUTH_FAILURES_PER_WINDOW);
  expect(guesses.filter((answer) => answer.status === 429).length).toBe(
    3 * AUTH_FAILURES_PER_WINDOW - checked,
  );
  await vi.waitFor(async () =>
    expect(await burst(baseUrl, guesser, 1, 'right')).toEqual({ 429: 1 }),
  );
}

const servers: Server[] = [];
async function listen(app: Express): Promise<string> {
  const server = app.listen(0, '127.0.0.1');
  servers.push(server);
  await new Promise<void>((resolve) => server.once('listening', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))),
  );
});

function start(options: Partial<RateLimitsOptions> = {}) {
  const limited: LimiterName[] = [];
  const limits = createRateLimits({
    config: limitsConfig(),
    logger: silent,
    onLimited: (name) => limited.push(name),
    ...options,
  });
  return { limits, limited };
}

let ipCounter = 0;
/** A fresh client address per test, so counts of different tests never meet. */
const freshIp = () => `198.51.100.${++ipCounter}`;

function post(baseUrl: string, path: string, ip: string, headers: Record<string, string> = {}) {
  return fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { 'X-Forwarded-For': ip, ...headers },
  });
}

describe('createRateLimits (memory store)', () => {
  it('refuses the message over the limit with 429, draft-8 headers, Retry-After and the ErrorBody', async () => {
    const { limits, limited } = start();
    const baseUrl = await listen(buildApp(limits));
    const ip = freshIp();

    const first = await post(baseUrl, '/ip-messages', ip);
    expect(first.status).toBe(200);
    expect(first.headers.get('ratelimit')).toBe('"ip-messages"; r=1; t=60');
    expect(first.headers.get('retry-after')).toBeNull();
    expect((await post(baseUrl, '/ip-messages', ip)).status).toBe(200);

    const refused = await post(baseUrl, '/ip-messages', ip);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('ratelimit')).toMatch(/^"ip-messages"; r=0; t=(60|59)$/);
    expect(refused.headers.get('ratelimit-policy')).toMatch(
      /^"ip-messages"; q=2; w=60; pk=:[A-Za-z0-9+/=]+:$/,
    );
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(59);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(await refused.json()).toStrictEqual({
      error: {
        code: 'rate_limited',
        message: 'Too many messages from your network. Please wait a moment and try again.',
      },
    });
    expect(limited).toEqual(['ip-messages']);

    // Another client is unaffected.
    expect((await post(baseUrl, '/ip-messages', freshIp())).status).toBe(200);
  });

  it('keeps each limiter to its own counts', async () => {
    const { limits } = start();
    const baseUrl = await listen(buildApp(limits));
    const ip = freshIp();
    for (let i = 0; i < 3; i++) await post(baseUrl, '/ip-messages', ip);
    expect((await post(baseUrl, '/ip-messages', ip)).status).toBe(429);
    expect((await post(baseUrl, '/ip-sessions', ip)).status).toBe(200);
  });

  it('limits per session by res.locals.sessionId and passes requests without one', async () => {
    const { limits, limited } = start();
    const baseUrl = await listen(buildApp(limits));
    // Every request from a different IP: only the session ties them together.
    const asSession = (id: string) =>
      post(baseUrl, '/session-messages', freshIp(), { 'X-Test-Session': id });
    expect((await asSession('s_a')).status).toBe(200);
    expect((await asSession('s_a')).status).toBe(200);
    const refused = await asSession('s_a');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('ratelimit')).toMatch(/^"session-messages"; r=0; t=\d+$/);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('rate_limited');
    expect((await asSession('s_b')).status).toBe(200);

    const anonymous = await post(baseUrl, '/session-messages', freshIp());
    expect(anonymous.status).toBe(200);
    expect(anonymous.headers.get('ratelimit')).toBeNull();
    expect(limited).toEqual(['session-messages']);
  });

  it('counts new sessions only for requests that resolved no session, whatever headers they carry', async () => {
    const { limits } = start();
    const baseUrl = await listen(buildApp(limits));
    const ip = freshIp();
    // An empty or bogus Authorization header resolves no session: it is counted like any other.
    expect((await post(baseUrl, '/ip-sessions', ip, { Authorization: '' })).status).toBe(200);
    expect((await post(baseUrl, '/ip-sessions', ip, { Authorization: 'Bearer x' })).status).toBe(
      200,
    );
    expect((await post(baseUrl, '/ip-sessions', ip)).status).toBe(429);

    const withSession = await post(baseUrl, '/ip-sessions', ip, { 'X-Test-Session': 's_1' });
    expect(withSession.status).toBe(200);
    expect(withSession.headers.get('ratelimit')).toBeNull();
  });

  it('throttles failed operator-token attempts per address, and only failed ones', async () => {
    const { limits, limited } = start();
    const baseUrl = await listen(buildApp(limits));
    const ip = freshIp();
    for (let i = 0; i < 30; i++) {
      const ok = await post(baseUrl, '/operator', ip, { Authorization: 'Bearer right' });
      expect(ok.status).toBe(200);
    }
    for (let i = 0; i < AUTH_FAILURES_PER_WINDOW; i++) {
      expect((await post(baseUrl, '/operator', ip, { Authorization: 'Bearer wrong' })).status).toBe(
        404,
      );
    }
    const refused = await post(baseUrl, '/operator', ip, { Authorization: 'Bearer right' });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(14 * 60);
    expect(limited).toEqual(['auth-failures']);
    // Another address is not affected.
    expect(
      (await post(baseUrl, '/operator', freshIp(), { Authorization: 'Bearer x' })).status,
    ).toBe(404);
  });

  it('counts only answered token failures, however many good requests run at once, and bounds a burst of password guesses', async () => {
    const { limits } = start();
    await expectFailuresOnlyCounted(await listen(buildApp(limits)));
  });

  it('puts IPv6 addresses of one /56 in one bucket and other /56s in their own', async () => {
    const { limits } = start();
    const baseUrl = await listen(buildApp(limits));
    expect((await post(baseUrl, '/ip-messages', '2001:db8:abcd:1200::1')).status).toBe(200);
    expect((await post(baseUrl, '/ip-messages', '2001:db8:abcd:12ff:ffff::9')).status).toBe(200);
    expect((await post(baseUrl, '/ip-messages', '2001:db8:abcd:1234:5678::1')).status).toBe(429);
    expect((await post(baseUrl, '/ip-messages', '2001:db8:abcd:1300::1')).status).toBe(200);
  });

  it('is a pass-through when limits are disabled', async () => {
    const { limits, limited } = start({ config: limitsConfig({ enabled: false }) });
    const baseUrl = await listen(buildApp(limits));
    const ip = freshIp();
    for (let i = 0; i < 10; i++) {
      const res = await post(baseUrl, '/ip-messages', ip, { 'X-Test-Session': 's_x' });
      expect(res.status).toBe(200);
      expect(res.headers.get('ratelimit')).toBeNull();
    }
    expect((await post(baseUrl, '/session-messages', ip, { 'X-Test-Session': 's_x' })).status).toBe(
      200,
    );
    expect(limited).toEqual([]);
    expect(limits.ipMessages.name).toBe('rateLimitDisabled');
  });

  it('has a loud start-up warning for PARLEY_RATE_LIMITS=off', () => {
    expect(rateLimitsDisabledWarning()).toMatch(/^RATE LIMITS ARE OFF \(PARLEY_RATE_LIMITS=off\)/);
  });
});

await describeWithRedis('createRateLimits (Redis store)', () => {
  const redisPrefix = `parley-test:${randomUUID()}:`;
  const stores: Store[] = [];
  const coordinations: Coordination[] = [];
  let admin: Redis;

  beforeAll(() => {
    admin = new Redis(redisTestUrl);
  });
  afterEach(async () => {
    for (const coordination of coordinations.splice(0)) await coordination.close();
    await Promise.all(stores.splice(0).map((store) => store.close()));
  });
  afterAll(async () => {
    await deleteRedisKeys(admin, redisPrefix);
    admin.disconnect();
  });

  /** The limits of one instance, counting in Redis as start-up wires them. */
  async function instance(): Promise<RateLimits> {
    const store = await openStore(
      { kind: 'memory' },
      { clock: new ManualClock(), limits: TEST_STORE_LIMITS },
    );
    stores.push(store);
    const coordination = await createCoordination({
      store,
      redisUrl: redisTestUrl,
      redisPrefix,
      logger: silent,
    });
    coordinations.push(coordination);
    expect(coordination.kind).toBe('redis');
    return start({ storeFor: (name) => coordination.rateLimitStore(name) }).limits;
  }

  it('shares counts between two apps (two instances) on the same Redis', async () => {
    const a = await listen(buildApp(await instance()));
    const b = await listen(buildApp(await instance()));
    const ip = freshIp();
    expect((await post(a, '/ip-messages', ip)).status).toBe(200);
    expect((await post(b, '/ip-messages', ip)).status).toBe(200);
    const refused = await post(a, '/ip-messages', ip);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(refused.headers.get('ratelimit-policy')).toMatch(/^"ip-messages"; q=2; w=60;/);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('rate_limited');
    expect((await post(b, '/ip-messages', ip)).status).toBe(429);
  });

  it('keeps each limiter under its own key prefix', async () => {
    const baseUrl = await listen(buildApp(await instance()));
    const ip = freshIp();
    for (let i = 0; i < 3; i++) await post(baseUrl, '/ip-messages', ip);
    expect((await post(baseUrl, '/ip-messages', ip)).status).toBe(429);
    expect((await post(baseUrl, '/ip-sessions', ip)).status).toBe(200);
    expect(await admin.get(`${redisPrefix}rl:ip-messages${ip}`)).toBe('4');
    expect(await admin.get(`${redisPrefix}rl:ip-sessions${ip}`)).toBe('1');
    expect(await admin.pttl(`${redisPrefix}rl:ip-sessions${ip}`)).toBeGreaterThan(59 * 60_000);
  });

  it('enforces limits built on a client that was not connected yet, once it connects', async () => {
    // A client without an offline queue and limiters built at once: the script load fails, and
    // the limiter must recover instead of letting everything through.
    const late = new Redis(redisTestUrl, { lazyConnect: true, enableOfflineQueue: false });
    late.on('error', () => {});
    const { limits } = start({
      storeFor: (name) =>
        new RedisStore({
          prefix: `${redisPrefix}late:${name}`,
          sendCommand: (command: string, ...args: string[]) =>
            late.call(command, ...args) as Promise<RedisReply>,
        }),
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(limits.health.failing()).toContain('ip-messages');
    // The failed command made ioredis connect in the background.
    if (late.status !== 'ready') await new Promise((resolve) => late.once('ready', resolve));
    try {
      const baseUrl = await listen(buildApp(limits));
      const ip = freshIp();
      expect((await post(baseUrl, '/ip-messages', ip)).status).toBe(200);
      expect((await post(baseUrl, '/ip-messages', ip)).status).toBe(200);
      const refused = await post(baseUrl, '/ip-messages', ip);
      expect(refused.status).toBe(429);
      expect(limits.health.failing()).not.toContain('ip-messages');
    } finally {
      late.disconnect();
    }
  });

  it('shares an IPv6 /56 bucket across instances', async () => {
    const a = await listen(buildApp(await instance()));
    const b = await listen(buildApp(await instance()));
    expect((await post(a, '/ip-messages', '2001:db8:feed:4400::1')).status).toBe(200);
    expect((await post(b, '/ip-messages', '2001:db8:feed:44aa::2')).status).toBe(200);
    expect((await post(a, '/ip-messages', '2001:db8:feed:44ff::3')).status).toBe(429);
  });
});

await describeWithPostgres('createRateLimits (PostgreSQL store, no Redis)', () => {
  let scratch: ScratchDatabase;
  const stores: Store[] = [];
  beforeAll(async () => {
    scratch = await createScratchDatabase();
  });
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((store) => store.close()));
  });
  afterAll(() => scratch?.drop());

  /** The limits of one instance, counting in the shared database as start-up wires them. */
  async function instance(): Promise<RateLimits> {
    // The real clock: express-rate-limit words its headers from the time it reads itself.
    const store = await openStore(
      { kind: 'postgres', url: scratch.url },
      { clock: systemClock, limits: TEST_STORE_LIMITS },
    );
    stores.push(store);
    return start({ storeFor: (name) => new SqlRateLimitStore(store.context, `${name}:`) }).limits;
  }

  it('shares counts between two instances on one database, with the same headers', async () => {
    const a = await listen(buildApp(await instance()));
    const b = await listen(buildApp(await instance()));
    const ip = freshIp();
    const first = await post(a, '/ip-messages', ip);
    expect(first.status).toBe(200);
    expect(first.headers.get('ratelimit')).toBe('"ip-messages"; r=1; t=60');
    expect((await post(b, '/ip-messages', ip)).status).toBe(200);
    const refused = await post(a, '/ip-messages', ip);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    // Each limiter counts apart.
    expect((await post(b, '/ip-sessions', ip)).status).toBe(200);
  });

  it('counts only answered token failures, however many good requests run at once, and bounds a burst of password guesses', async () => {
    await expectFailuresOnlyCounted(await listen(buildApp(await instance())));
  });
});
