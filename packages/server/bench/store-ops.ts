/**
 * Store throughput: how many Parley turns per second each store can serve, counting only the
 * store's part of a turn (see `storeTurn`: load, lock, budget, save message, read the history
 * window, save items and answer, record usage, unlock). In process, no HTTP, no model.
 */
import { performance } from 'node:perf_hooks';
import type { StoreKind } from '../src/sessions/store.js';
import type { SectionOptions, SectionResult } from './lib/section.js';
import { percentile, round } from './lib/stats.js';
import { openBenchStore, plantSession, storeTurn } from './lib/stores.js';
import type { Table } from './lib/table.js';

const KINDS: StoreKind[] = ['memory', 'sqlite', 'redis'];

interface OpsResult {
  concurrency: number;
  turns: number;
  turnsPerSec: number;
  p50Ms: number | undefined;
  p99Ms: number | undefined;
}

export async function storeOps(options: SectionOptions): Promise<SectionResult> {
  const sessions = options.smoke ? 20 : 2000;
  const historyTurns = 10;
  const maxTurns = options.smoke ? 100 : 20_000;
  const durationMs = options.smoke ? 300 : 5000;
  const concurrencies = [1, 16];
  const results: Record<string, OpsResult[] | { unavailable: string }> = {};

  for (const kind of KINDS) {
    const opened = await openBenchStore(kind);
    if ('unavailable' in opened) {
      results[kind] = opened;
      options.log(`store-ops ${kind}: ${opened.unavailable}`);
      continue;
    }
    try {
      const ids = Array.from({ length: sessions }, (_, i) => `bench_${kind}_${i}`);
      for (const id of ids) await plantSession(opened.store, id, historyTurns);
      // Warm-up, then the measured runs; every run continues the planted sessions round-robin.
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
              await storeTurn(opened.store, ids[n % ids.length]!, historyTurns + n);
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
      await run(4, Math.min(maxTurns, 500), durationMs);
      const out: OpsResult[] = [];
      for (const concurrency of concurrencies) {
        const r = await run(concurrency, maxTurns, durationMs);
        options.log(`store-ops ${kind} c=${concurrency}: ${r.turnsPerSec.toFixed(0)} turns/s`);
        out.push(r);
      }
      results[kind] = out;
    } finally {
      await opened.close();
    }
  }

  const table: Table = {
    title: 'Store operations: turns per second (store work only)',
    columns: ['store', ...concurrencies.flatMap((c) => [`turns/s c=${c}`, `p50 / p99 ms c=${c}`])],
    rows: KINDS.map((kind) => {
      const r = results[kind];
      if (!r || 'unavailable' in r) return [kind, `not measured: ${r?.unavailable ?? 'unknown'}`];
      return [
        kind,
        ...r.flatMap((x) => [
          round(x.turnsPerSec, 0),
          `${x.p50Ms?.toFixed(3)} / ${x.p99Ms?.toFixed(3)}`,
        ]),
      ];
    }),
    note: `One "turn" = the 11 store calls of a Parley turn (getSession, tryLockTurn, getUsage, touchSession, appendMessage, getItems(60), addItems(1), addItems(3), appendMessage, addUsage, release) on one of ${sessions} sessions that hold ${historyTurns} turns of history. SQLite is a file in the temp folder (WAL, synchronous=NORMAL); Redis is a local redis-server without persistence, reached over loopback TCP.`,
  };
  return {
    name: 'store-ops',
    title: 'Store operations',
    tables: [table],
    data: { sessions, results },
  };
}
