import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { RequestHandler, Response } from 'express';

/** One built file, held in memory with its precompressed forms and a content hash. */
export interface WidgetFile {
  raw: Buffer;
  gzip: Buffer;
  brotli: Buffer;
  etag: string;
}

/**
 * The built widget: `widget.js`, plus the parts it imports on demand (`dist/widget/*.js`: the
 * Markdown renderer, the email form, the languages other than English), by file name.
 */
export interface WidgetAsset extends WidgetFile {
  parts: ReadonlyMap<string, WidgetFile>;
}

/** A part's file name: what `/widget/<name>` may ask for, so no request reaches another path. */
const PART_NAME = /^[a-z0-9][a-z0-9-]*\.js$/;

/** Where `npm run build` puts the widget: the `@parley/widget` package's `dist/widget.js`. */
export function resolveWidgetPath(): string | undefined {
  try {
    return createRequire(import.meta.url).resolve('@parley/widget/widget.js');
  } catch {
    return undefined;
  }
}

function loadFile(file: string): WidgetFile {
  const raw = readFileSync(file);
  return {
    raw,
    gzip: gzipSync(raw, { level: 9 }),
    brotli: brotliCompressSync(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
    etag: `"${createHash('sha256').update(raw).digest('base64url').slice(0, 27)}"`,
  };
}

/**
 * Reads `widget.js` and the parts beside it (`widget/*.js` next to the file) into memory. A build
 * without parts (an older widget) loads with none.
 *
 * @example
 * const widget = loadWidgetAsset(resolveWidgetPath()!);
 * widget.parts.get('markdown.js');
 */
export function loadWidgetAsset(file: string): WidgetAsset {
  const dir = join(dirname(file), 'widget');
  const names = existsSync(dir) ? readdirSync(dir).filter((name) => PART_NAME.test(name)) : [];
  return {
    ...loadFile(file),
    parts: new Map(names.map((name) => [name, loadFile(join(dir, name))])),
  };
}

/**
 * Sends one file: compressed ahead of time, validated by ETag. The URLs are unversioned (site
 * owners paste `widget.js` once, and it names its parts), so caches revalidate after five
 * minutes instead of holding an old widget for days.
 */
function sendFile(req: Parameters<RequestHandler>[0], res: Response, file: WidgetFile): void {
  res.setHeader('Content-Type', 'text/javascript; charset=utf-8');
  res.setHeader('Cache-Control', 'public, max-age=300, stale-while-revalidate=86400');
  res.setHeader('ETag', file.etag);
  res.setHeader('Vary', 'Accept-Encoding');
  if (req.fresh) {
    res.status(304).end();
    return;
  }
  const accepted = req.acceptsEncodings('br', 'gzip', 'identity');
  const body = accepted === 'br' ? file.brotli : accepted === 'gzip' ? file.gzip : file.raw;
  if (accepted === 'br' || accepted === 'gzip') res.setHeader('Content-Encoding', accepted);
  res.setHeader('Content-Length', String(body.length));
  res.end(req.method === 'HEAD' ? undefined : body);
}

/** Serves `/widget.js` to any site: cross-origin readable, validated by ETag, compressed. */
export function serveWidget(asset: WidgetAsset | undefined): RequestHandler {
  return function widgetScript(req, res) {
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    if (!asset) {
      res
        .status(503)
        .type('text/plain')
        .send('// The Parley widget is not built yet: run `npm run build`.\n');
      return;
    }
    sendFile(req, res, asset);
  };
}

/**
 * Serves the widget's parts at `/widget/<name>.js`, with the same headers as `/widget.js`, plus
 * `Access-Control-Allow-Origin: *`: widget.js loads them with `import()`, a CORS request from the
 * customer's page. They are public code and carry no credentials, so any origin may read them.
 *
 * @example
 * app.get('/widget/:file', serveWidgetPart(asset));
 */
export function serveWidgetPart(asset: WidgetAsset | undefined): RequestHandler {
  return function widgetPart(req, res) {
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    res.setHeader('Access-Control-Allow-Origin', '*');
    const file = asset?.parts.get(String(req.params.file));
    if (!file) {
      res.status(404).type('text/plain').send('// No such part of the Parley widget.\n');
      return;
    }
    sendFile(req, res, file);
  };
}
