import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { securityHeaders } from './security-headers.js';

let server: Server;
let baseUrl = '';

beforeAll(async () => {
  const app = express();
  app.use(securityHeaders());
  app.get('/api/chat/history', (_req, res) => {
    res.json({ messages: [] });
  });
  app.get('/widget.js', (_req, res) => {
    res.type('text/javascript').send('// widget');
  });
  app.get('/widget/:file', (_req, res) => {
    res.type('text/javascript').send('// a part');
  });
  app.get('/', (_req, res) => {
    res.setHeader('Content-Security-Policy', "default-src 'self'");
    res.type('html').send('<!doctype html>');
  });
  server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('securityHeaders', () => {
  it("puts helmet's defaults on API responses, same-origin CORP included", async () => {
    const res = await fetch(`${baseUrl}/api/chat/history`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cross-origin-resource-policy')).toBe('same-origin');
    expect(res.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('strict-transport-security')).toMatch(
      /^max-age=\d+; includeSubDomains$/,
    );
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(res.headers.get('x-powered-by')).toBeNull();
  });

  it('lets other sites load /widget.js: CORP cross-origin, the other defaults unchanged', async () => {
    const api = await fetch(`${baseUrl}/api/chat/history`);
    const widget = await fetch(`${baseUrl}/widget.js`);
    expect(widget.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    for (const name of ['x-content-type-options', 'strict-transport-security', 'referrer-policy']) {
      expect(widget.headers.get(name)).toBe(api.headers.get(name));
    }
  });

  it("lets the demo page's own CSP replace helmet's", async () => {
    const res = await fetch(`${baseUrl}/`);
    expect(res.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    expect(res.headers.get('content-security-policy')).toBe("default-src 'self'");
  });

  it('matches paths exactly, so a look-alike API path keeps same-origin', async () => {
    const res = await fetch(`${baseUrl}/widget.js.map`);
    expect(res.headers.get('cross-origin-resource-policy')).toBe('same-origin');
  });

  it("lets other sites load the widget's parts under /widget/, and nothing beside it", async () => {
    const part = await fetch(`${baseUrl}/widget/markdown.js`);
    expect(part.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    for (const path of ['/widget/', '/widgets/markdown.js', '/api/widget/markdown.js']) {
      const res = await fetch(baseUrl + path);
      expect(res.headers.get('cross-origin-resource-policy'), path).toBe('same-origin');
    }
  });
});
