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

export interface AxeScan {
  /** Serious and critical violations: these fail the suite. */
  blocking: AxeFinding[];
  /** Every violation, minor and moderate included, for the failure message. */
  all: AxeFinding[];
  /** How many checked nodes sit inside the widget's shadow root (proof that axe looked there). */
  shadowNodesChecked: number;
}

let axeSource: string | undefined;

/**
 * Runs axe-core on the widget (the `<parley-chat>` host and its open shadow root, not the host
 * page around it). The script is injected as a classic `<script>`, so the page must allow inline
 * scripts: use a page without a strict CSP.
 */
export async function scanWidget(page: Page): Promise<AxeScan> {
  axeSource ??= readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  if (!(await page.evaluate(() => 'axe' in window)))
    await page.addScriptTag({ content: axeSource });
  const results = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: typeof import('axe-core') }).axe;
    return axe.run({ include: ['parley-chat'] }, { resultTypes: ['violations'] });
  });
  const findings = (items: AxeResults['violations']) =>
    items.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.map((n) => JSON.stringify(n.target)),
    }));
  const all = findings(results.violations);
  // A node in a shadow tree has a target path of selectors, one per tree.
  const shadowNodesChecked = [...results.passes, ...results.violations]
    .flatMap((rule) => rule.nodes)
    .filter((node) => Array.isArray(node.target[0])).length;
  return {
    all,
    blocking: all.filter((v) => v.impact === 'serious' || v.impact === 'critical'),
    shadowNodesChecked,
  };
}
