import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One page of a site: the HTML plus any response headers (a CSP, say). */
export interface SitePage {
  html: string;
  headers?: Record<string, string>;
}

/** A website on another origin than Parley's, serving the pages a test registers. */
export interface StaticSite {
  /** `http://<hostname>:<port>`. */
  origin: string;
  /** Serves `page` at `path` (replacing what was there), and returns the page's full URL. */
  set(path: string, page: SitePage): string;
  close(): Promise<void>;
}

/**
 * Starts a site on a free port of 127.0.0.1, addressed as `hostname`. As `localhost` it is
 * another site than Parley's `127.0.0.1` (a true third party for the widget); as `127.0.0.1` it
 * is only another origin, so `SameSite=Strict` cookies still travel with its requests.
 *
 * @example
 * const site = await startStaticSite('localhost');
 * await page.goto(site.set('/', { html: '<h1>Shop</h1>' }));
 */
export async function startStaticSite(hostname: 'localhost' | '127.0.0.1'): Promise<StaticSite> {
  const pages = new Map<string, SitePage>();
  const server: Server = createServer((req, res) => {
    const page = pages.get(new URL(req.url ?? '/', 'http://site').pathname);
    if (!page) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found');
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', ...page.headers });
    res.end(page.html);
  });
  server.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const origin = `http://${hostname}:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    set(path, page) {
      pages.set(path, page);
      return origin + path;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
