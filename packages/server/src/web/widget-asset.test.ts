import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { securityHeaders } from '../http/security-headers.js';
import { loadWidgetAsset, serveWidget, serveWidgetPart, type WidgetAsset } from './widget-asset.js';

const SCRIPT = `(function(){/* widget */})();\n`.repeat(20);
const MARKDOWN = 'export function MarkdownBlocks() {}\n'.repeat(20);

/** A built widget in a temporary dist/: widget.js, two parts, and files that are not parts. */
function builtWidget(): string {
  const dist = mkdtempSync(join(tmpdir(), 'parley-widget-'));
  mkdirSync(join(dist, 'widget'));
  writeFileSync(join(dist, 'widget.js'), SCRIPT);
  writeFileSync(join(dist, 'widget', 'markdown.js'), MARKDOWN);
  writeFileSync(join(dist, 'widget', 'lang-de.js'), 'export const de = {};\n');
  writeFileSync(join(dist, 'widget', 'notes.txt'), 'not a part');
  writeFileSync(join(dist, 'widget', '.hidden.js'), 'not a part');
  return join(dist, 'widget.js');
}

/**
 * A GET with exactly these headers: fetch() adds `Cache-Control: no-cache` to conditional
 * requests, which rightly defeats a 304.
 */
function raw(
  path: string,
  headers: Record<string, string>,
): Promise<{ status: number; encoding: string | undefined; body: Buffer }> {
  return new Promise((resolve, reject) => {
    request(built.url + path, { headers })
      .on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            encoding: res.headers['content-encoding'],
            body: Buffer.concat(chunks),
          }),
        );
      })
      .on('error', reject)
      .end();
  });
}

async function listen(asset: WidgetAsset | undefined): Promise<{ server: Server; url: string }> {
  const app = express();
  app.use(securityHeaders());
  app.get('/widget.js', serveWidget(asset));
  app.get('/widget/:file', serveWidgetPart(asset));
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

let built: { server: Server; url: string };
let unbuilt: { server: Server; url: string };
let asset: WidgetAsset;

beforeAll(async () => {
  asset = loadWidgetAsset(builtWidget());
  [built, unbuilt] = await Promise.all([listen(asset), listen(undefined)]);
});
afterAll(async () => {
  for (const { server } of [built, unbuilt]) {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

describe('loadWidgetAsset', () => {
  it('reads widget.js and the parts beside it, and nothing else', () => {
    expect(asset.raw.toString()).toBe(SCRIPT);
    expect([...asset.parts.keys()].sort()).toEqual(['lang-de.js', 'markdown.js']);
    expect(asset.parts.get('markdown.js')?.etag).toMatch(/^"[\w-]{27}"$/);
    expect(asset.parts.get('markdown.js')?.etag).not.toBe(asset.etag);
  });

  it('loads a widget built without parts', () => {
    const dist = mkdtempSync(join(tmpdir(), 'parley-widget-'));
    writeFileSync(join(dist, 'widget.js'), SCRIPT);
    expect(loadWidgetAsset(join(dist, 'widget.js')).parts.size).toBe(0);
  });
});

describe('serving the widget and its parts', () => {
  it.each(['/widget.js', '/widget/markdown.js'])(
    'serves %s compressed, cacheable and readable by other sites',
    async (path) => {
      const res = await fetch(built.url + path, { headers: { 'Accept-Encoding': 'gzip' } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
      expect(res.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
      expect(res.headers.get('cache-control')).toBe(
        'public, max-age=300, stale-while-revalidate=86400',
      );
      expect(res.headers.get('vary')).toBe('Accept-Encoding');
      expect(res.headers.get('etag')).toMatch(/^"[\w-]{27}"$/);
      expect(await res.text()).toBe(path === '/widget.js' ? SCRIPT : MARKDOWN);
    },
  );

  it('lets any page import a part (CORS), which widget.js itself does not need', async () => {
    const part = await fetch(`${built.url}/widget/lang-de.js`, {
      headers: { Origin: 'https://shop.example' },
    });
    expect(part.headers.get('access-control-allow-origin')).toBe('*');
    expect(part.headers.get('access-control-allow-credentials')).toBeNull();
    const script = await fetch(`${built.url}/widget.js`);
    expect(script.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers a revalidation with 304, and HEAD without a body', async () => {
    const etag = asset.parts.get('markdown.js')!.etag;
    const revalidated = await raw('/widget/markdown.js', { 'If-None-Match': etag });
    expect(revalidated.status).toBe(304);
    expect(revalidated.body.length).toBe(0);
    const head = await fetch(`${built.url}/widget/markdown.js`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('sends brotli or gzip as the client prefers, precompressed', async () => {
    const get = (encoding: string) => raw('/widget/markdown.js', { 'Accept-Encoding': encoding });
    const br = await get('br, gzip');
    expect(br.encoding).toBe('br');
    expect(br.body).toEqual(asset.parts.get('markdown.js')!.brotli);
    const gzip = await get('gzip');
    expect(gzip.encoding).toBe('gzip');
    expect(gunzipSync(gzip.body).toString()).toBe(MARKDOWN);
    const plain = await get('identity');
    expect(plain.encoding).toBeUndefined();
    expect(plain.body.toString()).toBe(MARKDOWN);
  });

  it.each([
    '/widget/missing.js',
    '/widget/notes.txt',
    '/widget/.hidden.js',
    '/widget/..%2Fwidget.js',
  ])('answers 404 for %s, which is not a part', async (path) => {
    const res = await fetch(built.url + path);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
  });

  it('says how to build the widget when it is not built', async () => {
    const script = await fetch(`${unbuilt.url}/widget.js`);
    expect(script.status).toBe(503);
    expect(await script.text()).toContain('npm run build');
    expect((await fetch(`${unbuilt.url}/widget/markdown.js`)).status).toBe(404);
  });
});
