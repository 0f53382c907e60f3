import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AxeResults } from 'axe-core';
import type { Page } from 'playwright-core';

/** One axe finding, trimmed to what a failure message needs. */
export interface AxeFinding {
  id: string;
  impact: string | null | undefined;
  help: string;
  targets: string[];
}

let axeSource: string | undefined;

/**
 * Runs axe-core on the whole page; returns the serious and critical violations (the ones that
 * fail the suite) and all of them (for the message). The console's CSP refuses injected script
 * tags, so axe is evaluated through the DevTools protocol, which the page's CSP does not govern.
 */
export async function scanPage(page: Page): Promise<{ blocking: AxeFinding[]; all: AxeFinding[] }> {
  axeSource ??= readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  const results: AxeResults = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: typeof import('axe-core') }).axe;
    return axe.run(document, { resultTypes: ['violations'] });
  });
  const all = results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    targets: v.nodes.map((n) => JSON.stringify(n.target)),
  }));
  return { all, blocking: all.filter((v) => v.impact === 'serious' || v.impact === 'critical') };
}
