/**
 * Server cost per turn against two floors, all in one run on the same fake model: (a) a bare
 * Express proxy making the same two model calls, (b) a minimal Agents SDK server with Parley's
 * agent shape and canned tools, (c) Parley. Each server is its own process, as is the fake model;
 * the load generator is this process. Parley is measured with a new visitor every turn (session
 * created, loaded and saved) and with continuing conversations (session loaded, history windowed,
 * saved); the comparable figure against the floors is the new-visitor one, the default below.
 */
import type { SectionOptions, SectionResult } from './lib/section.js';
import {
  type FakeTiming,
  measureTurns,
  type ServerKind,
  startFakeModel,
  startServer,
  type TurnMeasurement,
  type Visitor,
} from './lib/servers.js';
import type { BenchChild } from './lib/spawn.js';
import { ratio, round } from './lib/stats.js';
import type { Table } from './lib/table.js';

interface Contender {
  id: string;
  label: string;
  kind: ServerKind;
  visitor?: Visitor;
  env?: Record<string, string>;
  /** Variants: measure at every concurrency above 1, not only the middle one. */
  allConcurrencies?: boolean;
}

const MAIN: Contender[] = [
  { id: 'bare', label: '(a) bare proxy', kind: 'bare' },
  { id: 'sdk', label: '(b) minimal SDK server', kind: 'sdk' },
  { id: 'parley', label: '(c) Parley, new visitor each turn', kind: 'parley', visitor: 'new' },
  {
    id: 'parley-continuing',
    label: '(c) Parley, continuing conversation',
    kind: 'parley',
    visitor: 'continuing',
  },
];

/** Ways of running the same servers, measured once at the middle concurrency. */
const VARIANTS: Contender[] = [
  {
    id: 'sdk-rebuild',
    label: '(b) SDK, client + agents + Runner rebuilt every turn',
    kind: 'sdk',
    env: { BENCH_REBUILD: '1' },
  },
  {
    id: 'sdk-tracing',
    label: '(b) SDK, tracing on (exporter drops spans)',
    kind: 'sdk',
    env: { BENCH_TRACING: 'noop' },
  },
  {
    id: 'sdk-chat',
    label: '(b) SDK, Chat Completions API',
    kind: 'sdk',
    env: { BENCH_API: 'chat_completions' },
  },
  {
    id: 'parley-chat',
    label: '(c) Parley, Chat Completions API',
    kind: 'parley',
    visitor: 'new',
    env: { BENCH_API: 'chat_completions' },
  },
  {
    id: 'parley-kb-memo',
    label: '(c) Parley, knowledge-base search memoised (what-if)',
    kind: 'parley',
    visitor: 'new',
    env: { BENCH_KB: 'memo' },
    allConcurrencies: true,
  },
  {
    id: 'parley-sqlite',
    label: '(c) Parley, SQLite store (:memory:)',
    kind: 'parley',
    visitor: 'new',
    env: { BENCH_STORE: 'sqlite::memory:' },
  },
];

export interface TurnCostPlan {
  timing: FakeTiming;
  concurrencies: number[];
  durationMs: (concurrency: number) => number;
  maxRequests: number;
  warmup: { concurrency: number; requests: number; durationMs: number };
  variants: boolean;
}

export const FULL_TIMING: FakeTiming = { firstTokenMs: 50, deltaMs: 10, deltas: 20 };

function plan(smoke: boolean): TurnCostPlan {
  if (smoke) {
    return {
      timing: { firstTokenMs: 2, deltaMs: 1, deltas: 5 },
      concurrencies: [1, 4],
      durationMs: () => 3000,
      maxRequests: 4,
      warmup: { concurrency: 2, requests: 2, durationMs: 3000 },
      variants: false,
    };
  }
  return {
    timing: FULL_TIMING,
    concurrencies: [1, 16, 64],
    durationMs: (c) => (c === 1 ? 10_000 : 15_000),
    maxRequests: 20_000,
    warmup: { concurrency: 16, requests: 400, durationMs: 4000 },
    variants: true,
  };
}

type Results = Record<string, TurnMeasurement[]>;

function start(contender: Contender, modelUrl: string): Promise<BenchChild> {
  return startServer(contender.kind, modelUrl, {
    label: contender.id,
    ...(contender.env ? { env: contender.env } : {}),
  });
}

