import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { deleteRedisKeys } from '../../src/test-support/redis.js';

/** A Redis for the bench: a private redis-server on 127.0.0.1, or the one named by env. */
export interface BenchRedis {
  url: string;
  /** A key prefix no one else uses. */
  prefix: string;
  client: Redis;
  /** `used_memory` from INFO, bytes. */
  usedMemory(): Promise<number>;
  stop(): Promise<void>;
}

const REDIS_BINARIES = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'];

/**
 * Starts a throwaway redis-server (no persistence) on a free loopback port, or connects to
 * PARLEY_BENCH_REDIS_URL when set. Returns undefined, with the reason, when neither is possible.
 */
export async function startBenchRedis(): Promise<BenchRedis | { unavailable: string }> {
  const prefix = `parley-bench:${process.pid}:${Date.now().toString(36)}:`;
  const external = process.env.PARLEY_BENCH_REDIS_URL;
  if (external) {
    const client = await connect(external);
    if (!client) return { unavailable: `no answer from PARLEY_BENCH_REDIS_URL` };
    return wrap(external, prefix, client, async () => {
      await deleteRedisKeys(client, prefix);
      client.disconnect();
    });
  }
  const binary = REDIS_BINARIES.find((b) => existsSync(b));
  if (!binary) return { unavailable: 'redis-server not installed (set PARLEY_BENCH_REDIS_URL)' };
  const port = await freePort();
  const child = spawn(
    binary,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const url = `redis://127.0.0.1:${port}`;
  let client: Redis | undefined;
  for (let attempt = 0; attempt < 50 && !client; attempt++) {
    await new Promise((r) => setTimeout(r, 100));
    client = await connect(url);
  }
  if (!client) {
    child.kill('SIGKILL');
    return { unavailable: 'redis-server did not start' };
  }
  return wrap(url, prefix, client, async () => {
    client.disconnect();
    process.off('exit', killOnExit);
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  });
}

function wrap(url: string, prefix: string, client: Redis, stop: () => Promise<void>): BenchRedis {
  return {
    url,
    prefix,
    client,
    usedMemory: async () => {
      const info = await client.info('memory');
      return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? Number.NaN);
    },
    stop,
  };
}

async function connect(url: string): Promise<Redis | undefined> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 500,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.ping();
    return client;
  } catch {
    client.disconnect();
    return undefined;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
