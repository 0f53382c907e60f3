import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express } from 'express';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorHandler, notFound } from './errors.js';
import {
  CORS_ALLOWED_HEADERS,
  CORS_EXPOSED_HEADERS,
  CORS_METHODS,
  corsForWidget,
  type OriginPolicyOptions,
  ownOriginResolver,
  requireAllowedOrigin,
} from './origin-policy.js';

const ALLOWED = 'https://shop.example';

async function listen(app: Express): Promise<{ baseUrl: string; server: Server }> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  return { baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

function buildApp(options: OriginPolicyOptions, handled: string[]): Express {
  const app = express();
  app.use('/api', corsForWidget(options), requireAllowedOrigin(options));
  app.get('/api/thing', (_req, res) => {
    handled.push('GET');
    res.json({ ok: true });
  });
  app.post('/api/thing', (_req, res) => {
    handled.push('POST');
    res.json({ ok: true });
  });
  app.delete('/api/thing', (_req, res) => {
    handled.push('DELETE');
    res.status(204).end();
  });
  app.use(notFound());
  app.use(errorHandler({ logger: pino({ level: 'silent' }) }));
  return app;
}

/** Every CORS response header plus Vary, so assertions pin the exact set. */
function corsHeaders(headers: Headers): Record<string, string> {
  const picked: Record<string, string> = {};
  headers.forEach((value, name) => {
    if (name.startsWith('access-control-') || name === 'vary') picked[name] = value;
  });
  return picked;
}

const credentialed = (origin: string) => ({
  'access-control-allow-origin': origin,
  'access-control-allow-credentials': 'true',
  'access-control-expose-headers': CORS_EXPOSED_HEADERS,
  vary: 'Origin',
});

const preflightAllowed = (origin: string) => ({
  ...credentialed(origin),
  'access-control-allow-methods': CORS_METHODS,
  'access-control-allow-headers': CORS_ALLOWED_HEADERS,
  'access-control-max-age': '600',
});

describe('corsForWidget + requireAllowedOrigin', () => {
  const handled: string[] = [];
  let baseUrl = '';
  let server: Server;

  beforeAll(async () => {
    ({ baseUrl, server } = await listen(
      buildApp({ allowedOrigins: [ALLOWED], ownOrigin: ownOriginResolver(undefined) }, handled),
    ));
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  type Kind = 'allowed' | 'own' | 'foreign' | 'null' | 'missing';
  const originFor = (kind: Kind): string | undefined =>
    ({
      allowed: ALLOWED,
      own: baseUrl,
      foreign: 'https://evil.example',
      null: 'null',
      missing: undefined,
    })[kind];

  async function call(kind: Kind, method: 'GET' | 'POST' | 'PREFLIGHT') {
    const origin = originFor(kind);
    const headers: Record<string, string> = origin === undefined ? {} : { Origin: origin };
    if (method === 'PREFLIGHT') {
      headers['Access-Control-Request-Method'] = 'POST';
      headers['Access-Control-Request-Headers'] = 'content-type,idempotency-key';
    }
    if (method === 'POST') headers['Content-Type'] = 'application/json';
    const res = await fetch(`${baseUrl}/api/thing`, {
      method: method === 'PREFLIGHT' ? 'OPTIONS' : method,
      headers,
      ...(method === 'POST' ? { body: '{}' } : {}),
    });
    const text = await res.text();
    return {
      status: res.status,
      cors: corsHeaders(res.headers),
      body: text ? JSON.parse(text) : undefined,
    };
  }

  it.each(['allowed', 'own'] as const)(
    '%s origin: credentialed CORS on GET and POST',
    async (kind) => {
      for (const method of ['GET', 'POST'] as const) {
        const res = await call(kind, method);
        expect(res.status).toBe(200);
        expect(res.cors).toStrictEqual(credentialed(originFor(kind)!));
        expect(res.body).toStrictEqual({ ok: true });
      }
    },
  );

  it.each(['allowed', 'own'] as const)(
    '%s origin: preflight 204 with the exact policy',
    async (kind) => {
      const res = await call(kind, 'PREFLIGHT');
      expect(res.status).toBe(204);
      expect(res.cors).toStrictEqual(preflightAllowed(originFor(kind)!));
    },
  );

  it.each(['foreign', 'null', 'missing'] as const)(
    '%s origin: GET runs without any CORS header',
    async (kind) => {
      const res = await call(kind, 'GET');
      expect(res.status).toBe(200);
      expect(res.cors).toStrictEqual({ vary: 'Origin' });
    },
  );

  it.each(['foreign', 'null', 'missing'] as const)(
    '%s origin: POST is refused with 403 before the route runs',
    async (kind) => {
      handled.length = 0;
      const res = await call(kind, 'POST');
      expect(res.status).toBe(403);
      expect(res.cors).toStrictEqual({ vary: 'Origin' });
      expect(res.body).toMatchObject({ error: { code: 'origin_not_allowed' } });
      expect(handled).toEqual([]);
    },
  );

  it.each(['foreign', 'null', 'missing'] as const)(
    '%s origin: preflight is refused with 403',
    async (kind) => {
      const res = await call(kind, 'PREFLIGHT');
      expect(res.status).toBe(403);
      expect(res.cors).toStrictEqual({ vary: 'Origin' });
      expect(res.body).toMatchObject({ error: { code: 'origin_not_allowed' } });
    },
  );

  it('refuses DELETE from a foreign origin and allows it from an allowed one', async () => {
    const foreign = await fetch(`${baseUrl}/api/thing`, {
      method: 'DELETE',
      headers: { Origin: 'https://evil.example' },
    });
    expect(foreign.status).toBe(403);
    const allowed = await fetch(`${baseUrl}/api/thing`, {
      method: 'DELETE',
      headers: { Origin: ALLOWED },
    });
    expect(allowed.status).toBe(204);
  });

  it.each([
    ['a path after the origin', `${ALLOWED}/`],
    ['another scheme', 'chrome-extension://abcdef'],
    ['a different port', `${ALLOWED}:8443`],
    ['a subdomain', 'https://www.shop.example'],
    ['garbage', 'not a url'],
  ])('treats %s as not allowed', async (_label, origin) => {
    const res = await fetch(`${baseUrl}/api/thing`, {
      method: 'POST',
      headers: { Origin: origin, 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(res.status).toBe(403);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('ownOriginResolver', () => {
  it('uses PARLEY_PUBLIC_URL when set, not the Host the request arrived with', async () => {
    const handled: string[] = [];
    const app = buildApp(
      { allowedOrigins: [], ownOrigin: ownOriginResolver('https://chat.example.com') },
      handled,
    );
    const { baseUrl, server } = await listen(app);
    try {
      const viaPublic = await fetch(`${baseUrl}/api/thing`, {
        method: 'POST',
        headers: { Origin: 'https://chat.example.com', 'Content-Type': 'application/json' },
        body: '{}',
      });
      expect(viaPublic.status).toBe(200);
      expect(viaPublic.headers.get('access-control-allow-origin')).toBe('https://chat.example.com');
      const viaHost = await fetch(`${baseUrl}/api/thing`, {
        method: 'POST',
        headers: { Origin: baseUrl, 'Content-Type': 'application/json' },
        body: '{}',
      });
      expect(viaHost.status).toBe(403);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