async function measureContender(
  contender: Contender,
  started: Promise<BenchChild>,
  p: TurnCostPlan,
  concurrencies: number[],
  options: SectionOptions,
): Promise<TurnMeasurement[]> {
  const server = await started;
  try {
    const visitor = contender.visitor ?? 'new';
    await measureTurns(server, { ...p.warmup, maxRequests: p.warmup.requests, visitor });
    const out: TurnMeasurement[] = [];
    for (const concurrency of concurrencies) {
      const m = await measureTurns(server, {
        concurrency,
        maxRequests: p.maxRequests,
        durationMs: p.durationMs(concurrency),
        visitor,
      });
      options.log(
        `turn-cost ${contender.id} c=${concurrency}: ${m.turnsPerSec.toFixed(1)} turns/s, ` +
          `first delta p50 ${m.firstDeltaP50?.toFixed(1)} ms, ${m.cpuMsPerTurn?.toFixed(2)} ms CPU/turn` +
          (m.failed ? `, ${m.failed} failed: ${m.errors[0]}` : ''),
      );
      out.push(m);
    }
    return out;
  } finally {
    await server.stop();
  }
}

export async function turnCost(options: SectionOptions): Promise<SectionResult> {
  const p = plan(options.smoke);
  const fake = await startFakeModel(p.timing);
  const results: Results = {};
  try {
    // A smoke run starts every server at once (start-up dominates it); a real run starts each
    // one only when its turn comes, so idle servers never share the cores with the measured one.
    const early = options.smoke ? MAIN.map((c) => start(c, fake.modelUrl)) : [];
    // Settled here so a failed start is reported by the loop below, not as an unhandled rejection.
    for (const promise of early) promise.catch(() => {});
    for (const [i, contender] of MAIN.entries()) {
      const started = early[i] ?? start(contender, fake.modelUrl);
      results[contender.id] = await measureContender(
        contender,
        started,
        p,
        p.concurrencies,
        options,
      );
    }
    if (p.variants) {
      const middle = [p.concurrencies[1] ?? p.concurrencies[0]!];
      for (const contender of VARIANTS) {
        const at = contender.allConcurrencies ? p.concurrencies.slice(1) : middle;
        results[contender.id] = await measureContender(
          contender,
          start(contender, fake.modelUrl),
          p,
          at,
          options,
        );
      }
    }
  } finally {
    await fake.stop();
  }
  return {
    name: 'turn-cost',
    title: 'Server cost per turn',
    tables: tables(results, p),
    data: { timing: p.timing, concurrencies: p.concurrencies, results },
  };
}

function at(results: Results, id: string, concurrency: number): TurnMeasurement | undefined {
  return results[id]?.find((m) => m.concurrency === concurrency);
}

