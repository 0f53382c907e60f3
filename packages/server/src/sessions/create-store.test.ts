import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import { describeWithRedis, redisTestUrl } from '../test-support/redis.js';
import { createStore } from './create-store.js';
import type { ParleyStore } from './store.js';

const limits = { sessionTtlMs: 60_000, sessionMaxAgeMs: 3_600_000, idempotencyTtlMs: 60_000 };
const options = { clock: new ManualClock(), limits };

describe('createStore', () => {
  const opened: ParleyStore[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('opens a memory store', async () => {
    const store = await createStore('memory', { ...options, maxMemorySessions: 5 });
    opened.push(store);
    expect(store.kind).toBe('memory');
  });

  it('opens a SQLite file relative to the working directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-create-'));
    dirs.push(dir);
    // A relative path (../../tmp/…) that only lands in the temp dir when resolved against cwd.
    const path = relative(process.cwd(), join(dir, 'data', 'parley.db'));
    expect(isAbsolute(path)).toBe(false);
    const store = await createStore(`sqlite:${path}`, options);
    opened.push(store);
    expect(store.kind).toBe('sqlite');
    expect(existsSync(join(dir, 'data', 'parley.db'))).toBe(true);
  });

  it('opens an in-memory SQLite database', async () => {
    const store = await createStore('sqlite::memory:', options);
    opened.push(store);
    await store.createSession('s');
    expect(await store.getSession('s')).toBeDefined();
  });

  it.each(['', 'postgres://db', 'sqlite:', 'mem', 'http://localhost:6379'])(
    'rejects %j naming PARLEY_STORE',
    async (spec) => {
      await expect(createStore(spec, options)).rejects.toThrow(/PARLEY_STORE/);
    },
  );

  it('does not echo a password from an unknown URL', async () => {
    await expect(createStore('mysql://admin:hunter2@db/x', options)).rejects.toThrow(
      /^(?!.*hunter2).*PARLEY_STORE/,
    );
  });

  it('fails clearly and quickly when Redis does not answer', async () => {
    // Port 1 on loopback refuses connections.
    const started = Date.now();
    await expect(
      createStore('redis://:secret@127.0.0.1:1', { ...options, redisConnectTimeoutMs: 300 }),
    ).rejects.toThrow(
      /PARLEY_STORE: Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:1.* did not answer within 300 ms/,
    );
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

await describeWithRedis('createStore with Redis', () => {
  it('opens Redis once it answers', async () => {
    const store = await createStore(redisTestUrl, options);
    try {
      expect(store.kind).toBe('redis');
      await store.ping();
    } finally {
      await store.close();
    }
  });
});
