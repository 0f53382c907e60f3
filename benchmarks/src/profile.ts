/**
 * Where a turn's CPU goes. Each server is profiled with V8's sampling CPU profiler (the one
 * `--cpu-prof` uses) over a steady window of turns at c=16, start-up and warm-up excluded, and
 * the self time is charged to packages and areas (see lib/cpuprofile.ts). Profiles are kept in
 * the temp folder for Chrome DevTools or `src/profile-summary.ts`.
 */
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { round } from '@parley/testkit/stats';
import {
  inclusiveByUrl,
  type ProfileSummary,
  readProfile,
  summariseProfile,
} from './lib/cpuprofile.js';
import { control } from './lib/load.js';
import type { SectionOptions, SectionResult } from './lib/section.js';
import {
  measureTurns,
  type ServerKind,
  startFakeModel,
  startServer,
  type Visitor,
} from './lib/servers.js';
import type { Table } from './lib/table.js';
import { FULL_TIMING } from './turn-cost.js';

const KINDS: ServerKind[] = ['bare', 'sdk', 'parley'];
/** Parts of a Parley turn, by the source files they live in (inclusive of what they call). */
const PARLEY_PARTS: Record<string, RegExp> = {
  'knowledge-base search (search_knowledge_base tool)': /\/server\/dist\/knowledge\//,
  'store (Kysely, better-sqlite3, history window)':
    /\/server\/dist\/(store|chat\/history-window)|\/node_modules\/(kysely|better-sqlite3)\//,
  'turn locks, events (coordination)': /\/server\/dist\/(coordination|events)\//,
  'SSE writing (http/sse.js)': /\/server\/dist\/http\/sse\.js/,
  'turn observer, metrics, request log':
    /\/server\/dist\/(observability|chat\/turn-observer)|\/node_modules\/(pino|pino-http|prom-client|sonic-boom)\//,
  'security headers, CORS, origin check':
    /\/server\/dist\/http\/(security-headers|origin-policy)|\/node_modules\/(helmet|cors)\//,
  'input guardrail': /\/server\/dist\/agent\/guardrails\//,
  'circuit breaker (model wrapper)': /\/server\/dist\/agent\/models\/circuit-breaker/,
};

/**
 * Middleware calls the next one synchronously, so its stack holds everything after it: these
 * parts are counted by their own self time only.
 */
const SELF_ONLY_PARTS: ReadonlySet<string> = new Set([
  'turn observer, metrics, request log',
  'security headers, CORS, origin check',
]);

/** The smoke run profiles Parley alone: enough to check the profile is read and attributed. */
const SMOKE_KINDS: ServerKind[] = ['parley'];
const LABELS: Record<ServerKind, string> = {
  bare: '(a) bare',
  sdk: '(b) SDK',
  parley: '(c) Parley',
};

export const PROFILE_DIR = join(tmpdir(), 'parley-bench-profiles');

interface Profiled {
  summary: ProfileSummary;
  turns: number;
  cpuMsPerTurn: number;
  file: string;
  raw: ReturnType<typeof readProfile>;
}

/** Conversations that go on: the SDK floor keeping one in a Map, and Parley. Full runs only. */
const CONTINUING = [
  { id: 'sdk-continuing', kind: 'sdk', env: { BENCH_HISTORY: '1' }, label: '(b) SDK, continuing' },
  { id: 'parley-continuing', kind: 'parley', env: {}, label: '(c) Parley, continuing' },
] as const;

/** Warms a fresh server up, then profiles a steady window of turns at c=16. */
async function profileServer(
  kind: ServerKind,
  id: string,
  modelUrl: string,
  options: SectionOptions,
  setup: { env?: Record<string, string>; visitor?: Visitor } = {},
): Promise<Profiled> {
  const server = await startServer(kind, modelUrl, {
    label: `${id} (profiled)`,
    ...(setup.env ? { env: setup.env } : {}),
  });
  try {
    const load = { concurrency: options.smoke ? 2 : 16, visitor: setup.visitor ?? 'new' };
    await measureTurns(server, { ...load, maxRequests: options.smoke ? 2 : 400, durationMs: 4000 });
    await control(server.controlUrl, 'profile-start');
    const m = await measureTurns(server, {
      ...load,
      maxRequests: options.smoke ? 4 : 20_000,
      durationMs: options.smoke ? 3000 : 10_000,
    });
    const file = join(PROFILE_DIR, `${id}.cpuprofile`);
    await control(server.controlUrl, 'profile-stop', { file });
    const raw = readProfile(file);
    const summary = summariseProfile(raw);
    options.log(
      `profile ${id}: ${m.completed} turns, ${summary.totalMs.toFixed(0)} ms busy → ${file}`,
    );
    return { summary, turns: m.completed, cpuMsPerTurn: m.cpuMsPerTurn ?? 0, file, raw };
  } finally {
    await server.stop();
  }
}

