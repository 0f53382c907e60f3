import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { type ReadinessRouteOptions, readinessRoute } from './readiness.js';
import { createTurnTracker } from './turn-tracker.js';

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

async function readyz(
  options: ReadinessRouteOptions,
): Promise<{ status: number; body: unknown; cache: string | null }> {
  const app = express();
  app.use(readinessRoute(options));
  server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server?.once('listening', resolve));
  const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/readyz`);
  return { status: res.status, body: await res.json(), cache: res.headers.get('cache-control') };
}

const healthyStore = { ping: async () => {} };

describe('readinessRoute', () => {
  it('is ready when the store answers and nothing drains', async () => {
    const res = await readyz({ store: healthyStore, tracker: createTurnTracker() });
    expect(res).toStrictEqual({ status: 200, body: { status: 'ready' }, cache: 'no-store' });
  });

  it('answers 503 draining once shutdown has begun, without pinging the store', async () => {
    const tracker = createTurnTracker();
    await tracker.drain({ graceMs: 0 });
    let pinged = false;
    const res = await readyz({
      store: {
        ping: async () => {
          pinged = true;
        },
      },
      tracker,
    });
    expect(res.status).toBe(503);
    expect(res.body).toStrictEqual({ status: 'draining' });
    expect(pinged).toBe(false);
  });

  it('answers 503 store_unreachable when the ping fails', async () => {
    const res = await readyz({
      store: { ping: () => Promise.reject(new Error('ECONNREFUSED')) },
      tracker: createTurnTracker(),
    });
    expect(res.status).toBe(503);
    expect(res.body).toStrictEqual({ status: 'store_unreachable' });
  });

  it('answers 503 store_unreachable when the ping hangs past the timeout', async () => {
    const started = Date.now();
    const res = await readyz({
      store: { ping: () => new Promise<void>(() => {}) },
      tracker: createTurnTracker(),
      timeoutMs: 100,
    });
    expect(res.status).toBe(503);
    expect(res.body).toStrictEqual({ status: 'store_unreachable' });
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('answers 503 rate_limits_unavailable, naming the limiters, while a limiter store fails', async () => {
    const res = await readyz({
      store: healthyStore,
      tracker: createTurnTracker(),
      rateLimits: { failing: () => ['ip-messages', 'ip-sessions'] },
    });
    expect(res.status).toBe(503);
    expect(res.body).toStrictEqual({
      status: 'rate_limits_unavailable',
      failingLimiters: ['ip-messages', 'ip-sessions'],
    });
  });
});
