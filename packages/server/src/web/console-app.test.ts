import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_CONTENT_SECURITY_POLICY, consoleApp } from './console-app.js';

let dir: string;
let server: Server;
let port: number;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'parley-console-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Parley console</title>');
  writeFileSync(join(dir, 'assets', 'app-1234.js'), 'console.log(1)');
  const app = express();
  app.use(consoleApp(dir));
  // What follows in the real app: anything reaching it would be a 500.
  app.use((_error: unknown, _req: express.Request, res: express.Response, _next: unknown) => {
    res.status(500).end();
  });
  server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

/** GET with the path sent exactly as written (no URL normalisation), as an attacker would. */
function get(path: string): Promise<{ status: number; type: string; csp: string }> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path }, (res) => {
      res.resume();
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          type: String(res.headers['content-type'] ?? ''),
          csp: String(res.headers['content-security-policy'] ?? ''),
        }),
      );
    })
      .on('error', reject)
      .end();
  });
}

describe('the console’s files', () => {
  it('serves the app for its routes and its assets by name, under the console policy', async () => {
    expect(await get('/console/inbox')).toMatchObject({
      status: 200,
      type: expect.stringMatching(/text\/html/),
      csp: CONSOLE_CONTENT_SECURITY_POLICY,
    });
    expect((await get('/console/assets/app-1234.js')).status).toBe(200);
  });

  it.each([
    '/console/assets/nope.js',
    '/console/assets/../../../../etc/passwd',
    '/console/assets/%2e%2e/%2e%2e/etc/passwd',
    '/console/assets/..%2f..%2findex.html',
  ])('answers %s with a plain 404, not the app and not an error', async (path) => {
    const answer = await get(path);
    expect(answer.status).toBe(404);
    expect(answer.type).toMatch(/text\/plain/);
  });
});
