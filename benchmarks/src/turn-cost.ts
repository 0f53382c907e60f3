/**
 * Server cost per turn against two floors, all in one run on the same fake model: (a) a bare
 * Express proxy making the same two model calls, (b) a minimal Agents SDK server running Parley's
 * own agents and tools, (c) Parley started as production starts it (SQLite file store, request
 * log on). Each server is its own process, as is the fake model; the load generator is this
 * process. Parley is measured with a new visitor every turn (conversation created, stored) and
 * with continuing conversations (history windowed); the comparable figure against the floors is
 * the new-visitor one, the default below.
 */

import { createScratchDatabase, postgresAvailable } from '@parley/testkit/postgres';
import { percentile, ratio, round } from '@parley/testkit/stats';
import { registerCleanup } from './lib/cleanup.js';
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
import type { Table } from './lib/table.js';

interface Contender {
  id: string;
  label: string;
  kind: ServerKind;
  visitor?: Visitor;
  env?: Record<string, string>;
  /** Variants: measure at every concurrency above 1, not only the middle one. */
  allConcurrencies?: boolean;
  /** Prepares what the server needs (a database); undefined when it cannot run here. */
  setup?: () => Promise<{ env: Record<string, string>; cleanup(): Promise<void> } | undefined>;
}

const MAIN: Contender[] = [
  { id: 'bare', label: '(a) bare proxy', kind: 'bare' },
  { id: 'sdk', label: '(b) minimal SDK server', kind: 'sdk' },
  {
    id: 'sdk-continuing',
    label: '(b) minimal SDK server, continuing conversation',
    kind: 'sdk',
    visitor: 'continuing',
    env: { BENCH_HISTORY: '1' },
  },
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
    id: 'parley-silent',
    label: '(c) Parley, request log off (LOG_LEVEL=silent)',
    kind: 'parley',
    visitor: 'new',
    env: { LOG_LEVEL: 'silent' },
  },
  {
    id: 'parley-memory',
    label: '(c) Parley, SQLite in memory (PARLEY_STORE=memory)',
    kind: 'parley',
    visitor: 'new',
    env: { BENCH_STORE: 'memory' },
  },
  {
    id: 'parley-postgres',
    label: '(c) Parley, PostgreSQL store (local, scratch database)',
    kind: 'parley',
    visitor: 'new',
    setup: async () => {
      if (!(await postgresAvailable())) return undefined;
      const scratch = await createScratchDatabase();
      return { env: { BENCH_STORE: scratch.url }, cleanup: registerCleanup(() => scratch.drop()) };
    },
  },
];

export interface TurnCostPlan {
  timing: FakeTiming;
  concurrencies: number[];
  /** Each contender is measured this many times per concurrency, taking turns with the others. */
  rounds: number;
  /** Rounds of each variant with its default (fewer: a variant is one paired figure). */
  variantRounds: number;
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
      rounds: 1,
      variantRounds: 1,
      durationMs: () => 3000,
      maxRequests: 4,
      warmup: { concurrency: 2, requests: 2, durationMs: 3000 },
      variants: false,
    };
  }
  return {
    timing: FULL_TIMING,
    concurrencies: [1, 16, 64],
    rounds: 5,
    variantRounds: 3,
    durationMs: (c) => (c === 1 ? 4000 : 5000),
    maxRequests: 20_000,
    // Long enough for CPU per turn to settle (JIT, heap sizing): a fresh variant process is
    // compared with defaults that have run for minutes.
    warmup: { concurrency: 16, requests: 5000, durationMs: 12_000 },
    variants: true,
  };
}

type Results = Record<string, TurnMeasurement[]>;

function start(
  contender: Contender,
  modelUrl: string,
  extraEnv: Record<string, string> = {},
): Promise<BenchChild> {
  return startServer(contender.kind, modelUrl, {
    label: contender.id,
    env: { ...contender.env, ...extraEnv },
  });
}

