import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import express, { type Router } from 'express';

/**
 * The console's policy: only its own built files, no inline script or style, no eval, and never
 * inside a frame (clickjacking a signed-in operator is the attack this page invites).
 */
export const CONSOLE_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "media-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Where `npm run build` puts the console: the `@parley/console` package's `dist/`. */
export function resolveConsoleDir(): string | undefined {
  try {
    const index = join(
      dirname(createRequire(import.meta.url).resolve('@parley/console/package.json')),
      'dist',
    );
    return existsSync(join(index, 'index.html')) ? index : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `/console`: the operator console, a single-page app. Its hashed assets are cached for a year;
 * `index.html` (and every client-side route, which falls back to it) is never cached, so a new
 * build is picked up on the next load. Without a build, `/console` says how to make one.
 */
export function consoleApp(dir: string | undefined): Router {
  const router = express.Router();
  const secure: express.RequestHandler = (_req, res, next) => {
    res.setHeader('Content-Security-Policy', CONSOLE_CONTENT_SECURITY_POLICY);
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Referrer-Policy', 'same-origin');
    next();
  };
  router.use('/console', secure);
  if (!dir) {
    router.get(['/console', '/console/*splat'], (_req, res) => {
      res.status(503).type('text').send('The console is not built; run `npm run build`.');
    });
    return router;
  }
  const index = readFileSync(join(dir, 'index.html'));
  router.use(
    '/console/assets',
    express.static(join(dir, 'assets'), {
      immutable: true,
      maxAge: '365d',
      index: false,
    }),
  );
  // A missing or malformed asset path is a 404 here, never the app's HTML (a script tag would
  // get a page) and never an error: strangers can ask for any path.
  router.use('/console/assets', (_req, res) => {
    res.status(404).type('text').send('Not found');
  });
  router.use('/console', express.static(dir, { index: false, maxAge: '5m' }));
  router.get(['/console', '/console/*splat'], (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.type('html').send(index);
  });
  return router;
}
