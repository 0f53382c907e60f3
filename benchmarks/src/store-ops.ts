/**
 * Store throughput: how many Parley turns per second each backend can serve, counting only the
 * store's and the turn lock's part of a turn (see `storeTurn`). In process, no HTTP, no model.
 * The previous run's figures for the hand-written stores (memory, SQLite, Redis) are shown
 * beside the new ones.
 */
import { performance } from 'node:perf_hooks';
import { percentile, round } from '@parley/testkit/stats';
import type { SectionOptions, SectionResult } from './lib/section.js';
import {
  BACKENDS,
  type Backend,
  openBenchStore,
  plantConversation,
  STORE_CALLS_PER_TURN,
  storeTurn,
} from './lib/stores.js';
import type { Table } from './lib/table.js';

interface OpsResult {
  concurrency: number;
  turns: number;
  turnsPerSec: number;
  p50Ms: number | undefined;
  p99Ms: number | undefined;
}

const LABELS: Record<Backend, string> = {
  memory: 'SQLite in memory (PARLEY_STORE=memory)',
  sqlite: 'SQLite file',
  postgres: 'PostgreSQL',
  'postgres+redis': 'PostgreSQL + Redis (locks in Redis)',
};

/**
 * Turns per second at c=1 / c=16 of the stores before the SQL store (hand-written memory, SQLite
 * and Redis stores, 11 calls per turn), from the run of 2026-11-25 on this kind of machine.
 */
const BEFORE = [
  { store: 'memory (hand-written, in-process Map)', c1: 6963, c16: 5544 },
  { store: 'SQLite file (hand-written, better-sqlite3)', c1: 967, c16: 962 },
  { store: 'Redis (hand-written, local redis-server)', c1: 654, c16: 1244 },
];

export async function storeOps(options: SectionOptions): Promise<SectionResult> {
  const conversations = options.smoke ? 20 : 200;
  const historyTurns = 10;
  const maxTurns = options.smoke ? 60 : 20_000;
  const durationMs = options.smoke ? 300 : 4000;
  const concurrencies = [1, 16];
  const results: Partial<Record<Backend, OpsResult[] | { unavailable: string }>> = {};

  for (const backend of BACKENDS) {
    const opened = await openBenchStore(backend);
    if ('unavailable' in opened) {
      results[backend] = opened;
      options.log(`store-ops ${backend}: ${opened.unavailable}`);
      continue;
    }
    try {
      const ids = Array.from({ length: conversations }, (_, i) => `bench_${backend}_${i}`);
      for (const id of ids) await plantConversation(opened.store, id, historyTurns);
      // Warm-up, then the measured runs; every run continues the planted conversations
      // round-robin, so no two turns in flight share a conversation (and its lock).
      let next = 0;
      const run = async (concurrency: number, turns: number, ms: number): Promise<OpsResult> => {
        const latencies: number[] = [];
        let started = 0;
        const start = performance.now();
        const deadline = start + ms;
        await Promise.all(
          Array.from({ length: concurrency }, async () => {
            while (started < turns && performance.now() < deadline) {
              started++;
              const n = next++;
              const t0 = performance.now();
              await storeTurn(opened, ids[n % ids.length]!, historyTurns + n);
              latencies.push(performance.now() - t0);
            }
          }),
        );
        const elapsed = performance.now() - start;
        return {
          concurrency,
          turns: latencies.length,
          turnsPerSec: (latencies.length / elapsed) * 1000,
          p50Ms: percentile(latencies, 50),
          p99Ms: percentile(latencies, 99),
        };
      };
      await run(4, Math.min(maxTurns, 300), durationMs);
      const out: OpsResult[] = [];
      for (const concurrency of concurrencies) {
        const r = await run(concurrency, maxTurns, durationMs);
        options.log(`store-ops ${backend} c=${concurrency}: ${r.turnsPerSec.toFixed(0)} turns/s`);
        out.push(r);
      }
      results[backend] = out;
    } finally {
      await opened.close();
    }
  }

  const table: Table = {
    title: 'Store operations: turns per second (store and turn-lock work only)',
    columns: ['store', ...concurrencies.flatMap((c) => [`turns/s c=${c}`, `p50 / p99 ms c=${c}`])],
    rows: BACKENDS.map((backend) => {
      const r = results[backend];
      if (!r || 'unavailable' in r)
        return [LABELS[backend], `not measured: ${r?.unavailable ?? 'unknown'}`];
      return [
        LABELS[backend],
        ...r.flatMap((x) => [
          round(x.turnsPerSec, 0),
          `${x.p50Ms?.toFixed(3)} / ${x.p99Ms?.toFixed(3)}`,
        ]),
      ];
    }),
    note: `One "turn" = the ${STORE_CALLS_PER_TURN} store and lock calls of a Parley turn for a continuing visitor with the daily budget on (conversation read from the token, turn lock, conversation read under the lock, usage read, history window of 60 items, touch, question logged, question item, the run's 3 items, answer logged, usage added, conversation read for the visitor's state, unlock, answer marked seen) on one of ${conversations} conversations holding ${historyTurns} turns each. SQLite is a file in the temp folder (WAL); PostgreSQL is the local server (127.0.0.1:5432, a scratch database, Parley's default pool of 10); Redis is the local server, holding only the turn lock.`,
  };
  const before: Table = {
    title: 'Before: the hand-written stores (previous run)',
    columns: ['store', 'turns/s c=1', 'turns/s c=16'],
    rows: BEFORE.map((b) => [b.store, b.c1, b.c16]),
    note: 'From the last run before the SQL store (2026-11-25, same kind of machine): 11 calls per turn (no conversation re-read, visitor state or seen mark, which the human loop added), memory as a JavaScript Map, SQLite through hand-written statements, Redis holding the whole conversation.',
  };
  return {
    name: 'store-ops',
    title: 'Store operations',
    tables: [table, before],
    data: {
      conversations,
      historyTurns,
      callsPerTurn: STORE_CALLS_PER_TURN,
      results,
      before: BEFORE,
    },
  };
}
