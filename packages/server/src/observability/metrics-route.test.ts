import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { errorHandler, notFound } from '../http/errors.js';
import { createMetrics, type Metrics } from './metrics.js';
import { metricsRoute } from './metrics-route.js';

const TOKEN = 'metrics-token-0123456789';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))),
  );
});

async function start(metrics: Metrics, token: string | undefined): Promise<string> {
  const app = express();
  app.use(metricsRoute({ metrics, token }));
  app.use(notFound());
  app.use(errorHandler({ logger: pino({ level: 'silent' }) }));
  const server = app.listen(0, '127.0.0.1');
  servers.push(server);
  await new Promise<void>((resolve) => server.once('listening', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('metricsRoute', () => {
  it('serves the registry without a token when none is configured', async () => {
    const metrics = createMetrics();
    metrics.ticketCreated();
    const baseUrl = await start(metrics, undefined);
    const res = await fetch(`${baseUrl}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.text()).toContain('parley_tickets_created_total 1');
  });

  it('answers a missing or wrong token exactly like an unknown route', async () => {
    const baseUrl = await start(createMetrics(), TOKEN);
    const unknown = await fetch(`${baseUrl}/nothing-here`);
    const unknownBody = (await unknown.json()) as { error: { code: string; message: string } };
    for (const headers of [
      {},
      { Authorization: 'Bearer wrong-token-0123456789' },
      { Authorization: TOKEN },
    ] as Record<string, string>[]) {
      const res = await fetch(`${baseUrl}/metrics`, { headers });
      expect(res.status).toBe(404);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('not_found');
      expect(body.error.message).toBe(
        unknownBody.error.message.replace('/nothing-here', '/metrics'),
      );
    }
    const ok = await fetch(`${baseUrl}/metrics`, { headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('# TYPE parley_turns_total counter');
  });
});
