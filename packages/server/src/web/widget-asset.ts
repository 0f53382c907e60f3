import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { RequestHandler } from 'express';

/** The built widget, held in memory with its precompressed forms and a content hash. */
export interface WidgetAsset {
  raw: Buffer;
  gzip: Buffer;
  brotli: Buffer;
  etag: string;
}

/** Where `npm run build` puts the widget: the `@parley/widget` package's `dist/widget.js`. */
export function resolveWidgetPath(): string | undefined {
  try {
    return createRequire(import.meta.url).resolve('@parley/widget/widget.js');
  } catch {
    return undefined;
  }
}

export function loadWidgetAsset(file: string): WidgetAsset {
  const raw = readFileSync(file);
  return {
    raw,
    gzip: gzipSync(raw, { level: 9 }),
    brotli: brotliCompressSync(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
    etag: `"${createHash('sha256').update(raw).digest('base64url').slice(0, 27)}"`,
  };
}

/**
 * Serves `/widget.js` to any site: cross-origin readable, validated by ETag, and compressed ahead
 * of time. The URL is unversioned (site owners paste it once), so caches revalidate after five
 * minutes instead of holding an old widget for days.
 */
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
    res.setHeader('Content-Type', 'text/javascript; charset=utf-8');
    res.setHeader('Cache-Control', 'public, max-age=300, stale-while-revalidate=86400');
    res.setHeader('ETag', asset.etag);
    res.setHeader('Vary', 'Accept-Encoding');
    if (req.fresh) {
      res.status(304).end();
      return;
    }
    const accepted = req.acceptsEncodings('br', 'gzip', 'identity');
    const body = accepted === 'br' ? asset.brotli : accepted === 'gzip' ? asset.gzip : asset.raw;
    if (accepted === 'br' || accepted === 'gzip') res.setHeader('Content-Encoding', accepted);
    res.setHeader('Content-Length', String(body.length));
    res.end(req.method === 'HEAD' ? undefined : body);
  };
}
