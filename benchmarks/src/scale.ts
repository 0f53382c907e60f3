/**
 * Scale on one process. Open streams: many visitors at once against a slow fake model, so every
 * stream stays open for seconds; the server's event-loop delay, RSS and heap tell what each open
 * stream costs. Idle conversations: bytes per conversation in a SQLite file and in PostgreSQL.
 */
import { round } from '@parley/testkit/stats';
import { BENCH_MESSAGE } from './floors/fake-model.constants.js';
import type { ServerStats } from './floors/hooks.js';
import { control, runLoad } from './lib/load.js';
import type { SectionOptions, SectionResult } from './lib/section.js';
import { type FakeTiming, type ServerKind, startFakeModel, startServer } from './lib/servers.js';
import { type Backend, type BenchStore, openBenchStore, plantConversation } from './lib/stores.js';
import type { Table } from './lib/table.js';

const MB = 2 ** 20;

interface StreamsResult {
  server: ServerKind;
  streams: number;
  rampMs: number;
  completed: number;
  failed: number;
  /** Most streams seen open at once. */
  peakOpen: number;
  /** Event-loop delay while the streams were being opened (the ramp). */
  rampLoopDelay: { p99: number; max: number };
  /** Event-loop delay while all of them were open and streaming. */
  openLoopDelay: { p99: number; max: number } | undefined;
  baselineRssMb: number;
  openRssMb: number;
  rssPerStreamKb: number;
  heapPerStreamKb: number;
  errors: string[];
}

/**
 * Opens `streams` chat streams, one new visitor each, spread evenly over `rampMs` (a burst of a
 * thousand simultaneous turns measures burst CPU, not what open streams cost), against a model
 * slow enough that every stream is still open when the last one starts. Samples the server while
 * all are open: loop delay on a fresh histogram, then RSS and heap after a full GC.
 */
async function openStreams(
  server: ServerKind,
  streams: number,
  rampMs: number,
  timing: FakeTiming,
  options: SectionOptions,
  plateauMs: number,
): Promise<StreamsResult> {
  const fake = await startFakeModel(timing);
  const child = await startServer(server, fake.modelUrl, { label: `${server} (streams)` });
  try {
    const chat = (concurrency: number, count: number, staggerMs = 0) =>
      runLoad({
        url: child.url,
        concurrency,
        maxRequests: count,
        durationMs: 180_000,
        staggerMs,
        makeRequest: () => ({
          path: '/api/chat',
          body: JSON.stringify({ message: BENCH_MESSAGE }),
          headers: { origin: child.url },
        }),
      });
    await chat(Math.min(50, streams), options.smoke ? 4 : 100);
    await control(child.controlUrl, 'gc');
    const baseline = await control<ServerStats>(child.controlUrl, 'stats');
    await control(child.controlUrl, 'reset');

    let peakOpen = 0;
    let ramp: ServerStats | undefined;
    let open: ServerStats | undefined;
    let openGc: ServerStats | undefined;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        await new Promise((r) => setTimeout(r, 250));
        if (!sampling) break;
        const stats = await control<ServerStats>(child.controlUrl, 'stats');
        peakOpen = Math.max(peakOpen, stats.inFlight);
        if (!ramp && stats.inFlight >= streams) {
          // Everyone is in: close the ramp's books and watch the plateau on a fresh histogram.
          ramp = stats;
          await control(child.controlUrl, 'reset');
          await new Promise((r) => setTimeout(r, plateauMs));
          open = await control<ServerStats>(child.controlUrl, 'stats');
          await control(child.controlUrl, 'gc');
          openGc = await control<ServerStats>(child.controlUrl, 'stats');
        }
      }
    })();
    const load = await chat(streams, streams, rampMs / streams);
    sampling = false;
    await sampler;
    const end = await control<ServerStats>(child.controlUrl, 'stats');
    const rampStats = ramp ?? end;
    const held = openGc?.inFlight ?? 0;
    const result: StreamsResult = {
      server,
      streams,
      rampMs,
      completed: load.completed,
      failed: load.failed,
      peakOpen,
      rampLoopDelay: { p99: rampStats.loopDelay.p99, max: rampStats.loopDelay.max },
      openLoopDelay: open ? { p99: open.loopDelay.p99, max: open.loopDelay.max } : undefined,
      baselineRssMb: baseline.rss / MB,
      openRssMb: (open?.rss ?? end.rss) / MB,
      rssPerStreamKb:
        open && open.inFlight > 0 ? (open.rss - baseline.rss) / 1024 / open.inFlight : Number.NaN,
      heapPerStreamKb:
        openGc && held > 0 ? (openGc.heapUsed - baseline.heapUsed) / 1024 / held : Number.NaN,
      errors: load.errors,
    };
    options.log(
      `scale ${server}: ${streams} streams, peak ${peakOpen} open, loop p99 ramp ` +
        `${result.rampLoopDelay.p99.toFixed(1)} ms / open ${result.openLoopDelay?.p99.toFixed(1)} ms, ` +
        `${result.rssPerStreamKb.toFixed(1)} KiB RSS/stream` +
        (load.failed ? `, ${load.failed} failed: ${load.errors[0]}` : ''),
    );
    return result;
  } finally {
    await child.stop();
    await fake.stop();
  }
}

interface IdleResult {
  backend: Backend;
  sessions: number;
  bytesPerSession?: number;
  measure: string;
  unavailable?: string;
}