/** The median of the rounds' figures (the load on a shared machine drifts; medians shrug it off). */
function combine(rounds: TurnMeasurement[]): TurnMeasurement {
  const med = (pick: (m: TurnMeasurement) => number | undefined) =>
    percentile(
      rounds.map(pick).filter((v): v is number => v !== undefined),
      50,
    );
  const first = rounds[0]!;
  return {
    ...first,
    completed: rounds.reduce((sum, m) => sum + m.completed, 0),
    failed: rounds.reduce((sum, m) => sum + m.failed, 0),
    turnsPerSec: med((m) => m.turnsPerSec) ?? 0,
    firstDeltaP50: med((m) => m.firstDeltaP50),
    firstDeltaP99: med((m) => m.firstDeltaP99),
    turnP50: med((m) => m.turnP50),
    cpuMsPerTurn: med((m) => m.cpuMsPerTurn),
    loopUtilization: med((m) => m.loopUtilization) ?? 0,
    loopDelayP99Ms: med((m) => m.loopDelayP99Ms) ?? 0,
    rssMb: Math.max(...rounds.map((m) => m.rssMb)),
    errors: rounds.flatMap((m) => m.errors).slice(0, 5),
    rounds: rounds.length,
    roundTurnsPerSec: rounds.map((m) => m.turnsPerSec),
  };
}

/**
 * Measures several running servers at each concurrency in interleaved rounds (a, b, c, a, b,
 * c, …), so background load on a shared machine falls on all of them alike, and keeps the median
 * of each server's rounds. Only one server is under load at any moment.
 */
async function measureRounds(
  servers: Array<{ contender: Contender; server: BenchChild }>,
  concurrencies: number[],
  p: TurnCostPlan,
  options: SectionOptions,
  rounds = p.rounds,
): Promise<Results> {
  const raw = new Map<string, TurnMeasurement[]>();
  for (const { contender, server } of servers) {
    const visitor = contender.visitor ?? 'new';
    await measureTurns(server, { ...p.warmup, maxRequests: p.warmup.requests, visitor });
  }
  for (const concurrency of concurrencies) {
    for (let round = 0; round < rounds; round++) {
      for (const { contender, server } of servers) {
        const m = await measureTurns(server, {
          concurrency,
          maxRequests: p.maxRequests,
          durationMs: p.durationMs(concurrency),
          visitor: contender.visitor ?? 'new',
        });
        const key = `${contender.id}@${concurrency}`;
        raw.set(key, [...(raw.get(key) ?? []), m]);
      }
    }
    for (const { contender } of servers) {
      const m = combine(raw.get(`${contender.id}@${concurrency}`) ?? []);
      options.log(
        `turn-cost ${contender.id} c=${concurrency}: ${m.turnsPerSec.toFixed(1)} turns/s, ` +
          `first delta p50 ${m.firstDeltaP50?.toFixed(1)} ms, ${m.cpuMsPerTurn?.toFixed(2)} ms CPU/turn` +
          (m.failed ? `, ${m.failed} failed: ${m.errors[0]}` : ''),
      );
    }
  }
  const results: Results = {};
  for (const { contender } of servers) {
    results[contender.id] = concurrencies.map((c) =>
      combine(raw.get(`${contender.id}@${c}`) ?? []),
    );
  }
  return results;
}