export async function profile(options: SectionOptions): Promise<SectionResult> {
  mkdirSync(PROFILE_DIR, { recursive: true });
  const fake = await startFakeModel(
    options.smoke ? { firstTokenMs: 2, deltaMs: 1, deltas: 5 } : FULL_TIMING,
  );
  const summaries: Partial<Record<ServerKind, Profiled>> = {};
  const continuing: Partial<Record<(typeof CONTINUING)[number]['id'], Profiled>> = {};
  let parts: ReturnType<typeof inclusiveByUrl> | undefined;
  try {
    for (const kind of options.smoke ? SMOKE_KINDS : KINDS) {
      const profiled = await profileServer(kind, kind, fake.modelUrl, options);
      summaries[kind] = profiled;
      if (kind === 'parley') parts = inclusiveByUrl(profiled.raw, PARLEY_PARTS, SELF_ONLY_PARTS);
    }
    if (!options.smoke) {
      for (const c of CONTINUING) {
        continuing[c.id] = await profileServer(c.kind, c.id, fake.modelUrl, options, {
          env: c.env,
          visitor: 'continuing',
        });
      }
    }
  } finally {
    await fake.stop();
  }

  const kinds = KINDS.filter((k) => summaries[k]);
  const parleySummary = summaries.parley?.summary;
  if (!parleySummary) throw new Error('Parley was not profiled');
  const perTurn = (kind: ServerKind, ms: number | undefined) => msPerTurn(summaries[kind], ms);
  const keys = (pick: (s: ProfileSummary) => Map<string, number>, limit: number) => {
    const parley = [...pick(parleySummary).keys()];
    const rest = kinds.flatMap((k) => [...pick(summaries[k]!.summary).keys()]);
    return [...new Set([...parley, ...rest])].slice(0, limit);
  };
  const columns = (first: string) => [
    first,
    ...KINDS.map((k) => `${LABELS[k]} ms/turn`),
    '(c) − (b)',
  ];
  const value = (k: ServerKind, name: string, pick: (s: ProfileSummary) => Map<string, number>) => {
    const summary = summaries[k]?.summary;
    return summary ? perTurn(k, pick(summary).get(name) ?? 0) : undefined;
  };
  const row = (name: string, pick: (s: ProfileSummary) => Map<string, number>) => {
    const values = KINDS.map((k) => value(k, name, pick));
    const [, sdk, parley] = values;
    return [name, ...values, diff(parley, sdk)];
  };
  const total = (k: ServerKind) => perTurn(k, summaries[k]?.summary.totalMs);
  const tables: Table[] = [
    {
      title: 'CPU per turn by area (self time, profiled at c=16)',
      columns: columns('area'),
      rows: [
        ...keys((s) => s.byArea, 20).map((name) => row(name, (s) => s.byArea)),
        ['total (process CPU per turn)', ...KINDS.map(total), diff(total('parley'), total('sdk'))],
      ],
      note: "Self time of each sampled frame, charged to the package its script belongs to; V8 built-ins (JSON, RegExp, structuredClone…) go to the nearest caller with a script. Each area's share of the samples times the process's measured CPU per turn in the same window (profiler on, interval 0.5 ms, so totals run higher than in the throughput table).",
    },
    {
      title: 'CPU per turn by package (top 20)',
      columns: columns('package'),
      rows: keys((s) => s.byPackage, 20).map((name) => row(name, (s) => s.byPackage)),
    },
    {
      title: "Parley's own parts of a turn",
      columns: ['part', 'ms/turn', 'share of the turn'],
      rows: [...(parts?.byLabel ?? [])].map(([label, ms]) => [
        label,
        perTurn('parley', (ms / (parts?.totalMs || 1)) * parleySummary.totalMs),
        `${((ms / (parts?.totalMs || 1)) * 100).toFixed(1)} %`,
      ]),
      note: 'Inclusive time (every sample whose stack passes through the named files, so the Node and library work they cause counts too), except the two middleware rows (observer/metrics/log, headers/CORS/origin), which count their own frames only: Express middleware has the rest of the request on its stack.',
    },
    {
      title: 'Hottest functions in Parley (self time)',
      columns: ['function', 'where', 'package', 'ms/turn'],
      rows: parleySummary.topFunctions.map((f) => [
        f.name,
        f.where,
        f.pkg,
        perTurn('parley', f.ms),
      ]),
    },
  ];
  tables.push(...continuingTables(continuing, summaries.sdk));
  const profiled: Array<[string, Profiled]> = [
    ...kinds.map((k): [string, Profiled] => [k, summaries[k]!]),
    ...Object.entries(continuing),
  ];
  return {
    name: 'profile',
    title: 'Where a turn’s CPU goes',
    tables,
    data: Object.fromEntries(
      profiled.map(([k, { turns, file, summary, cpuMsPerTurn }]) => {
        return [
          k,
          {
            turns,
            file,
            totalMs: summary.totalMs,
            cpuMsPerTurn,
            byArea: Object.fromEntries(summary.byArea),
            byPackage: Object.fromEntries(summary.byPackage),
            topFunctions: summary.topFunctions,
          },
        ];
      }),
    ),
  };
}

