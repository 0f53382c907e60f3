import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createSseParser, type StreamEvent } from '@parley/shared';
import { deleteRedisKeys, describeWithRedis, redisTestUrl } from '@parley/testkit/redis';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';

/** Starting the real entry point compiles the server through tsx: slow on a busy machine. */
const START_TIMEOUT_MS = 45_000;
const PROCESS_TEST_TIMEOUT_MS = 90_000;

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

/** Starts the real entry point (`src/main.ts` through tsx) and resolves once it listens. */
async function startServer(
  env: Record<string, string> = {},
  options: { stopReadingLogs?: boolean } = {},
): Promise<{ child: ChildProcess; baseUrl: string; logs: string[] }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'parley-process-'));
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(import.meta.dirname, 'main.ts')],
    {
      env: {
        PATH: process.env.PATH,
        PORT: '0',
        HOST: '127.0.0.1',
        PARLEY_STORE: `sqlite:${path.join(dir, 'parley.db')}`,
        PARLEY_DATA_DIR: dir,
        LOG_LEVEL: 'info',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  children.push(child);
  const logs: string[] = [];
  const baseUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`server did not start:\n${logs.join('')}`)),
      START_TIMEOUT_MS,
    );
    child.stderr?.on('data', (chunk) => logs.push(String(chunk)));
    const onData = (chunk: Buffer) => {
      logs.push(String(chunk));
      const match = /"port":(\d+)/.exec(logs.join(''));
      if (match) {
        clearTimeout(timer);
        if (options.stopReadingLogs) {
          // From now on stdout is never read: its pipe fills up like a stuck log shipper's.
          child.stdout?.off('data', onData);
          child.stdout?.pause();
        }
        resolve(`http://127.0.0.1:${match[1]}`);
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) =>
      reject(new Error(`server exited with ${code}:\n${logs.join('')}`)),
    );
  });
  return { child, baseUrl, logs };
}

describe('the server process', { timeout: PROCESS_TEST_TIMEOUT_MS }, () => {
  it('finishes a streamed turn on SIGTERM, refuses readiness meanwhile, then exits 0', async () => {
    const { child, baseUrl } = await startServer();
    const exited = new Promise<number | null>((resolve) =>
      child.once('exit', (code) => resolve(code)),
    );
    const response = await fetch(`${baseUrl}/api/chat`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'text/event-stream', Origin: baseUrl },
      body: JSON.stringify({ message: 'How do I reset my password?' }),
    });
    const parser = createSseParser();
    const events: StreamEvent[] = [];
    let signalled = false;
    const reader = response.body!.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      for (const { event } of parser.push(value)) {
        events.push(event);
        if (event.event === 'delta' && !signalled) {
          signalled = true;
          child.kill('SIGTERM');
          await waitFor(
            async () => (await fetch(`${baseUrl}/readyz`).catch(() => undefined))?.status === 503,
          );
        }
      }
    }
    expect(signalled).toBe(true);
    expect(events.at(-1)?.event).toBe('done');
    expect(await exited).toBe(0);
  });

  it('ends on SIGTERM within the grace period although nobody reads its logs', async () => {
    const { child, baseUrl } = await startServer(
      { PARLEY_SHUTDOWN_GRACE: '1s', PARLEY_RATE_LIMITS: 'off' },
      { stopReadingLogs: true },
    );
    // Far more log lines than a pipe holds (64 KiB on Linux): every 404 logs one.
    for (let i = 0; i < 800; i++) await (await fetch(`${baseUrl}/no-such-page-${i}`)).arrayBuffer();
    const exited = new Promise<number | null>((resolve) =>
      child.once('exit', (code) => resolve(code)),
    );
    const started = Date.now();
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('ends on SIGTERM after the reader of its logs went away', async () => {
    const { child, baseUrl } = await startServer({ PARLEY_SHUTDOWN_GRACE: '1s' });
    child.stdout?.destroy();
    child.stderr?.destroy();
    for (let i = 0; i < 50; i++) await fetch(`${baseUrl}/healthz`);
    const exited = new Promise<number | null>((resolve) =>
      child.once('exit', (code) => resolve(code)),
    );
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('refuses to start with an obviously weak admin token, naming the variable', async () => {
    await expect(startServer({ PARLEY_ADMIN_TOKEN: 'aaaaaaaaaaaaaaaa' })).rejects.toThrow(
      /PARLEY_ADMIN_TOKEN/,
    );
  });

  it('warns at start-up in production without PARLEY_PUBLIC_URL', async () => {
    const { logs } = await startServer({
      NODE_ENV: 'production',
      PARLEY_SESSION_SECRET: '8c1f0e4b9a7d23e6f5b0c9d8a7e6f5d4c3b2a1908f7e6d5c',
    });
    expect(logs.join('')).toContain('PARLEY_PUBLIC_URL is not set');
  });

  it('refuses to start in production without a session secret, naming the variable', async () => {
    await expect(startServer({ NODE_ENV: 'production' })).rejects.toThrow(/PARLEY_SESSION_SECRET/);
  });

  it('refuses to start with a bad variable, naming it', async () => {
    await expect(startServer({ OPENAI_API: 'completions' })).rejects.toThrow(/OPENAI_API/);
  });
});

await describeWithRedis('the server process on Redis', () => {
  it('enforces the rate limits from the real start-up path', {
    timeout: PROCESS_TEST_TIMEOUT_MS,
  }, async () => {
    const prefix = `parley-test:${randomUUID()}:`;
    // Records in SQLite; the limiters' counters, locks and events in Redis.
    const { baseUrl } = await startServer({
      PARLEY_REDIS_URL: redisTestUrl,
      PARLEY_REDIS_PREFIX: prefix,
      PARLEY_RATE_IP_SESSIONS: '3',
    });
    const statuses: number[] = [];
    let headers: string | null = null;
    for (let i = 0; i < 5; i++) {
      const res = await fetch(`${baseUrl}/api/chat`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Origin: baseUrl },
        body: JSON.stringify({ message: 'What are your opening hours?' }),
      });
      await res.arrayBuffer();
      statuses.push(res.status);
      headers ??= res.headers.get('ratelimit');
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    expect(headers).toMatch(/"ip-messages"|"ip-sessions"/);
    const ready = await fetch(`${baseUrl}/readyz`);
    expect(ready.status).toBe(200);
    const redis = new Redis(redisTestUrl);
    await deleteRedisKeys(redis, prefix);
    redis.disconnect();
  });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 3000): Promise<void> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
