import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import path from 'node:path';

/**
 * Child processes a reliability suite owns: its own redis-server (never the shared one on 6379,
 * which other suites use) and the real Parley entry point. Each is started on a free loopback port, waited for, and
 * killed by its own pid only.
 */

/** A free TCP port on 127.0.0.1: bind port 0, read it, close. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

function waitForOutput(
  child: ChildProcess,
  pattern: RegExp,
  timeoutMs: number,
  logs: string[],
): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (error?: Error, match?: RegExpExecArray) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.stderr?.off('data', onData);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve(match!);
    };
    const onData = () => {
      const match = pattern.exec(logs.join(''));
      if (match) finish(undefined, match);
    };
    const onExit = (code: number | null) =>
      finish(new Error(`process exited (${code}) before ready:\n${logs.join('').slice(-2000)}`));
    const timer = setTimeout(
      () => finish(new Error(`not ready within ${timeoutMs} ms:\n${logs.join('').slice(-2000)}`)),
      timeoutMs,
    );
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', onExit);
    onData();
  });
}

function collect(child: ChildProcess): string[] {
  const logs: string[] = [];
  child.stdout?.on('data', (chunk) => logs.push(String(chunk)));
  child.stderr?.on('data', (chunk) => logs.push(String(chunk)));
  return logs;
}

/** Sends `signal` to the child (by its own pid) and resolves once it has exited. */
export async function killAndWait(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  await exited;
}

export interface RedisProcess {
  port: number;
  url: string;
  child: ChildProcess;
  logs: string[];
}

/**
 * Starts a private redis-server on `port` (a free one by default), configured as most hosts run
 * Redis and as Parley needs it: in memory only, so a restart comes back empty. Parley keeps only
 * coordination there (locks, rate-limit counters, events), nothing that must survive.
 */
export async function startRedisServer(options: {
  dir: string;
  port?: number;
}): Promise<RedisProcess> {
  const port = options.port ?? (await freePort());
  const child = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      options.dir,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const logs = collect(child);
  await waitForOutput(child, /Ready to accept connections/, 10_000, logs);
  return { port, url: `redis://127.0.0.1:${port}`, child, logs };
}

export interface ServerProcess {
  child: ChildProcess;
  baseUrl: string;
  logs: string[];
}

/** The built entry point, `packages/server/dist/main.js`, as an operator runs it. */
export const SERVER_MAIN = path.join(
  path.dirname(createRequire(import.meta.url).resolve('@parley/server')),
  'main.js',
);

/**
 * Starts the real entry point (`node packages/server/dist/main.js`) with `env` (and only `env`,
 * besides PATH: nothing leaks in from the test's environment) and resolves once it listens on
 * its free port. Every instance is killed by its own pid.
 */
export async function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const child = spawn(process.execPath, [SERVER_MAIN], {
    env: { PATH: process.env.PATH, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs = collect(child);
  const match = await waitForOutput(child, /"port":(\d+)/, 30_000, logs);
  return { child, baseUrl: `http://127.0.0.1:${match[1]}`, logs };
}
