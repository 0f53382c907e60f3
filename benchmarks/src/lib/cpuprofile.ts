import { readFileSync } from 'node:fs';

/** The parts of a V8 `.cpuprofile` (from --cpu-prof or the inspector) that attribution needs. */
export interface CpuProfile {
  nodes: Array<{
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    children?: number[];
  }>;
  samples: number[];
  timeDeltas: number[];
}

/** Where self time went: by package (or Node subsystem), by broad area, and the hottest functions. */
export interface ProfileSummary {
  totalMs: number;
  byPackage: Map<string, number>;
  byArea: Map<string, number>;
  topFunctions: Array<{ name: string; where: string; pkg: string; ms: number }>;
}

/**
 * The package (or Node subsystem) a script URL belongs to. Built-ins without a URL are charged to
 * the nearest caller that has one, see {@link summariseProfile}.
 */
export function packageOf(url: string): string {
  const nm = url.lastIndexOf('/node_modules/');
  if (nm !== -1) {
    const rest = url.slice(nm + '/node_modules/'.length).split('/');
    return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : (rest[0] ?? 'node_modules');
  }
  if (url.includes('/packages/server/')) return 'parley (server)';
  if (url.includes('/packages/shared/')) return '@parley/shared';
  if (url.includes('/benchmarks/src/') || url.includes('/packages/testkit/'))
    return 'bench harness';
  if (url.startsWith('node:') || !url.includes('/')) return nodeSubsystem(url);
  return 'other';
}

function nodeSubsystem(url: string): string {
  const u = url.replace(/^node:/, '');
  if (u.includes('deps/undici')) return 'node: undici (fetch)';
  if (/_http_|internal\/http|^http$/.test(u)) return 'node: http';
  if (/^net$|internal\/net|stream_base_commons|^tls$|internal\/tls/.test(u))
    return 'node: net/sockets';
  if (/internal\/streams|internal\/webstreams|^stream/.test(u)) return 'node: streams';
  if (/timers/.test(u)) return 'node: timers';
  if (/task_queues|promise|internal\/process/.test(u)) return 'node: microtasks/process';
  if (/async_hooks|async_local_storage|async_context/.test(u)) return 'node: async context';
  if (/^events$|internal\/event_target/.test(u)) return 'node: events';
  if (/buffer|encoding|internal\/util/.test(u)) return 'node: buffer/encoding/util';
  if (/abort_controller/.test(u)) return 'node: AbortSignal';
  if (/crypto/.test(u)) return 'node: crypto';
  if (/internal\/url|^url$/.test(u)) return 'node: url';
  if (/structured_clone|worker|messaging/.test(u)) return 'node: structuredClone';
  return u === '' ? 'V8 built-ins' : 'node: other';
}

/** Broad areas the performance page talks about. */
export function areaOf(pkg: string): string {
  if (pkg === 'GC') return 'garbage collection';
  if (pkg === '(program)' || pkg === 'V8 built-ins') return 'V8 / native (unattributed)';
  if (pkg === '@openai/agents-core') return 'Agents SDK run loop (agents-core)';
  if (pkg === '@openai/agents-openai') return 'Agents SDK OpenAI provider (agents-openai)';
  if (pkg === 'openai') return 'openai client';
  if (pkg === 'zod') return 'zod';
  if (pkg === 'parley (server)' || pkg === '@parley/shared') return "Parley's own code";
  if (pkg === 'kysely' || pkg === 'better-sqlite3' || pkg === 'pg')
    return 'store (Kysely + driver)';
  if (pkg === 'pino' || pkg === 'pino-http' || pkg === 'sonic-boom') return 'request log (pino)';
  if (
    pkg === 'node: http' ||
    pkg === 'node: net/sockets' ||
    pkg === 'node: undici (fetch)' ||
    [
      'express',
      'router',
      'body-parser',
      'raw-body',
      'finalhandler',
      'send',
      'on-finished',
      'cors',
      'helmet',
      'type-is',
      'content-type',
      'iconv-lite',
      'qs',
      'cookie',
      'path-to-regexp',
    ].includes(pkg)
  ) {
    return 'HTTP (node http, undici fetch, Express)';
  }
  if (pkg === 'node: streams') return 'streams (node + web streams)';
  if (pkg.startsWith('node: ')) return 'other Node internals (timers, promises, events, …)';
  if (pkg === 'tsx' || pkg === 'esbuild' || pkg === 'bench harness') return 'bench harness';
  return 'other packages';
}

/**
 * Self time per package and area. Samples on a frame without a URL (a V8 built-in such as
 * JSON.stringify, or a native getter) are charged to the closest ancestor frame that has one, so
 * "openai" includes the JSON parsing it asks for; (garbage collector) and (program) stay apart.
 */
