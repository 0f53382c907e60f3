import { writeFileSync } from 'node:fs';
import {
  createServer,
  type IncomingMessage,
  type RequestListener,
  type ServerResponse,
} from 'node:http';
import { Session } from 'node:inspector/promises';
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { runInNewContext } from 'node:vm';
import { READY_PREFIX } from '../lib/spawn.js';

// The bench servers run their TypeScript through tsx, which turns on source-map support; a
// server in production runs plain JavaScript without it. Every bench server imports this module
// before it serves anything, so the errors it creates cost what they cost in production.
process.setSourceMapsEnabled(false);

/** What every bench server reports on `GET /__bench/stats`. */
export interface ServerStats {
  /** process.cpuUsage(), microseconds since start. */
  cpuUserUs: number;
  cpuSystemUs: number;
  rss: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
  /** Event-loop delay since the last reset, milliseconds. */
  loopDelay: { p50: number; p99: number; max: number };
  /** Event-loop utilisation (0–1) since the last reset. */
  loopUtilization: number;
  /** Requests (other than bench control) being answered right now: open streams. */
  inFlight: number;
  /** Anything the server adds (sessions held). */
  extra: Record<string, number>;
}

export type BenchRoute = (
  req: IncomingMessage,
  res: ServerResponse,
  body: string,
) => Promise<unknown> | unknown;

export interface BenchServerOptions {
  /** Requests being answered right now, when the server under test listens apart. */
  inFlight?: () => number;
  /** Extra `/__bench/<name>` routes; each answers with its return value as JSON. */
  routes?: Record<string, BenchRoute>;
  extraStats?: () => Record<string, number>;
  /** More fields for the ready line. */
  ready?: Record<string, unknown>;
  /** Runs on SIGTERM before the process exits (clean-up that must not be skipped). */
  onStop?: () => Promise<void>;
}

/**
 * Serves `handler` on 127.0.0.1 (port 0) next to the bench control routes (`/__bench/stats`,
 * `/__bench/reset`, `/__bench/gc`, profiling), prints the ready line, and exits cleanly on
 * SIGTERM so `--cpu-prof` gets to write its profile. Without a handler only the control routes
 * answer: the server under test listens on its own port, which `options.ready.url` names.
 */
export async function listenForBench(
  handler: RequestListener | undefined,
  options: BenchServerOptions = {},
): Promise<void> {
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  let eluStart = performance.eventLoopUtilization();
  const gc = exposedGc();
  let inFlight = 0;
  let profiler: Session | undefined;

  const routes: Record<string, BenchRoute> = {
    stats: (): ServerStats => {
      const cpu = process.cpuUsage();
      const memory = process.memoryUsage();
      return {
        cpuUserUs: cpu.user,
        cpuSystemUs: cpu.system,
        rss: memory.rss,
        heapUsed: memory.heapUsed,
        external: memory.external,
        arrayBuffers: memory.arrayBuffers,
        loopDelay: {
          p50: delay.percentile(50) / 1e6,
          p99: delay.percentile(99) / 1e6,
          max: delay.max / 1e6,
        },
        loopUtilization: performance.eventLoopUtilization(eluStart).utilization,
        inFlight: options.inFlight?.() ?? inFlight,
        extra: options.extraStats?.() ?? {},
      };
    },
    reset: () => {
      delay.reset();
      eluStart = performance.eventLoopUtilization();
      return { ok: true };
    },
    gc: () => {
      // Twice: the first pass can leave finalised objects for the second.
      gc?.();
      gc?.();
      return { gc: gc !== undefined };
    },
    // The V8 CPU profiler over a chosen window (what --cpu-prof records, minus start-up).
    'profile-start': async () => {
      profiler ??= new Session();
      profiler.connect();
      await profiler.post('Profiler.enable');
      await profiler.post('Profiler.setSamplingInterval', { interval: 500 });
      await profiler.post('Profiler.start');
      return { ok: true };
    },
    'profile-stop': async (_req, _res, body) => {
      if (!profiler) throw new Error('profile-start first');
      const { file } = JSON.parse(body) as { file: string };
      const { profile } = await profiler.post('Profiler.stop');
      writeFileSync(file, JSON.stringify(profile));
      profiler.disconnect();
      profiler = undefined;
      return { file };
    },
    ...options.routes,
  };

  const server = createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
    const url = req.url ?? '/';
    if (!url.startsWith('/__bench/')) {
      if (!handler) {
        res.writeHead(404).end();
        return;
      }
      inFlight++;
      res.once('close', () => inFlight--);
      return handler(req, res);
    }
    const name = url.slice('/__bench/'.length).split('?')[0] ?? '';
    const route = routes[name];
    if (!route) {
      res.writeHead(404).end();
      return;
    }
    void readBody(req)
      .then((body) => route(req, res, body))
      .then((result) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(result ?? null));
      })
      .catch((error: Error) => {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(error.stack ?? String(error));
      });
  });
  server.headersTimeout = 60_000;
  server.requestTimeout = 0;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  process.on('SIGTERM', () => {
    server.closeAllConnections();
    const stopping = options.onStop?.() ?? Promise.resolve();
    void stopping.finally(() => process.exit(0));
  });
  process.stdout.write(`${READY_PREFIX}${JSON.stringify({ ...options.ready, port })}\n`);
}

/** `global.gc` when the process runs with --expose-gc. */
function exposedGc(): (() => void) | undefined {
  const candidate = (globalThis as { gc?: () => void }).gc;
  if (candidate) return candidate;
  try {
    return runInNewContext('typeof gc === "function" ? gc : undefined') as (() => void) | undefined;
  } catch {
    return undefined;
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Reads a positive integer from the environment, with a default. */
export function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a number ≥ 0`);
  return value;
}