export async function turnCost(options: SectionOptions): Promise<SectionResult> {
  const p = plan(options.smoke);
  const fake = await startFakeModel(p.timing);
  let results: Results = {};
  const variantResults: Record<string, { variant: TurnMeasurement[]; base: TurnMeasurement[] }> =
    {};
  const running: BenchChild[] = [];
  try {
    // All main servers run side by side (idle ones cost nothing) and take turns under load.
    // A smoke run measures both kinds of Parley visitor on one Parley process: start-up is most
    // of its time. A real run gives each its own process, so sessions left by one cannot weigh
    // on the other.
    const shared = options.smoke ? 'parley' : undefined;
    const own = MAIN.filter((c) => c.id !== 'parley-continuing' || !shared);
    const started = await Promise.all(own.map((c) => start(c, fake.modelUrl)));
    running.push(...started);
    const byId = new Map(own.map((c, i) => [c.id, started[i]!]));
    const main = MAIN.map((contender) => ({
      contender,
      server: byId.get(contender.id) ?? byId.get(shared ?? '')!,
    }));
    results = await measureRounds(main, p.concurrencies, p, options);
    if (p.variants) {
      // The main servers have run for minutes; a fresh process costs more per turn until its JIT
      // and heap settle. So each variant is paired with a fresh process of its default, started
      // and warmed up with it, and the main servers are stopped first.
      await Promise.all(running.splice(0).map((s) => s.stop()));
      const middle = [p.concurrencies[1] ?? p.concurrencies[0]!];
      for (const contender of VARIANTS) {
        const prepared = contender.setup ? await contender.setup() : { env: {} };
        if (!prepared) {
          options.log(`turn-cost ${contender.id}: skipped, its service does not answer`);
          continue;
        }
        const base = MAIN.find((m) => m.id === (contender.kind === 'sdk' ? 'sdk' : 'parley'))!;
        const pair = await Promise.allSettled([
          start(contender, fake.modelUrl, prepared.env),
          start(base, fake.modelUrl),
        ]);
        const [variant, fresh] = pair.map((r) => (r.status === 'fulfilled' ? r.value : undefined));
        try {
          const failed = pair.find((r) => r.status === 'rejected');
          if (failed) throw (failed as PromiseRejectedResult).reason;
          // Paired with its default, measured in the same rounds.
          const paired = await measureRounds(
            [
              { contender, server: variant! },
              { contender: base, server: fresh! },
            ],
            contender.allConcurrencies ? p.concurrencies.slice(1) : middle,
            p,
            options,
            p.variantRounds,
          );
          results[contender.id] = paired[contender.id] ?? [];
          variantResults[contender.id] = {
            variant: paired[contender.id] ?? [],
            base: paired[base.id] ?? [],
          };
        } finally {
          await Promise.all([variant?.stop(), fresh?.stop()]);
          if ('cleanup' in prepared) await prepared.cleanup();
        }
      }
    }
  } finally {
    await Promise.all(running.map((s) => s.stop()));
    await fake.stop();
  }
  return {
    name: 'turn-cost',
    title: 'Server cost per turn',
    tables: tables(results, variantResults, p),
    data: {
      timing: p.timing,
      concurrencies: p.concurrencies,
      rounds: p.rounds,
      results,
      variantResults,
    },
  };
}

function at(results: Results, id: string, concurrency: number): TurnMeasurement | undefined {
  return results[id]?.find((m) => m.concurrency === concurrency);
}

type Paired = Record<string, { variant: TurnMeasurement[]; base: TurnMeasurement[] }>;

