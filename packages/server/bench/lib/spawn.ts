import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The line a bench child prints once it listens: `BENCH_READY {"port":1234}`. */
export const READY_PREFIX = 'BENCH_READY ';

/** The server package root (where `tsx` and `src/` resolve from). */
export const SERVER_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface SpawnOptions {
  /** Extra environment on top of a minimal one (PATH, HOME). */
  env?: Record<string, string>;
  args?: string[];
  /** Node flags such as `--expose-gc` or `--cpu-prof`. */
  nodeFlags?: string[];
  /** Give up when the child has not printed its ready line by then; default 30 s. */
  startTimeoutMs?: number;
  /** Name for messages. */
  label?: string;
}

export interface BenchChild {
  label: string;
  port: number;
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
 * prints its ready line with the port it listens on (127.0.0.1, port 0). The child is killed if
 * this process exits first.
 *
 * @example
 * const fake = await spawnBenchChild('bench/floors/fake-model.ts', { env: { FAKE_FIRST_TOKEN_MS: '50' } });
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
      cwd: SERVER_ROOT,
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

  const ready = await new Promise<{ port: number } & Record<string, unknown>>((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `${label} did not start within ${options.startTimeoutMs ?? 30_000} ms\n${stderr}`,
        ),
      );
    }, options.startTimeoutMs ?? 30_000);
    const onExit = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`${label} exited (${code}) before it was ready\n${stderr}`));
    };
    child.once('exit', onExit);
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      buffered += chunk;
      const at = buffered.indexOf(READY_PREFIX);
      const end = buffered.indexOf('\n', at);
      if (at === -1 || end === -1) return;
      clearTimeout(timer);
      child.off('exit', onExit);
      try {
        resolve(
          JSON.parse(buffered.slice(at + READY_PREFIX.length, end)) as { port: number } & Record<
            string,
            unknown
          >,
        );
      } catch (error) {
        reject(error);
      }
    });
  });

  return {
    label,
    port: ready.port,
    url: `http://127.0.0.1:${ready.port}`,
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
