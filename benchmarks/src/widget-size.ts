/**
 * Widget weight: raw, gzip (level 9) and brotli (max quality) bytes of Parley's script-tag build
 * next to the files a page loads to embed other chat widgets, read from their published npm
 * packages (dependencies of the benchmarks package only). A package that is not installed is
 * reported as such.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { WIDGET_FILE } from './host-page.js';
import type { SectionOptions, SectionResult } from './lib/section.js';
import { BENCH_ROOT } from './lib/spawn.js';
import type { Table } from './lib/table.js';

interface Competitor {
  name: string;
  /** How the row is labelled when one package has several embeds. */
  label?: string;
  /** The files a script-tag embed loads, in order of preference per slot; first match wins. */
  entry: string[];
  /** Files needed besides the entry (a stylesheet the docs tell you to link). */
  extra?: string[];
  how: string;
}

/**
 * Where each package keeps its browser bundle. When none of the candidates exists the package's
 * own `unpkg` / `jsdelivr` / `browser` field (what CDNs serve for a bare script tag) decides.
 */
const COMPETITORS: Competitor[] = [
  {
    name: 'deep-chat',
    entry: ['dist/deepChat.bundle.js', 'dist/deepChat.js'],
    how: 'the bundled web component',
  },
  {
    name: 'flowise-embed',
    entry: ['dist/web.js'],
    how: 'the web build its CDN snippet loads',
  },
  {
    name: '@n8n/chat',
    entry: ['dist/chat.bundle.es.js', 'dist/chat.bundle.umd.js'],
    extra: ['dist/style.css'],
    how: 'the ES bundle plus the stylesheet its CDN snippet links',
  },
  {
    name: 'botframework-webchat',
    entry: ['dist/webchat.js'],
    how: 'the full CDN bundle',
  },
  {
    name: 'botframework-webchat',
    label: 'botframework-webchat (minimal)',
    entry: ['dist/webchat-minimal.js'],
    how: 'the minimal CDN bundle',
  },
];

export interface SizeRow {
  name: string;
  version?: string;
  files: string[];
  raw?: number;
  gzip?: number;
  brotli?: number;
  missing?: string;
}

export function measureBytes(bytes: Buffer): { raw: number; gzip: number; brotli: number } {
  return {
    raw: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    brotli: brotliCompressSync(bytes, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
        [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
      },
    }).length,
  };
}

/**
 * Sizes of several files summed, each compressed on its own (as a browser fetches them). `rawOnly`
 * skips compression (brotli at quality 11 takes seconds on a multi-megabyte bundle).
 */
function measureFiles(
  paths: string[],
  rawOnly = false,
): { raw: number; gzip?: number; brotli?: number } {
  if (rawOnly) return { raw: paths.reduce((sum, path) => sum + statSync(path).size, 0) };
  const total = { raw: 0, gzip: 0, brotli: 0 };
  for (const path of paths) {
    const m = measureBytes(readFileSync(path));
    total.raw += m.raw;
    total.gzip += m.gzip;
    total.brotli += m.brotli;
  }
  return total;
}

const require = createRequire(import.meta.url);

function packageRoot(
  name: string,
): { root: string; manifest: Record<string, unknown> } | undefined {
  try {
    const manifestPath = require.resolve(`${name}/package.json`);
    return {
      root: dirname(manifestPath),
      manifest: JSON.parse(readFileSync(manifestPath, 'utf8')),
    };
  } catch {
    // Packages whose exports map hides package.json: walk node_modules folders upwards.
    for (let dir = BENCH_ROOT; dir !== dirname(dir); dir = dirname(dir)) {
      const candidate = join(dir, 'node_modules', name, 'package.json');
      if (existsSync(candidate)) {
        return { root: dirname(candidate), manifest: JSON.parse(readFileSync(candidate, 'utf8')) };
      }
    }
    return undefined;
  }
}

function competitorRow(c: Competitor, rawOnly: boolean): SizeRow {
  const name = c.label ?? c.name;
  const pkg = packageRoot(c.name);
  if (!pkg) return { name, files: [], missing: 'not installed' };
  const cdnField = ['unpkg', 'jsdelivr', 'browser']
    .map((field) => pkg.manifest[field])
    .find((v): v is string => typeof v === 'string');
  const entry =
    c.entry.find((file) => existsSync(join(pkg.root, file))) ??
    (cdnField && existsSync(join(pkg.root, cdnField)) ? cdnField : undefined);
  if (!entry) {
    return {
      name,
      files: [],
      missing: `no bundle found (looked for ${c.entry.join(', ')})`,
    };
  }
  const files = [entry, ...(c.extra ?? []).filter((f) => existsSync(join(pkg.root, f)))];
  return {
    name,
    version: String(pkg.manifest.version ?? ''),
    files,
    ...measureFiles(
      files.map((f) => join(pkg.root, f)),
      rawOnly,
    ),
  };
}

export async function widgetSize(options: SectionOptions): Promise<SectionResult> {
  const parley: SizeRow =
    WIDGET_FILE && existsSync(WIDGET_FILE)
      ? { name: 'Parley', files: ['dist/widget.js'], ...measureFiles([WIDGET_FILE]) }
      : {
          name: 'Parley',
          files: [],
          missing: 'packages/widget/dist/widget.js is not built (npm run build)',
        };
  // A smoke run compresses Parley's bundle only; the others' raw sizes show they were found.
  const rows = [parley, ...COMPETITORS.map((c) => competitorRow(c, options.smoke))];
  const kib = (n: number | undefined) =>
    n === undefined ? undefined : Math.round((n / 1024) * 10) / 10;
  const times = (n: number | undefined) =>
    n === undefined || parley.brotli === undefined
      ? undefined
      : `${(n / parley.brotli).toFixed(1)}×`;
  const table: Table = {
    title: 'Embeddable chat widgets: what a page downloads (KiB)',
    columns: ['widget', 'version', 'files', 'raw', 'gzip', 'brotli', 'brotli vs Parley'],
    rows: rows.map((r) => [
      r.name,
      r.version ?? '',
      r.missing ?? r.files.join(' + '),
      kib(r.raw),
      kib(r.gzip),
      kib(r.brotli),
      r === parley ? '1.0×' : times(r.brotli),
    ]),
    note: `gzip level 9 and brotli quality 11, each file compressed on its own; competitors' files are read from their published npm packages (${COMPETITORS.map((c) => `${c.label ?? c.name}: ${c.how}`).join('; ')}).`,
  };
  return { name: 'widget-size', title: 'Widget size', tables: [table], data: { rows } };
}
