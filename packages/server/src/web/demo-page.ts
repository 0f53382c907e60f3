import { readFileSync } from 'node:fs';
import type { Router } from 'express';
import express from 'express';

/** The demo page's strict policy: the widget must work under it, Trusted Types included. */
export const DEMO_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'self'",
  "require-trusted-types-for 'script'",
  'trusted-types',
].join('; ');

export interface DemoPageOptions {
  companyName: string;
  /** `data-*` attributes for the script tag, by name without the `data-` prefix. */
  widgetAttributes: Readonly<Record<string, string>>;
}

const PUBLIC_DIR = new URL('../../public/', import.meta.url);

/**
 * `GET /`: a marketing page that embeds the widget with its script tag exactly as a customer
 * would, served under a strict CSP with Trusted Types to show the widget needs no exceptions.
 */
export function demoPage(options: DemoPageOptions): Router {
  const html = readFileSync(new URL('demo.html', PUBLIC_DIR), 'utf8')
    .replaceAll('{{COMPANY}}', escapeHtml(options.companyName))
    .replace('{{WIDGET_ATTRIBUTES}}', widgetAttributes(options.widgetAttributes));
  const css = readFileSync(new URL('demo.css', PUBLIC_DIR), 'utf8');
  const router = express.Router();
  router.get('/', (_req, res) => {
    res.setHeader('Content-Security-Policy', DEMO_CONTENT_SECURITY_POLICY);
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    res.type('html').send(html);
  });
  router.get('/demo.css', (_req, res) => {
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    res.setHeader('Cache-Control', 'public, max-age=300');
    res.type('css').send(css);
  });
  return router;
}

function widgetAttributes(attributes: Readonly<Record<string, string>>): string {
  return Object.entries(attributes)
    .map(([name, value]) => `data-${name}="${escapeHtml(value)}"`)
    .join(' ');
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
