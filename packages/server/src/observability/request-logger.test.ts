import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { Router } from 'express';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { hashSessionId } from '../logger.js';
import { addLogFields, requestLogger } from './request-logger.js';

const lines: string[] = [];
let server: Server;
let baseUrl = '';
let untrusting: Server;
let untrustingUrl = '';

async function listen(app: express.Express): Promise<[Server, string]> {
  const listening = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => listening.once('listening', resolve));
  return [listening, `http://127.0.0.1:${(listening.address() as AddressInfo).port}`];
}

beforeAll(async () => {
  const logger = pino(
    { level: 'info', base: { service: 'parley' } },
    { write: (line: string) => lines.push(line) },
  );
  const direct = express();
  direct.use(requestLogger({ logger }));
  direct.get('/ping', (_req, res) => {
    res.end();
  });
  [untrusting, untrustingUrl] = await listen(direct);
  const app = express();
  app.use(requestLogger({ logger, trustRequestId: true }));
  app.use(express.json());
  app.post('/api/chat', (req, res) => {
    req.log.info({ step: 'accepted' }, 'turn accepted');
    addLogFields(res, { sessionId: 'sess_RAW_0123456789', toolsUsed: ['search_knowledge_base'] });
    addLogFields(res, {
      handoffs: 1,
      retries: 0,
      usage: { inputTokens: 812, outputTokens: 96 },
      message: String((req.body as { message?: string }).message),
      token: 'leaked-token',
    });
    res.json({ reply: 'The answer text' });
  });
  const admin = Router();
  admin.get('/tickets/:id', (_req, res) => {
    res.json({ id: 'tkt_42' });
  });
  app.use('/api/admin', admin);
  app.get('/healthz', (req, res) => {
    res.status(req.query.fail ? 500 : 200).json({ status: 'ok' });
  });
  [server, baseUrl] = await listen(app);
});
afterAll(async () => {
  for (const s of [server, untrusting])
    await new Promise<void>((resolve) => s.close(() => resolve()));
});
beforeEach(() => {
  lines.length = 0;
});

async function logged(count: number): Promise<Record<string, unknown>[]> {
  for (let i = 0; i < 100 && lines.length < count; i++)
    await new Promise((resolve) => setTimeout(resolve, 10));
  expect(lines).toHaveLength(count);
  return lines.map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('requestLogger', () => {
  it('logs one small line per request with the route fields and nothing the visitor sent', async () => {
    const res = await fetch(`${baseUrl}/api/chat?token=query-secret`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Authorization: 'Bearer header-secret-token',
        Cookie: '__Host-parley_session=cookie-secret-token',
      },
      body: JSON.stringify({ message: 'My card number is 4111 and my question is private' }),
    });
    expect(res.status).toBe(200);
    const reqId = res.headers.get('x-request-id');
    expect(reqId).toMatch(/^[0-9a-f-]{36}$/);

    const [routeLine, requestLine] = await logged(2);
    expect(routeLine).toMatchObject({ reqId, step: 'accepted', msg: 'turn accepted' });
    expect(Object.keys(routeLine ?? {}).sort()).toEqual([
      'level',
      'msg',
      'reqId',
      'service',
      'step',
      'time',
    ]);

    expect(requestLine).toMatchObject({
      reqId,
      method: 'POST',
      route: '/api/chat',
      status: 200,
      session: hashSessionId('sess_RAW_0123456789'),
      toolsUsed: ['search_knowledge_base'],
      handoffs: 1,
      retries: 0,
      usage: { inputTokens: 812, outputTokens: 96 },
      msg: 'request completed',
    });
    expect(typeof requestLine?.responseTime).toBe('number');
    expect(requestLine).not.toHaveProperty('req');
    expect(requestLine).not.toHaveProperty('res');

    const raw = lines.join('\n');
    for (const secret of [
      'header-secret-token',
      'cookie-secret-token',
      'query-secret',
      'My card number',
      'sess_RAW_0123456789',
      'leaked-token',
      'The answer text',
      'authorization',
      'cookie',
    ]) {
      expect(raw).not.toContain(secret);
    }
  });

  it('ignores an incoming X-Request-Id unless a trusted proxy set it', async () => {
    const res = await fetch(`${untrustingUrl}/ping`, { headers: { 'X-Request-Id': 'planted-id' } });
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const [line] = await logged(1);
    expect(line?.reqId).toBe(res.headers.get('x-request-id'));
    expect(lines.join('')).not.toContain('planted-id');
  });

  it('keeps a sane X-Request-Id from a trusted proxy and replaces anything else', async () => {
    const sane = await fetch(`${baseUrl}/api/admin/tickets/tkt_42`, {
      headers: { 'X-Request-Id': 'edge-7f3a_99' },
    });
    expect(sane.headers.get('x-request-id')).toBe('edge-7f3a_99');
    for (const bad of ['a'.repeat(65), 'has spaces in it', 'semi;colon', '']) {
      const res = await fetch(`${baseUrl}/api/admin/tickets/tkt_42`, {
        headers: { 'X-Request-Id': bad },
      });
      expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    }
    const [first] = await logged(5);
    expect(first?.reqId).toBe('edge-7f3a_99');
  });

  it('logs the route pattern of a mounted router, not the id in the path', async () => {
    await fetch(`${baseUrl}/api/admin/tickets/tkt_secret_id`);
    const [line] = await logged(1);
    expect(line).toMatchObject({ method: 'GET', route: '/api/admin/tickets/:id', status: 200 });
    expect(lines[0]).not.toContain('tkt_secret_id');
  });

  it('logs unmatched paths without their query string', async () => {
    await fetch(`${baseUrl}/nowhere?session=abc`);
    const [line] = await logged(1);
    expect(line).toMatchObject({ route: '/nowhere', status: 404 });
  });

  it('stays quiet about probes unless they fail', async () => {
    await fetch(`${baseUrl}/healthz`);
    await fetch(`${baseUrl}/healthz?fail=1`);
    const [line] = await logged(1);
    expect(line).toMatchObject({
      route: '/healthz',
      status: 500,
      level: 50,
      msg: 'request failed',
    });
  });
});

describe('hashSessionId', () => {
  it('is the first 16 hex characters of the SHA-256', () => {
    expect(hashSessionId('abc')).toBe('ba7816bf8f01cfea');
    expect(hashSessionId('abc')).toHaveLength(16);
  });
});
