/**
 * Scale on one process. Open streams: many visitors at once against a slow fake model, so every
 * stream stays open for seconds; the server's event-loop delay, RSS and heap tell what each open
 * stream costs. Idle sessions: memory (heap) per session in the memory store, bytes per session
 * in SQLite and in Redis.
 */
import { statSync } from 'node:fs';
import type { StoreKind } from '../src/sessions/store.js';
import type { ServerStats } from './floors/hooks.js';
import { collectGarbage } from './lib/gc.js';
import { control, runLoad } from './lib/load.js';
import type { SectionOptions, SectionResult } from './lib/section.js';
import { type FakeTiming, type ServerKind, startFakeModel, startServer } from './lib/servers.js';
import { round } from './lib/stats.js';
import { openBenchStore, plantSession } from './lib/stores.js';
import type { Table } from './lib/table.js';
import { BENCH_MESSAGE } from './floors/fake-model.constants.js';

const MB = 2 ** 20;

interface StreamsResult {
  server: ServerKind;
  streams: number;
  completed: number;
  failed: number;
  /** Streams open when the mid-run sample was taken. */
  openAtSample: number;
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
  baselineRssMb: number;
  peakRssMb: number;
  rssPerStreamKb: number;
  heapPerStreamKb: number;
  errors: string[];
}