function tables(results: Results, paired: Paired, p: TurnCostPlan): Table[] {
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
    note: `Closed loop: c workers, each sending its next turn when the last one ended, over keep-alive connections. ${timing}. Each figure is the median of ${p.rounds} rounds of ${p.durationMs(16) / 1000} s, the servers taking turns round by round. CPU is the server process's user + system time per completed turn.`,
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
      'vs (b), round by round (min – max)',
      'CPU per turn, (b) / (c)',
      'throughput vs (a)',
      'first delta p50 vs (b), ms added',
      'first delta p50 ratio to (b) / (a)',
      'first delta p99 ratio to (b) / (a)',
    ],
    rows: cs.map((n) => {
      const parley = at(results, 'parley', n);
      const sdk = at(results, 'sdk', n);
      const bare = at(results, 'bare', n);
      return [
        `c=${n}`,
        pct(ratio(parley?.turnsPerSec, sdk?.turnsPerSec)),
        roundRange(parley, sdk),
        pct(ratio(sdk?.cpuMsPerTurn, parley?.cpuMsPerTurn)),
        pct(ratio(parley?.turnsPerSec, bare?.turnsPerSec)),
        firstDeltaAddedMs(parley, sdk),
        `${fmt(ratio(parley?.firstDeltaP50, sdk?.firstDeltaP50))} / ${fmt(ratio(parley?.firstDeltaP50, bare?.firstDeltaP50))}`,
        `${fmt(ratio(parley?.firstDeltaP99, sdk?.firstDeltaP99))} / ${fmt(ratio(parley?.firstDeltaP99, bare?.firstDeltaP99))}`,
      ];
    }),
    note: "Targets: throughput ≥ 80 % of (b) at c=16 and c=64 (aim 90 %); first delta p50 at most 5 ms over (b). Round by round: Parley's turns/s in each round over (b)'s in the same round (they run one after the other), the lowest and highest of those ratios. CPU per turn, (b) / (c): the share of Parley's CPU per turn the floor needs, which is what throughput comes to once the cores are the limit.",
  };
  const continuing: Table = {
    title: 'Continuing conversations: Parley against an SDK server that keeps one',
    columns: [
      'concurrency',
      'throughput vs (b) continuing',
      'round by round (min – max)',
      'CPU ms/turn, Parley / (b) continuing',
      'first delta p50 vs (b) continuing, ms added',
    ],
    rows: cs.map((n) => {
      const parley = at(results, 'parley-continuing', n);
      const sdk = at(results, 'sdk-continuing', n);
      return [
        `c=${n}`,
        pct(ratio(parley?.turnsPerSec, sdk?.turnsPerSec)),
        roundRange(parley, sdk),
        `${round(parley?.cpuMsPerTurn, 2) ?? '–'} / ${round(sdk?.cpuMsPerTurn, 2) ?? '–'}`,
        firstDeltaAddedMs(parley, sdk),
      ];
    }),
    note: "(b) continuing is the minimal SDK server keeping each conversation's items in a Map and showing the model the same history window as Parley (60 items / 12,000 tokens): what any SDK server that remembers a conversation pays. Parley adds its store (conversation, log and model items), signed token, turn lock and request log.",
  };
  const out = [throughput, latency, versus, continuing];
  const middle = cs[1] ?? cs[0]!;
  const variantRows = VARIANTS.filter((v) => results[v.id]);
  /** The default server measured in the same rounds as the variant. */
  const pairedBase = (v: Contender, n: number) =>
    paired[v.id]?.base.find((m) => m.concurrency === n);
  if (variantRows.length > 0) {
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
          return [
            `c=${n}`,
            round(m?.turnsPerSec, 1),
            pct(ratio(m?.turnsPerSec, pairedBase(v, n)?.turnsPerSec)),
            pct(ratio(m?.turnsPerSec, at(results, 'sdk', n)?.turnsPerSec)),
            round(m?.cpuMsPerTurn, 2),
            round(m?.firstDeltaP50, 1),
          ];
        }),
        note: 'Every bench turn asks the same question, so in the default runs the knowledge base answers every search after the first from its cache, as it does for a question visitors repeat. With the cache off every turn runs the whole search (query analysis, ranking, snippets): what a question nobody asked before costs.',
      });
    }
    out.push({
      title: `Ways of running the same servers, at c=${middle}`,
      columns: [
        'variant',
        'turns/s',
        'default, same rounds',
        'vs default',
        'CPU ms/turn (default)',
        'first delta p50, ms (default)',
      ],
      rows: variantRows.map((v) => {
        const m = at(results, v.id, middle);
        const base = pairedBase(v, middle);
        return [
          v.label,
          round(m?.turnsPerSec, 1),
          round(base?.turnsPerSec, 1),
          pct(ratio(m?.turnsPerSec, base?.turnsPerSec)),
          `${round(m?.cpuMsPerTurn, 2) ?? '–'} (${round(base?.cpuMsPerTurn, 2) ?? '–'})`,
          `${round(m?.firstDeltaP50, 1) ?? '–'} (${round(base?.firstDeltaP50, 1) ?? '–'})`,
        ];
      }),
      note: `Each variant runs in its own process next to a fresh process of its default ((b) or (c) as in the tables above), both started and warmed up together and then measured in ${p.variantRounds} interleaved rounds; "vs default" compares the two. Defaults: one OpenAI client, one set of agents and one Runner per process, tracing off, Responses API; Parley on a SQLite file with its request log at info.`,
    });
  }
  return out;
}

function fmt(value: number | undefined): string {
  return value === undefined ? '–' : value.toFixed(2);
}

/** A ratio as a whole percentage ("96 %"). */
function pct(value: number | undefined): string | undefined {
  return value === undefined ? undefined : `${(value * 100).toFixed(0)} %`;
}

/** How many milliseconds `a`'s time to first delta (p50) adds to `b`'s. */
function firstDeltaAddedMs(
  a: TurnMeasurement | undefined,
  b: TurnMeasurement | undefined,
): number | undefined {
  return a?.firstDeltaP50 === undefined || b?.firstDeltaP50 === undefined
    ? undefined
    : round(a.firstDeltaP50 - b.firstDeltaP50, 1);
}

/** The lowest and highest ratio of `a` to `b` over rounds measured side by side. */
function roundRange(a: TurnMeasurement | undefined, b: TurnMeasurement | undefined): string {
  const ratios = (a?.roundTurnsPerSec ?? []).flatMap((value, i) => {
    const r = ratio(value, b?.roundTurnsPerSec?.[i]);
    return r === undefined ? [] : [r];
  });
  if (ratios.length === 0) return '–';
  return `${pct(Math.min(...ratios))} – ${pct(Math.max(...ratios))}`;
}
