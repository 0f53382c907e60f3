import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { errorHandler } from './errors.js';
import {
  limitConcurrentStreams,
  type StreamLimiter,
  type StreamLimitOptions,
} from './stream-limits.js';

const servers: Server[] = [];
const controllers: AbortController[] = [];

afterEach(async () => {
  for (const controller of controllers.splice(0)) controller.abort();
  await Promise.all(
    servers.splice(0).map((server) => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    }),
  );
});

/** `/stream` holds its event stream open until the client leaves; `/quick` answers at once. */
async function start(
  options: StreamLimitOptions,
): Promise<{ baseUrl: string; limiter: StreamLimiter; limited: number[] }> {
  const limited: number[] = [];
  const limiter = limitConcurrentStreams({ ...options, onLimited: () => limited.push(1) });
  const app = express();
  app.set('trust proxy', 1);
  app.post('/stream', limiter, (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/event-stream' });
    res.write(': open\n\n');
  });
  app.post('/quick', limiter, (_req, res) => {
    res.json({ ok: true });
  });
  app.use(errorHandler({ logger: pino({ level: 'silent' }) }));
  const server = app.listen(0, '127.0.0.1');
  servers.push(server);
  await new Promise<void>((resolve) => server.once('listening', resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    limiter,
    limited,
  };
}

async function openStream(
  baseUrl: string,
  ip: string,
  path = '/stream',
  accept = 'text/event-stream',
) {
  const controller = new AbortController();
  controllers.push(controller);
  const res = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { Accept: accept, 'X-Forwarded-For': ip },
    signal: controller.signal,
  });
  return { res, close: () => controller.abort() };
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++)
    await new Promise((resolve) => setTimeout(resolve, 10));
  expect(condition()).toBe(true);
}

describe('limitConcurrentStreams', () => {
  it('refuses the stream over the cap with 429, Retry-After: 5 and the ErrorBody', async () => {
    const { baseUrl, limiter, limited } = await start({ maxPerIp: 2 });
    const first = await openStream(baseUrl, '203.0.113.1');
    const second = await openStream(baseUrl, '203.0.113.1');
    expect([first.res.status, second.res.status]).toEqual([200, 200]);
    expect(limiter.openStreams).toBe(2);

    const third = await openStream(baseUrl, '203.0.113.1');
    expect(third.res.status).toBe(429);
    expect(third.res.headers.get('retry-after')).toBe('5');
    expect(await third.res.json()).toStrictEqual({
      error: {
        code: 'rate_limited',
        message:
          'Too many conversations are streaming from your network at once. Please try again shortly.',
      },
    });
    expect(limited).toHaveLength(1);

    // Another client is not affected.
    expect((await openStream(baseUrl, '203.0.113.2')).res.status).toBe(200);
  });

  it('counts a stream whatever its Accept header asks for', async () => {
    const { baseUrl } = await start({ maxPerIp: 2 });
    await openStream(baseUrl, '203.0.113.9', '/stream', '*/*');
    await openStream(baseUrl, '203.0.113.9', '/stream', 'application/json');
    const third = await openStream(baseUrl, '203.0.113.9', '/stream', '');
    expect(third.res.status).toBe(429);
  });

  it('frees a slot when a stream closes', async () => {
    const { baseUrl, limiter } = await start({ maxPerIp: 1 });
    const first = await openStream(baseUrl, '203.0.113.10');
    expect((await openStream(baseUrl, '203.0.113.10')).res.status).toBe(429);
    first.close();
    await until(() => limiter.openStreams === 0);
    expect((await openStream(baseUrl, '203.0.113.10')).res.status).toBe(200);
  });

  it('frees the slot of a stream that finished normally', async () => {
    const { baseUrl, limiter } = await start({ maxPerIp: 1 });
    const quick = await openStream(baseUrl, '203.0.113.20', '/quick');
    expect(quick.res.status).toBe(200);
    await quick.res.json();
    await until(() => limiter.openStreams === 0);
    expect((await openStream(baseUrl, '203.0.113.20', '/quick')).res.status).toBe(200);
  });

  it('groups IPv6 clients by /56', async () => {
    const { baseUrl } = await start({ maxPerIp: 1 });
    expect((await openStream(baseUrl, '2001:db8:1:ab00::1')).res.status).toBe(200);
    expect((await openStream(baseUrl, '2001:db8:1:abff::2')).res.status).toBe(429);
    expect((await openStream(baseUrl, '2001:db8:1:ac00::1')).res.status).toBe(200);
  });

  it('is a pass-through when disabled', async () => {
    const { baseUrl, limiter } = await start({ maxPerIp: 1, enabled: false });
    for (let i = 0; i < 3; i++)
      expect((await openStream(baseUrl, '203.0.113.30')).res.status).toBe(200);
    expect(limiter.openStreams).toBe(0);
  });
});