async function openStreams(
  server: ServerKind,
  streams: number,
  timing: FakeTiming,
  options: SectionOptions,
): Promise<StreamsResult> {
  const fake = await startFakeModel(timing);
  const child = await startServer(server, fake.modelUrl, { label: `${server} (streams)` });
  try {
    const chat = (concurrency: number, count: number) =>
      runLoad({
        url: child.url,
        concurrency,
        maxRequests: count,
        durationMs: 120_000,
        makeRequest: () => ({
          path: '/api/chat',
          body: JSON.stringify({ message: BENCH_MESSAGE }),
          headers: { origin: child.url },
        }),
      });
    await chat(Math.min(50, streams), Math.min(100, streams));
    await control(child.url, 'gc');
    const baseline = await control<ServerStats>(child.url, 'stats');
    await control(child.url, 'reset');

    // Sample while the streams are open: peak RSS, and once, mid-run, heap after a full GC.
    let peakRss = baseline.rss;
    let sample: ServerStats | undefined;
    const started = Date.now();
    const midRunMs = timing.firstTokenMs * 2 + timing.deltaMs * 8;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        await new Promise((r) => setTimeout(r, 250));
        if (!sampling) break;
        const stats = await control<ServerStats>(child.url, 'stats');
        peakRss = Math.max(peakRss, stats.rss);
        if (!sample && Date.now() - started >= midRunMs) {
          await control(child.url, 'gc');
          sample = await control<ServerStats>(child.url, 'stats');
        }
      }
    })();
    const load = await chat(streams, streams);
    sampling = false;
    await sampler;
    const end = await control<ServerStats>(child.url, 'stats');
    const mid = sample ?? end;
    const result: StreamsResult = {
      server,
      streams,
      completed: load.completed,
      failed: load.failed,
      openAtSample: mid.inFlight,
      loopDelayP99Ms: end.loopDelay.p99,
      loopDelayMaxMs: end.loopDelay.max,
      baselineRssMb: baseline.rss / MB,
      peakRssMb: peakRss / MB,
      rssPerStreamKb: (peakRss - baseline.rss) / 1024 / streams,
      heapPerStreamKb:
        mid.inFlight > 0 ? (mid.heapUsed - baseline.heapUsed) / 1024 / mid.inFlight : Number.NaN,
      errors: load.errors,
    };
    options.log(
      `scale ${server}: ${streams} streams, ${result.openAtSample} open at sample, loop p99 ` +
        `${result.loopDelayP99Ms.toFixed(1)} ms, ${result.rssPerStreamKb.toFixed(1)} KiB RSS/stream` +
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
  if ('unavailable' in opened) return { kind, sessions, measure: '', unavailable: opened.unavailable };
  try {
    const ids = Array.from({ length: sessions }, (_, i) => `idle_${kind}_${i.toString().padStart(6, '0')}`);
    // One planted session first, so one-off costs (tables, indexes, first allocation) are outside.
    await plantSession(opened.store, 'idle_first', 1);
    if (kind === 'memory') {
      collectGarbage();
      const before = process.memoryUsage().heapUsed;
      for (const id of ids) await plantSession(opened.store, id, 1);
      collectGarbage();
      const after = process.memoryUsage().heapUsed;
      return { kind, sessions, bytesPerSession: (after - before) / sessions, measure: 'V8 heap after GC' };
    }
    if (kind === 'redis') {
      const before = await opened.redis!.usedMemory();
      for (const id of ids) await plantSession(opened.store, id, 1);
      const after = await opened.redis!.usedMemory();
      return { kind, sessions, bytesPerSession: (after - before) / sessions, measure: 'INFO used_memory' };
    }
    const size = () => fileSize(opened.sqlitePath!) + fileSize(`${opened.sqlitePath}-wal`);
    const before = size();
    for (const id of ids) await plantSession(opened.store, id, 1);
    await opened.store.close();
    // Closing checkpoints the WAL into the file; the file is what the sessions cost on disk.
    const after = fileSize(opened.sqlitePath!);
    return { kind, sessions, bytesPerSession: (after - before) / sessions, measure: 'database file size' };
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
  const timing: FakeTiming = options.smoke
    ? { firstTokenMs: 100, deltaMs: 20, deltas: 5 }
    : { firstTokenMs: 1000, deltaMs: 250, deltas: 20 };
  const servers: ServerKind[] = options.smoke ? ['parley'] : ['parley', 'sdk'];
  const streamResults: StreamsResult[] = [];
  for (const server of servers) streamResults.push(await openStreams(server, streams, timing, options));

  const idleCount = options.smoke ? 200 : 10_000;
  const idle: IdleResult[] = [];
  for (const kind of ['memory', 'sqlite', 'redis'] as const) {
    idle.push(await idleSessions(kind, idleCount));
    options.log(`scale idle ${kind}: ${idle.at(-1)?.bytesPerSession?.toFixed(0) ?? idle.at(-1)?.unavailable} bytes/session`);
  }

  const label = (s: ServerKind) => (s === 'parley' ? 'Parley' : s === 'sdk' ? '(b) minimal SDK server' : '(a) bare proxy');
  const tables: Table[] = [
    {
      title: `${streams.toLocaleString('en-US')} concurrent open streams on one process`,
      columns: [
        'server',
        'completed / failed',
        'open at sample',
        'event-loop delay p99 / max, ms',
        'RSS idle → peak, MiB',
        'RSS per stream, KiB',
        'heap per open stream, KiB',
      ],
      rows: streamResults.map((r) => [
        label(r.server),
        `${r.completed} / ${r.failed}`,
        r.openAtSample,
        `${r.loopDelayP99Ms.toFixed(1)} / ${r.loopDelayMaxMs.toFixed(1)}`,
        `${r.baselineRssMb.toFixed(0)} → ${r.peakRssMb.toFixed(0)}`,
        round(r.rssPerStreamKb, 1),
        round(r.heapPerStreamKb, 1),
      ]),
      note: `All streams start at once (a new visitor each) against a slow fake model: ${timing.firstTokenMs} ms to first token, deltas ${timing.deltaMs} ms apart, a tool call then ${timing.deltas} deltas, so each stream stays open about ${((timing.firstTokenMs * 2 + timing.deltaMs * (timing.deltas + 2)) / 1000).toFixed(1)} s. Loop delay is over the whole run; heap per open stream is measured mid-run after a full GC.`,
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
  return { name: 'scale', title: 'Scale on one process', tables, data: { streams, timing, streamResults, idle } };
}
