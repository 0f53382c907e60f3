/**
 * What the widget does to the page that embeds it, in headless Chromium: time from the widget
 * script starting to run to the launcher being visible, main-thread long tasks (> 50 ms) while
 * it loads, and layout shift (CLS, which must be 0). Measured without and with 4× CPU throttling
 * (roughly a mid-range phone). Needs /usr/bin/chromium and a built widget (`npm run build`):
 * without Chromium the section is skipped with one line, unless PARLEY_REQUIRE_BROWSER=1.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolveWidgetPath } from '@parley/server';
import { CHROMIUM_PATH as CHROMIUM, launchChromium } from '@parley/testkit/chromium';
import { percentile, round } from '@parley/testkit/stats';
import type { SectionOptions, SectionResult } from './lib/section.js';
import type { Table } from './lib/table.js';

export { CHROMIUM };
/** The widget's script-tag build (`@parley/widget/widget.js`), or undefined before `npm run build`. */
export const WIDGET_FILE = resolveWidgetPath();

/** Observers first, before anything else runs; the rAF loop notes when the launcher shows. */
const PROBE = `
window.__longTasks = [];
window.__cls = 0;
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) window.__longTasks.push({ start: e.startTime, duration: e.duration });
}).observe({ type: 'longtask', buffered: true });
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) if (!e.hadRecentInput) window.__cls += e.value;
}).observe({ type: 'layout-shift', buffered: true });
(function poll() {
  const host = document.querySelector('parley-chat');
  const button = host && host.shadowRoot && host.shadowRoot.querySelector('button');
  if (button) {
    const box = button.getBoundingClientRect();
    const style = getComputedStyle(button);
    if (box.width > 0 && box.height > 0 && style.visibility !== 'hidden' && Number(style.opacity) > 0) {
      window.__launcherVisible = performance.now();
      return;
    }
  }
  requestAnimationFrame(poll);
})();`;

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Host page</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<script>${PROBE}</script>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:42rem;margin:2rem auto;padding:0 1rem}</style>
</head><body>
<h1>Acme Help Center</h1>
${'<p>Lorem ipsum dolor sit amet, consectetur adipiscing elit. Sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris.</p>\n'.repeat(12)}
<script async src="/widget.js" data-title="Acme help"></script>
</body></html>`;

interface LoadSample {
  scriptToLauncherMs: number;
  longTasks: number;
  longTaskMs: number;
  cls: number;
  loadEventMs: number;
}

function startHost(widget: Buffer): Promise<Server> {
  // The widget runs from its first byte: the marker prepended here is its "script start".
  const body = Buffer.concat([Buffer.from('self.__parleyStart=performance.now();\n'), widget]);
  const server = createServer((req, res) => {
    if (req.url === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE);
    } else if (req.url?.startsWith('/widget.js')) {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(body);
    } else {
      res
        .writeHead(404, { 'content-type': 'application/json' })
        .end('{"error":{"code":"not_found"}}');
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

export async function hostPage(options: SectionOptions): Promise<SectionResult> {
  const base = { name: 'host-page' as const, title: 'Host-page impact', data: {} };
  if (!existsSync(CHROMIUM)) {
    if (process.env.PARLEY_REQUIRE_BROWSER === '1') {
      throw new Error(`PARLEY_REQUIRE_BROWSER=1 but ${CHROMIUM} does not exist`);
    }
    return { ...base, tables: [], skipped: `${CHROMIUM} not found` };
  }
  if (!WIDGET_FILE || !existsSync(WIDGET_FILE)) {
    return {
      ...base,
      tables: [],
      skipped: 'packages/widget/dist/widget.js is not built (npm run build)',
    };
  }
  const server = await startHost(readFileSync(WIDGET_FILE));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const browser = await launchChromium();
  const runs = options.smoke ? 1 : 10;
  const throttles = options.smoke ? [1] : [1, 4];
  const samples: Record<number, LoadSample[]> = {};
  try {
    for (const rate of throttles) {
      samples[rate] = [];
      for (let i = 0; i < runs; i++) {
        const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
        const page = await context.newPage();
        const cdp = await context.newCDPSession(page);
        await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
        if (rate > 1) await cdp.send('Emulation.setCPUThrottlingRate', { rate });
        await page.goto(url, { waitUntil: 'load' });
        await page.waitForFunction('window.__launcherVisible !== undefined', undefined, {
          timeout: 15_000,
        });
        // Let anything the widget schedules after showing the launcher run and be observed.
        await page.waitForTimeout(500);
        const sample = (await page.evaluate(`(() => {
          const nav = performance.getEntriesByType('navigation')[0];
          return {
            scriptToLauncherMs: window.__launcherVisible - window.__parleyStart,
            longTasks: window.__longTasks.length,
            longTaskMs: window.__longTasks.reduce((s, t) => s + t.duration, 0),
            cls: window.__cls,
            loadEventMs: nav ? nav.loadEventEnd : 0,
          };
        })()`)) as LoadSample;
        samples[rate]!.push(sample);
        await context.close();
      }
      const list = samples[rate]!;
      options.log(
        `host-page ${rate}× CPU: launcher after ${percentile(
          list.map((s) => s.scriptToLauncherMs),
          50,
        )?.toFixed(1)} ms (p50), CLS ${Math.max(...list.map((s) => s.cls))}`,
      );
    }
  } finally {
    await browser.close();
    await new Promise((resolve) => server.close(resolve));
  }

  const table: Table = {
    title: 'Widget on a host page (headless Chromium)',
    columns: [
      'CPU',
      'script start → launcher visible, ms p50 / max',
      'long tasks > 50 ms (max per load)',
      'long-task time, ms (max)',
      'CLS (max)',
      'page load event, ms p50',
    ],
    rows: throttles.map((rate) => {
      const list = samples[rate] ?? [];
      const launcher = list.map((s) => s.scriptToLauncherMs);
      return [
        rate === 1 ? 'unthrottled' : `${rate}× slower (CDP throttling)`,
        `${percentile(launcher, 50)?.toFixed(1)} / ${Math.max(...launcher).toFixed(1)}`,
        Math.max(...list.map((s) => s.longTasks)),
        round(Math.max(...list.map((s) => s.longTaskMs)), 1),
        Math.max(...list.map((s) => s.cls)),
        round(
          percentile(
            list.map((s) => s.loadEventMs),
            50,
          ),
          1,
        ),
      ];
    }),
    note: `${runs} cold loads each (fresh browser context, cache off) of a plain article page with \`<script async src="/widget.js">\` at the end of the body, served from 127.0.0.1. Script start is a marker prepended to widget.js; "visible" is the first animation frame in which the launcher button has a box and is not hidden.`,
  };
  return { ...base, tables: [table], data: { runs, samples } };
}
