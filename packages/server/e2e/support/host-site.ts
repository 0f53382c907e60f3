import { readFileSync } from 'node:fs';
import { type SitePage, type StaticSite, startStaticSite } from '@parley/testkit/static-site';

/** One page of the host site: the HTML plus any response headers (a CSP, say). */
export type HostPage = SitePage;

/** A customer's website on another origin than Parley, serving pages the tests register. */
export type HostSite = StaticSite;

const PUBLIC_DIR = new URL('../../public/', import.meta.url);

/**
 * Starts the host site on a free port, addressed as `localhost`, so the browser sees a separate
 * origin and site from Parley's `http://127.0.0.1:<port>`: the widget is a true third party.
 */
export function startHostSite(): Promise<HostSite> {
  return startStaticSite('localhost');
}

export interface EmbedOptions {
  /** Parley's origin: the script is loaded from `<server>/widget.js`. */
  server: string;
  /** `data-*` attributes of the script tag, by name without `data-`. */
  attributes?: Record<string, string>;
}

/** The one script tag a site owner pastes. */
export function scriptTag({ server, attributes = {} }: EmbedOptions): string {
  const data = Object.entries(attributes)
    .map(([name, value]) => ` data-${name}="${escapeHtml(value)}"`)
    .join('');
  return `<script src="${server}/widget.js" async${data}></script>`;
}

export interface PageOptions extends EmbedOptions {
  title?: string;
  /** Page CSS, inlined into a `<style>` element (leave it out under a `style-src 'none'` CSP). */
  css?: string;
  body?: string;
}

/** A plain page embedding the widget. */
export function embedPage({ title = 'Host page', css, body = '', ...embed }: PageOptions): string {
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    css === undefined ? '' : `<style>${css}</style>`,
    '</head>',
    `<body>${body}${scriptTag(embed)}</body>`,
    '</html>',
  ].join('\n');
}

/**
 * The demo marketing page Parley ships (`public/demo.html`), moved to the host site: its CSS is
 * inlined and the script tag points across origins, exactly as a customer would paste it. A dark
 * palette is added so the dark-theme screenshot shows the widget on a dark page.
 */
export function demoPage(embed: EmbedOptions, companyName = 'Acme'): string {
  const css = `${readFileSync(new URL('demo.css', PUBLIC_DIR), 'utf8')}\n${DEMO_DARK_CSS}`;
  return readFileSync(new URL('demo.html', PUBLIC_DIR), 'utf8')
    .replaceAll('{{COMPANY}}', escapeHtml(companyName))
    .replace('<link rel="stylesheet" href="/demo.css" />', `<style>${css}</style>`)
    .replace(/<script src="\/widget\.js"[^>]*><\/script>/, scriptTag(embed));
}

const DEMO_DARK_CSS = `
@media (prefers-color-scheme: dark) {
  body { background: #111318; color: #e7e9ee; }
  .brand, nav a, .lead { color: #e7e9ee; }
  .cards article, .band.alt { background: #191c23; border-color: #2a2e38; }
  .band { background: #15181e; }
  .button { background: #e7e9ee; color: #111318; }
  .site-header { border-color: #2a2e38; }
  a { color: #8ab4f8; }
}`;

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
