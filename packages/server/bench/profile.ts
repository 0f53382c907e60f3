/**
 * Where a turn's CPU goes. Each server is profiled with V8's sampling CPU profiler (the one
 * `--cpu-prof` uses) over a steady window of turns at c=16, start-up and warm-up excluded, and
 * the self time is charged to packages and areas (see lib/cpuprofile.ts). Profiles are kept in
 * the temp folder for Chrome DevTools or `bench/profile-summary.ts`.
 */
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  inclusiveByUrl,
  type ProfileSummary,
  readProfile,
  summariseProfile,
} from './lib/cpuprofile.js';
import { control } from './lib/load.js';
import type { SectionOptions, SectionResult } from './lib/section.js';
import { measureTurns, type ServerKind, startFakeModel, startServer } from './lib/servers.js';
import { round } from './lib/stats.js';
import type { Table } from './lib/table.js';
import { FULL_TIMING } from './turn-cost.js';

const KINDS: ServerKind[] = ['bare', 'sdk', 'parley'];
/** Parts of a Parley turn, by the source files they live in (inclusive of what they call). */
const PARLEY_PARTS: Record<string, RegExp> = {
  'knowledge-base search (search_knowledge_base tool)': /\/src\/knowledge\//,
  'session store (memory store, StoreSession, history window)': /\/src\/sessions\//,
  'SSE writing (http/sse.ts)': /\/src\/http\/sse\.ts/,
  'turn observer, metrics, request log':
    /\/src\/(observability|chat\/turn-observer)|\/node_modules\/(pino|pino-http|prom-client)\//,
  'security headers, CORS, origin check':
    /\/src\/http\/(security-headers|origin-policy)|\/node_modules\/(helmet|cors)\//,
  'input guardrail': /\/src\/agent\/guardrails\//,
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

export async function profile(options: SectionOptions): Promise<SectionResult> {
  mkdirSync(PROFILE_DIR, { recursive: true });
  const fake = await startFakeModel(
    options.smoke ? { firstTokenMs: 2, deltaMs: 1, deltas: 5 } : FULL_TIMING,
  );
  const summaries: Partial<
    Record<
      ServerKind,
      { summary: ProfileSummary; turns: number; cpuMsPerTurn: number; file: string }
    >
  > = {};
  let parts: ReturnType<typeof inclusiveByUrl> | undefined;
  try {
    for (const kind of options.smoke ? SMOKE_KINDS : KINDS) {
      const server = await startServer(kind, fake.modelUrl, { label: `${kind} (profiled)` });
      try {
        await measureTurns(server, {
          concurrency: options.smoke ? 2 : 16,
          maxRequests: options.smoke ? 2 : 400,
          durationMs: 4000,
        });
        await control(server.url, 'profile-start');
        const m = await measureTurns(server, {
          concurrency: options.smoke ? 2 : 16,
          maxRequests: options.smoke ? 4 : 20_000,
          durationMs: options.smoke ? 3000 : 10_000,
        });
        const file = join(PROFILE_DIR, `${kind}.cpuprofile`);
        await control(server.url, 'profile-stop', { file });
        const raw = readProfile(file);
        const summary = summariseProfile(raw);
        summaries[kind] = { summary, turns: m.completed, cpuMsPerTurn: m.cpuMsPerTurn ?? 0, file };
        if (kind === 'parley') parts = inclusiveByUrl(raw, PARLEY_PARTS, SELF_ONLY_PARTS);
        options.log(
          `profile ${kind}: ${m.completed} turns, ${summary.totalMs.toFixed(0)} ms busy → ${file}`,
        );
      } finally {
        await server.stop();
      }
    }
  } finally {
    await fake.stop();
  }

  const kinds = KINDS.filter((k) => summaries[k]);
  const parleySummary = summaries.parley?.summary;
  if (!parleySummary) throw new Error('Parley was not profiled');
  // Samples measure wall time between ticks, which on shared cores includes time the process
  // was not running; so shares come from the profile and milliseconds from the process's own CPU
  // time over the same window.
  const perTurn = (kind: ServerKind, ms: number | undefined) => {
    const s = summaries[kind];
    return ms === undefined || !s?.summary.totalMs
      ? undefined
      : round((ms / s.summary.totalMs) * s.cpuMsPerTurn, 3);
  };
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
  const diff = (c: number | undefined, b: number | undefined) =>
    c === undefined || b === undefined ? undefined : round(c - b, 3);
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
  return {
    name: 'profile',
    title: 'Where a turn’s CPU goes',
    tables,
    data: Object.fromEntries(
      kinds.map((k) => {
        const { turns, file, summary } = summaries[k]!;
        return [
          k,
          {
            turns,
            file,
            totalMs: summary.totalMs,
            cpuMsPerTurn: summaries[k]!.cpuMsPerTurn,
            byArea: Object.fromEntries(summary.byArea),
            byPackage: Object.fromEntries(summary.byPackage),
            topFunctions: summary.topFunctions,
          },
        ];
      }),
    ),
  };
}
