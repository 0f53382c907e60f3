import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The line a bench child prints once it listens: `BENCH_READY {"port":1234}`. */
export const READY_PREFIX = 'BENCH_READY ';

/** The benchmarks package root: children run from here, so `tsx` and `src/` resolve. */
export const BENCH_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface SpawnOptions {
  /** Extra environment on top of a minimal one (PATH, HOME, NODE_ENV=production). */
  env?: Record<string, string>;
  args?: string[];
  /** Node flags such as `--expose-gc` or `--cpu-prof`. */
  nodeFlags?: string[];
  /** Give up when the child has not printed its ready line by then; default 120 s (several servers starting at once on a busy 2-core machine take a while). */
  startTimeoutMs?: number;
  /** Name for messages. */
  label?: string;
}

export interface BenchChild {
  label: string;
  /** Where the bench control routes (`/__bench/…`) answer. */
  controlUrl: string;
  /** Where the server under test answers (the control URL unless the child reports its own). */
  url: string;
  pid: number;
  /** The whole ready line's JSON (a child may report more than its port). */
  info: Record<string, unknown>;
  /** Everything the child printed on stderr (last 8 KiB), for error messages. */
  stderr(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the child is gone. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Starts a bench TypeScript script as its own Node process (through tsx) and waits until it
 * prints its ready line: `port` is its control port on 127.0.0.1, `url` (optional) the server
 * under test when that listens apart. Whatever the child prints on stdout after that (a server's
 * request log) is read and dropped. The child is killed if this process exits first.
 *
 * @example
 * const fake = await spawnBenchChild('src/floors/fake-model.ts', { env: { FAKE_FIRST_TOKEN_MS: '50' } });
 * await fake.stop();
 */
export async function spawnBenchChild(
  script: string,
  options: SpawnOptions = {},
): Promise<BenchChild> {
  const label = options.label ?? script;
  const child = spawn(
    process.execPath,
    [...(options.nodeFlags ?? []), '--import', 'tsx', script, ...(options.args ?? [])],
    {
      cwd: BENCH_ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        NODE_ENV: 'production',
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-8192);
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const timeoutMs = options.startTimeoutMs ?? 120_000;

  const ready = await new Promise<{ port: number; url?: string } & Record<string, unknown>>(
    (resolve, reject) => {
      let buffered = '';
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`${label} did not start within ${timeoutMs} ms\n${stderr}`));
      }, timeoutMs);
      const onExit = (code: number | null) => {
        clearTimeout(timer);
        reject(new Error(`${label} exited (${code}) before it was ready\n${stderr}`));
      };
      child.once('exit', onExit);
      const onData = (chunk: string) => {
        buffered += chunk;
        const at = buffered.indexOf(READY_PREFIX);
        const end = buffered.indexOf('\n', at);
        if (at === -1 || end === -1) {
          // Keep only what could still hold the start of the ready line.
          if (at === -1) buffered = buffered.slice(-READY_PREFIX.length);
          return;
        }
        clearTimeout(timer);
        child.off('exit', onExit);
        // From now on stdout is drained and dropped, so the child never blocks on a full pipe.
        child.stdout?.off('data', onData).on('data', () => {});
        try {
          resolve(JSON.parse(buffered.slice(at + READY_PREFIX.length, end)));
        } catch (error) {
          reject(error);
        }
      };
      child.stdout?.setEncoding('utf8').on('data', onData);
    },
  );

  const controlUrl = `http://127.0.0.1:${ready.port}`;
  return {
    label,
    controlUrl,
    url: typeof ready.url === 'string' ? ready.url : controlUrl,
    pid: child.pid ?? -1,
    info: ready,
    stderr: () => stderr,
    stop: (graceMs = 5000) => stopChild(child, graceMs, killOnExit),
  };
}

function stopChild(child: ChildProcess, graceMs: number, killOnExit: () => void): Promise<void> {
  process.off('exit', killOnExit);
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
