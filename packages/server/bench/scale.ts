/**
 * Scale on one process. Open streams: many visitors at once against a slow fake model, so every
 * stream stays open for seconds; the server's event-loop delay, RSS and heap tell what each open
 * stream costs. Idle sessions: memory (heap) per session in the memory store, bytes per session
 * in SQLite and in Redis.
 */
import { statSync } from 'node:fs';
import type { StoreKind } from '../src/sessions/store.js';
import { BENCH_MESSAGE } from './floors/fake-model.constants.js';
import type { ServerStats } from './floors/hooks.js';
import { collectGarbage } from './lib/gc.js';
import { control, runLoad } from './lib/load.js';
import type { SectionOptions, SectionResult } from './lib/section.js';
import { type FakeTiming, type ServerKind, startFakeModel, startServer } from './lib/servers.js';
import { round } from './lib/stats.js';
import { openBenchStore, plantSession } from './lib/stores.js';
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
    await control(child.url, 'gc');
    const baseline = await control<ServerStats>(child.url, 'stats');
    await control(child.url, 'reset');

    let peakOpen = 0;
    let ramp: ServerStats | undefined;
    let open: ServerStats | undefined;
    let openGc: ServerStats | undefined;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        await new Promise((r) => setTimeout(r, 250));
        if (!sampling) break;
        const stats = await control<ServerStats>(child.url, 'stats');
        peakOpen = Math.max(peakOpen, stats.inFlight);
        if (!ramp && stats.inFlight >= streams) {
          // Everyone is in: close the ramp's books and watch the plateau on a fresh histogram.
          ramp = stats;
          await control(child.url, 'reset');
          await new Promise((r) => setTimeout(r, plateauMs));
          open = await control<ServerStats>(child.url, 'stats');
          await control(child.url, 'gc');
          openGc = await control<ServerStats>(child.url, 'stats');
        }
      }
    })();
    const load = await chat(streams, streams, rampMs / streams);
    sampling = false;
    await sampler;
    const end = await control<ServerStats>(child.url, 'stats');
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
  kind: StoreKind;
  sessions: number;
  bytesPerSession?: number;
  measure: string;
  unavailable?: string;
}

async function idleSessions(kind: StoreKind, sessions: number): Promise<IdleResult> {
  const opened = await openBenchStore(kind);
  if ('unavailable' in opened)
    return { kind, sessions, measure: '', unavailable: opened.unavailable };
  try {
    const ids = Array.from(
      { length: sessions },
      (_, i) => `idle_${kind}_${i.toString().padStart(6, '0')}`,
    );
    // One planted session first, so one-off costs (tables, indexes, first allocation) are outside.
    await plantSession(opened.store, 'idle_first', 1);
    if (kind === 'memory') {
      collectGarbage();
      const before = process.memoryUsage().heapUsed;
      for (const id of ids) await plantSession(opened.store, id, 1);
      collectGarbage();
      const after = process.memoryUsage().heapUsed;
      return {
        kind,
        sessions,
        bytesPerSession: (after - before) / sessions,
        measure: 'V8 heap after GC',
      };
    }
    if (kind === 'redis') {
      const before = await opened.redis!.usedMemory();
      for (const id of ids) await plantSession(opened.store, id, 1);
      const after = await opened.redis!.usedMemory();
      return {
        kind,
        sessions,
        bytesPerSession: (after - before) / sessions,
        measure: 'INFO used_memory',
      };
    }
    const size = () => fileSize(opened.sqlitePath!) + fileSize(`${opened.sqlitePath}-wal`);
    const before = size();
    for (const id of ids) await plantSession(opened.store, id, 1);
    await opened.store.close();
    // Closing checkpoints the WAL into the file; the file is what the sessions cost on disk.
    const after = fileSize(opened.sqlitePath!);
    return {
      kind,
      sessions,
      bytesPerSession: (after - before) / sessions,
      measure: 'database file size',
    };
  } finally {
    await opened.close().catch(() => {});
  }
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
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

  const idleCount = options.smoke ? 200 : 10_000;
  const idle: IdleResult[] = [];
  for (const kind of ['memory', 'sqlite', 'redis'] as const) {
    idle.push(await idleSessions(kind, idleCount));
    options.log(
      `scale idle ${kind}: ${idle.at(-1)?.bytesPerSession?.toFixed(0) ?? idle.at(-1)?.unavailable} bytes/session`,
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
      title: `${idleCount.toLocaleString('en-US')} idle sessions`,
      columns: ['store', 'bytes per session', 'measured as'],
      rows: idle.map((r) => [
        r.kind,
        r.unavailable ? `not measured: ${r.unavailable}` : round(r.bytesPerSession, 0),
        r.measure,
      ]),
      note: 'Each session holds one finished turn: 4 model items (question, tool call, a ~1.2 KB tool output, answer) and 2 transcript messages.',
    },
  ];
  return {
    name: 'scale',
    title: 'Scale on one process',
    tables,
    data: { streams, timing, streamResults, idle },
  };
}