function tables(results: Results, p: TurnCostPlan): Table[] {
  const cs = p.concurrencies;
  const timing = `fake model: ${p.timing.firstTokenMs} ms to first token, then ${p.timing.deltas} deltas ${p.timing.deltaMs} ms apart; one tool call per turn (two model calls)`;
  const throughput: Table = {
    title: 'Turns per second (higher is better)',
    columns: ['server', ...cs.map((c) => `c=${c}`), `CPU ms/turn (c=${cs[1] ?? cs[0]})`, 'failed'],
    rows: MAIN.map((c) => [
      c.label,
      ...cs.map((n) => round(at(results, c.id, n)?.turnsPerSec, 1)),
      round(at(results, c.id, cs[1] ?? cs[0]!)?.cpuMsPerTurn, 2),
      results[c.id]?.reduce((sum, m) => sum + m.failed, 0),
    ]),
    note: `Closed loop: c workers, each sending its next turn when the last one ended, over keep-alive connections. ${timing}. CPU is the server process's user + system time per completed turn.`,
  };
  const latency: Table = {
    title: 'Time to first delta, ms (p50 / p99)',
    columns: ['server', ...cs.map((c) => `c=${c}`)],
    rows: MAIN.map((c) => [
      c.label,
      ...cs.map((n) => {
        const m = at(results, c.id, n);
        return m ? `${m.firstDeltaP50?.toFixed(1)} / ${m.firstDeltaP99?.toFixed(1)}` : undefined;
      }),
    ]),
    note: "From sending the request to the first `event: delta` reaching the client; the model itself accounts for two first-token waits plus the tool call's argument deltas.",
  };
  const versus: Table = {
    title: 'Parley (new visitor each turn) against the floors',
    columns: [
      'concurrency',
      'throughput vs (b)',
      'throughput vs (a)',
      'first delta p50 vs (b), ms added',
      'first delta p50 ratio to (b) / (a)',
      'first delta p99 ratio to (b) / (a)',
    ],
    rows: cs.map((n) => {
      const parley = at(results, 'parley', n);
      const sdk = at(results, 'sdk', n);
      const bare = at(results, 'bare', n);
      const pct = (v: number | undefined) =>
        v === undefined ? undefined : `${(v * 100).toFixed(0)} %`;
      return [
        `c=${n}`,
        pct(ratio(parley?.turnsPerSec, sdk?.turnsPerSec)),
        pct(ratio(parley?.turnsPerSec, bare?.turnsPerSec)),
        round(
          parley?.firstDeltaP50 !== undefined && sdk?.firstDeltaP50 !== undefined
            ? parley.firstDeltaP50 - sdk.firstDeltaP50
            : undefined,
          1,
        ),
        `${fmt(ratio(parley?.firstDeltaP50, sdk?.firstDeltaP50))} / ${fmt(ratio(parley?.firstDeltaP50, bare?.firstDeltaP50))}`,
        `${fmt(ratio(parley?.firstDeltaP99, sdk?.firstDeltaP99))} / ${fmt(ratio(parley?.firstDeltaP99, bare?.firstDeltaP99))}`,
      ];
    }),
    note: 'Targets: throughput ≥ 80 % of (b) at c=16 and c=64 (aim 90 %); first delta p50 at most 5 ms over (b).',
  };
  const out = [throughput, latency, versus];
  const middle = cs[1] ?? cs[0]!;
  const variantRows = VARIANTS.filter((v) => results[v.id]);
  if (variantRows.length > 0) {
    const baseline = (v: Contender) => (v.kind === 'sdk' ? 'sdk' : 'parley');
    const wide = variantRows.filter((v) => v.allConcurrencies);
    for (const v of wide) {
      out.push({
        title: `What-if: ${v.label}`,
        columns: [
          'concurrency',
          'turns/s',
          'vs Parley default',
          'vs (b)',
          'CPU ms/turn',
          'first delta p50, ms',
        ],
        rows: cs.slice(1).map((n) => {
          const m = at(results, v.id, n);
          const pct = (x: number | undefined) =>
            x === undefined ? undefined : `${(x * 100).toFixed(0)} %`;
          return [
            `c=${n}`,
            round(m?.turnsPerSec, 1),
            pct(ratio(m?.turnsPerSec, at(results, 'parley', n)?.turnsPerSec)),
            pct(ratio(m?.turnsPerSec, at(results, 'sdk', n)?.turnsPerSec)),
            round(m?.cpuMsPerTurn, 2),
            round(m?.firstDeltaP50, 1),
          ];
        }),
        note: 'Every bench turn asks the same question, so a memo answers every search after the first: an upper bound on what a faster search (see the profile) can give back.',
      });
    }
    out.push({
      title: `How the SDK is used: variants at c=${middle}`,
      columns: ['variant', 'turns/s', 'vs default', 'CPU ms/turn', 'first delta p50, ms'],
      rows: [
        ...[MAIN[1]!, MAIN[2]!].map((c) => {
          const m = at(results, c.id, middle);
          return [
            `${c.label} (default)`,
            round(m?.turnsPerSec, 1),
            '100 %',
            round(m?.cpuMsPerTurn, 2),
            round(m?.firstDeltaP50, 1),
          ];
        }),
        ...variantRows.map((v) => {
          const m = at(results, v.id, middle);
          const base = at(results, baseline(v), middle);
          const r = ratio(m?.turnsPerSec, base?.turnsPerSec);
          return [
            v.label,
            round(m?.turnsPerSec, 1),
            r === undefined ? undefined : `${(r * 100).toFixed(0)} %`,
            round(m?.cpuMsPerTurn, 2),
            round(m?.firstDeltaP50, 1),
          ];
        }),
      ],
      note: 'Defaults: one OpenAI client, one set of agents and one Runner per process, tracing off, Responses API, memory store.',
    });
  }
  return out;
}

function fmt(value: number | undefined): string {
  return value === undefined ? '–' : value.toFixed(2);
}