/** `a` − `b` in ms per turn, when both were measured. */
function diff(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined || b === undefined ? undefined : round(a - b, 3);
}

/**
 * Milliseconds of CPU per turn for part of a profile's busy time. Samples measure wall time
 * between ticks, which on shared cores includes time the process was not running; so shares come
 * from the profile and milliseconds from the process's own CPU time over the same window.
 */
function msPerTurn(p: Profiled | undefined, ms: number | undefined): number | undefined {
  return p && ms !== undefined && p.summary.totalMs
    ? round((ms / p.summary.totalMs) * p.cpuMsPerTurn, 3)
    : undefined;
}

/**
 * Where a continuing conversation's extra CPU goes, Parley against the SDK floor that keeps one
 * (both carry the same history window into every model call), next to the floor without history.
 */
function continuingTables(
  continuing: Partial<Record<(typeof CONTINUING)[number]['id'], Profiled>>,
  sdkNew: Profiled | undefined,
): Table[] {
  const sdk = continuing['sdk-continuing'];
  const parley = continuing['parley-continuing'];
  if (!sdk || !parley) return [];
  const areas = [...new Set([...sdk.summary.byArea.keys(), ...parley.summary.byArea.keys()])];
  const area = (p: Profiled | undefined, name: string) =>
    msPerTurn(p, p?.summary.byArea.get(name) ?? 0);
  const total = (p: Profiled | undefined) => msPerTurn(p, p?.summary.totalMs);
  return [
    {
      title: 'Continuing conversations: CPU per turn by area (profiled at c=16)',
      columns: [
        'area',
        '(b) SDK, new visitor',
        '(b) SDK, continuing',
        '(c) Parley, continuing',
        '(c) − (b), continuing',
      ],
      rows: [
        ...areas.map((name) => [
          name,
          area(sdkNew, name),
          area(sdk, name),
          area(parley, name),
          diff(area(parley, name), area(sdk, name)),
        ]),
        [
          'total (process CPU per turn)',
          total(sdkNew),
          total(sdk),
          total(parley),
          diff(total(parley), total(sdk)),
        ],
      ],
      note: 'Each worker continues its own conversation for the whole window, so the model input carries a growing history, up to the 60-item window. (b) continuing is the minimal SDK server keeping each conversation in a Map with the same window; attribution as in the first table.',
    },
    {
      title: 'Hottest functions, (b) SDK server with a continuing conversation (self time)',
      columns: ['function', 'where', 'package', 'ms/turn'],
      rows: sdk.summary.topFunctions
        .slice(0, 10)
        .map((f) => [f.name, f.where, f.pkg, msPerTurn(sdk, f.ms)]),
    },
  ];
}
