import { percentile } from '@parley/testkit/stats';
import { BENCH_MESSAGE } from '../floors/fake-model.constants.js';
import type { ServerStats } from '../floors/hooks.js';
import { control, type LoadResult, runLoad, sessionTokenOf } from './load.js';
import { type BenchChild, type SpawnOptions, spawnBenchChild } from './spawn.js';

/** The servers a turn can be measured on. */
export type ServerKind = 'bare' | 'sdk' | 'parley';

export const SERVER_SCRIPTS: Record<ServerKind, string> = {
  bare: 'src/floors/bare-proxy.ts',
  sdk: 'src/floors/minimal-sdk.ts',
  parley: 'src/floors/parley-server.ts',
};

/** Fixed model latency: to first token, between deltas, and how many deltas an answer has. */
export interface FakeTiming {
  firstTokenMs: number;
  deltaMs: number;
  deltas: number;
}

export async function startFakeModel(
  timing: FakeTiming,
): Promise<BenchChild & { modelUrl: string }> {
  const fake = await spawnBenchChild('src/floors/fake-model.ts', {
    label: 'fake model',
    env: {
      FAKE_FIRST_TOKEN_MS: String(timing.firstTokenMs),
      FAKE_DELTA_MS: String(timing.deltaMs),
      FAKE_DELTAS: String(timing.deltas),
    },
  });
  return Object.assign(fake, { modelUrl: String(fake.info.modelUrl) });
}

export function startServer(
  kind: ServerKind,
  modelUrl: string,
  options: SpawnOptions = {},
): Promise<BenchChild> {
  return spawnBenchChild(SERVER_SCRIPTS[kind], {
    ...options,
    label: options.label ?? kind,
    env: { BENCH_MODEL_URL: modelUrl, ...options.env },
  });
}

/** Whether each turn starts a new conversation or continues the worker's own one. */
export type Visitor = 'new' | 'continuing';

export interface TurnLoadOptions {
  concurrency: number;
  maxRequests: number;
  durationMs: number;
  visitor?: Visitor;
  /** Session tokens to continue, one per worker (continuing visitors only). */
  tokens?: string[];
  /** Picks the session of each request instead (e.g. from a seeded pool); `i` counts requests. */
  tokenFor?: (i: number) => string;
}

/** One measured load: the generator's view plus the server's CPU, memory and loop in that window. */
export interface TurnMeasurement {
  concurrency: number;
  completed: number;
  failed: number;
  turnsPerSec: number;
  firstDeltaP50: number | undefined;
  firstDeltaP99: number | undefined;
  turnP50: number | undefined;
  /** Server CPU (user + system) per completed turn, ms. */
  cpuMsPerTurn: number | undefined;
  /** Server event-loop utilisation over the window (0–1). */
  loopUtilization: number;
  loopDelayP99Ms: number;
  rssMb: number;
  errors: string[];
  /** How many measured rounds this figure combines (1 when it is a single run). */
  rounds?: number;
  /** Turns per second of each round, in order, when this figure combines rounds. */
  roundTurnsPerSec?: number[];
}

/**
 * Runs chat turns against a bench server (`/api/chat`, SSE) and reads the server's CPU and loop
 * statistics around the run, so each turn's cost is known from the server's side too.
 */
export async function measureTurns(
  server: BenchChild,
  options: TurnLoadOptions,
): Promise<TurnMeasurement> {
  const tokens = [...(options.tokens ?? [])];
  let sent = 0;
  await control(server.controlUrl, 'reset');
  const before = await control<ServerStats>(server.controlUrl, 'stats');
  const load: LoadResult = await runLoad({
    url: server.url,
    concurrency: options.concurrency,
    maxRequests: options.maxRequests,
    durationMs: options.durationMs,
    makeRequest: (worker) => {
      const i = sent++;
      const token = options.tokenFor
        ? options.tokenFor(i)
        : options.visitor === 'continuing'
          ? tokens[worker]
          : undefined;
      return {
        path: '/api/chat',
        body: JSON.stringify({ message: BENCH_MESSAGE }),
        // A browser on an allowed page sends its Origin; the bench page is the server's own.
        headers: { origin: server.url, ...(token ? { authorization: `Bearer ${token}` } : {}) },
      };
    },
    onResponse: (worker, body) => {
      if (options.visitor !== 'continuing') return;
      const token = sessionTokenOf(body);
      if (token) tokens[worker] = token;
    },
  });
  const after = await control<ServerStats>(server.controlUrl, 'stats');
  const cpuUs = after.cpuUserUs + after.cpuSystemUs - before.cpuUserUs - before.cpuSystemUs;
  return {
    concurrency: options.concurrency,
    completed: load.completed,
    failed: load.failed,
    turnsPerSec: load.perSecond,
    firstDeltaP50: percentile(load.firstDeltaMs, 50),
    firstDeltaP99: percentile(load.firstDeltaMs, 99),
    turnP50: percentile(load.totalMs, 50),
    cpuMsPerTurn: load.completed > 0 ? cpuUs / 1000 / load.completed : undefined,
    loopUtilization: after.loopUtilization,
    loopDelayP99Ms: after.loopDelay.p99,
    rssMb: after.rss / 2 ** 20,
    errors: load.errors,
  };
}