export function summariseProfile(profile: CpuProfile, topN = 15): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parent.set(child, node.id);
  const selfUs = new Map<number, number>();
  // A sample lasts until the next one (as DevTools counts it); the first delta is only the wait
  // between starting the profiler and the first sample.
  profile.samples.forEach((id, i) => {
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i + 1] ?? 0));
  });

  const ownerCache = new Map<number, string>();
  const ownerOf = (id: number): string => {
    const cached = ownerCache.get(id);
    if (cached) return cached;
    const node = byId.get(id);
    let owner: string;
    const fn = node?.callFrame.functionName ?? '';
    if (fn === '(garbage collector)') owner = 'GC';
    else if (fn === '(program)') owner = '(program)';
    else if (fn === '(idle)') owner = '(idle)';
    else if (fn === '(root)') owner = '(root)';
    else if (node?.callFrame.url) owner = packageOf(node.callFrame.url);
    else {
      const up = parent.get(id);
      owner = up === undefined ? 'V8 built-ins' : ownerOf(up);
      if (owner === '(root)') owner = 'V8 built-ins';
    }
    ownerCache.set(id, owner);
    return owner;
  };

  const byPackage = new Map<string, number>();
  const byFunction = new Map<string, { name: string; where: string; pkg: string; ms: number }>();
  let totalMs = 0;
  for (const [id, us] of selfUs) {
    const pkg = ownerOf(id);
    if (pkg === '(idle)' || pkg === '(root)') continue;
    const ms = us / 1000;
    totalMs += ms;
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + ms);
    const frame = byId.get(id)!.callFrame;
    const file = frame.url.split('/').slice(-2).join('/');
    // Keyed by owner too: a native frame (`run`, `all`) is charged to whoever called it.
    const key = `${frame.functionName}|${frame.url}|${frame.lineNumber}|${pkg}`;
    const entry = byFunction.get(key) ?? {
      name: frame.functionName || '(anonymous)',
      where: file ? `${file}:${frame.lineNumber + 1}` : '(native)',
      pkg,
      ms: 0,
    };
    entry.ms += ms;
    byFunction.set(key, entry);
  }
  const byArea = new Map<string, number>();
  for (const [pkg, ms] of byPackage) byArea.set(areaOf(pkg), (byArea.get(areaOf(pkg)) ?? 0) + ms);
  const topFunctions = [...byFunction.values()].sort((a, b) => b.ms - a.ms).slice(0, topN);
  return { totalMs, byPackage: sortMap(byPackage), byArea: sortMap(byArea), topFunctions };
}

export function readProfile(file: string): CpuProfile {
  return JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
}

function sortMap(map: Map<string, number>): Map<string, number> {
  return new Map([...map].sort((a, b) => b[1] - a[1]));
}

/**
 * Inclusive time (self time of a frame and everything it called) of the frames whose script URL
 * matches each pattern, counted once per sample, plus the busy total they are shares of.
 */
export function inclusiveByUrl(
  profile: CpuProfile,
  patterns: Record<string, RegExp>,
  /** Labels counted by self time only (the sampled frame, or the script frame a built-in ran for). */
  selfOnly: ReadonlySet<string> = new Set(),
): { totalMs: number; byLabel: Map<string, number> } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parent.set(child, node.id);
  const labelsCache = new Map<number, Set<string>>();
  const labelsOf = (id: number): Set<string> => {
    const cached = labelsCache.get(id);
    if (cached) return cached;
    const up = parent.get(id);
    const labels = new Set(up === undefined ? [] : labelsOf(up));
    const url = byId.get(id)?.callFrame.url ?? '';
    for (const [label, pattern] of Object.entries(patterns)) {
      if (!selfOnly.has(label) && pattern.test(url)) labels.add(label);
    }
    labelsCache.set(id, labels);
    return labels;
  };
  /** The URL a sample's self time belongs to: its frame's, or the nearest caller's with one. */
  const ownerUrl = (id: number): string => {
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const url = byId.get(at)?.callFrame.url;
      if (url) return url;
    }
    return '';
  };
  const byLabel = new Map<string, number>(Object.keys(patterns).map((k) => [k, 0]));
  let totalMs = 0;
  profile.samples.forEach((id, i) => {
    const fn = byId.get(id)?.callFrame.functionName;
    if (fn === '(idle)' || fn === '(root)') return;
    const ms = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    totalMs += ms;
    const labels = new Set(labelsOf(id));
    if (selfOnly.size > 0) {
      const url = ownerUrl(id);
      for (const label of selfOnly) if (patterns[label]?.test(url)) labels.add(label);
    }
    for (const label of labels) byLabel.set(label, (byLabel.get(label) ?? 0) + ms);
  });
  return { totalMs, byLabel };
}