/** What a conversation holding one finished turn costs each durable backend. */
async function idleSessions(backend: Backend, sessions: number): Promise<IdleResult> {
  const opened = await openBenchStore(backend);
  if ('unavailable' in opened)
    return { backend, sessions, measure: '', unavailable: opened.unavailable };
  try {
    // One planted conversation first, so one-off costs (tables, first pages) are outside.
    await plantConversation(opened.store, 'idle_first', 1);
    const before = await sizeOf(backend, opened);
    for (let i = 0; i < sessions; i++) {
      await plantConversation(opened.store, `idle_${i.toString().padStart(6, '0')}`, 1);
    }
    const after = await opened.finalSizeBytes();
    return {
      backend,
      sessions,
      bytesPerSession: (after - before) / sessions,
      measure: backend === 'sqlite' ? 'database file size' : 'pg_database_size',
    };
  } finally {
    await opened.close().catch(() => {});
  }
}

/** The size before planting: PostgreSQL answers while open; a SQLite file is read as it is. */
async function sizeOf(backend: Backend, opened: BenchStore): Promise<number> {
  if (backend === 'postgres') {
    const row = await opened.store.context.db
      .selectNoFrom((eb) =>
        eb.fn<string>('pg_database_size', [eb.fn('current_database', [])]).as('size'),
      )
      .executeTakeFirstOrThrow();
    return Number(row.size);
  }
  return 0;
}

export async function scale(options: SectionOptions): Promise<SectionResult> {
  const streams = options.smoke ? 20 : 1000;
  const rampMs = options.smoke ? 100 : 20_000;
  // Every stream must outlive the ramp: a tool call (4 argument deltas), then the answer.
  const timing: FakeTiming = options.smoke
    ? { firstTokenMs: 300, deltaMs: 20, deltas: 5 }
    : { firstTokenMs: 8000, deltaMs: 500, deltas: 20 };
  const servers: ServerKind[] = options.smoke ? ['parley'] : ['parley', 'sdk'];
  const streamResults: StreamsResult[] = [];
  for (const server of servers) {
    const plateauMs = options.smoke ? 100 : 2000;
    streamResults.push(await openStreams(server, streams, rampMs, timing, options, plateauMs));
  }

  const idleCount = options.smoke ? 100 : 2_000;
  const idle: IdleResult[] = [];
  for (const backend of ['sqlite', 'postgres'] as const) {
    idle.push(await idleSessions(backend, idleCount));
    options.log(
      `scale idle ${backend}: ${idle.at(-1)?.bytesPerSession?.toFixed(0) ?? idle.at(-1)?.unavailable} bytes/conversation`,
    );
  }

  const label = (s: ServerKind) =>
    s === 'parley' ? 'Parley' : s === 'sdk' ? '(b) minimal SDK server' : '(a) bare proxy';
  const tables: Table[] = [
    {
      title: `${streams.toLocaleString('en-US')} concurrent open streams on one process`,
      columns: [
        'server',
        'completed / failed',
        'peak open',
        'loop delay p99 / max while opening, ms',
        'loop delay p99 / max, all open, ms',
        'RSS idle → all open, MiB',
        'RSS per open stream, KiB',
        'heap per open stream, KiB',
      ],
      rows: streamResults.map((r) => [
        label(r.server),
        `${r.completed} / ${r.failed}`,
        r.peakOpen,
        `${r.rampLoopDelay.p99.toFixed(1)} / ${r.rampLoopDelay.max.toFixed(1)}`,
        r.openLoopDelay
          ? `${r.openLoopDelay.p99.toFixed(1)} / ${r.openLoopDelay.max.toFixed(1)}`
          : 'never all open',
        `${r.baselineRssMb.toFixed(0)} → ${r.openRssMb.toFixed(0)}`,
        round(r.rssPerStreamKb, 1),
        round(r.heapPerStreamKb, 1),
      ]),
      note: `A new visitor every ${(rampMs / streams).toFixed(0)} ms until ${streams} streams are open, against a slow fake model (${timing.firstTokenMs} ms to first token, deltas ${timing.deltaMs} ms apart: a tool call, then ${timing.deltas} deltas), so each stream stays open about ${((timing.firstTokenMs * 2 + timing.deltaMs * (timing.deltas + 2)) / 1000).toFixed(0)} s and all are open at once for several seconds. "All open" is measured over a few seconds once every stream is in; heap per open stream after a full GC, against the idle heap after the same GC.`,
    },
    {
      title: `${idleCount.toLocaleString('en-US')} idle conversations`,
      columns: ['store', 'bytes per conversation', 'measured as'],
      rows: idle.map((r) => [
        r.backend === 'sqlite' ? 'SQLite file' : 'PostgreSQL',
        r.unavailable ? `not measured: ${r.unavailable}` : round(r.bytesPerSession, 0),
        r.measure,
      ]),
      note: 'Each conversation holds one finished turn: 4 model items (question, tool call, a ~1.2 KB tool output, answer) and 2 log messages. SQLite: the file after closing (the WAL checkpointed into it); PostgreSQL: the database size, tables, indexes and free space in their pages included.',
    },
  ];
  return {
    name: 'scale',
    title: 'Scale on one process',
    tables,
    data: { streams, timing, streamResults, idle },
  };
}
