/**
 * A smoke run of every bench section with tiny counts, so the bench cannot rot: each section
 * must still start its servers, drive them and come back with numbers. No timing is asserted;
 * speed is for `npm run bench` to report, not for a shared CI machine to judge.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CHROMIUM } from './host-page.js';
import type { SectionName, SectionResult } from './lib/section.js';
import type { TurnMeasurement } from './lib/servers.js';
import { SECTIONS } from './sections.js';

const run = (name: SectionName): Promise<SectionResult> =>
  SECTIONS[name]({ smoke: true, log: () => {} });

/** Every table has rows, and the section's tables hold finite numbers. */
function expectNumbers(result: SectionResult): void {
  expect(result.tables.length).toBeGreaterThan(0);
  for (const table of result.tables) expect(table.rows.length, table.title).toBeGreaterThan(0);
  const cells = result.tables.flatMap((t) => t.rows.flat());
  const numbers = cells.filter((c) => typeof c === 'number' && Number.isFinite(c));
  expect(numbers.length, result.title).toBeGreaterThan(0);
}

function expectTurns(measurements: TurnMeasurement[] | undefined): void {
  expect(measurements?.length).toBeGreaterThan(0);
  for (const m of measurements ?? []) {
    expect(m.failed, m.errors.join('\n')).toBe(0);
    expect(m.completed).toBeGreaterThan(0);
    expect(m.cpuMsPerTurn).toBeGreaterThan(0);
    expect(m.firstDeltaP50).toBeGreaterThan(0);
  }
}

describe('bench (smoke)', () => {
  it('measures the widget bundle', async () => {
    const result = await run('widget-size');
    expectNumbers(result);
  });

  const browser = existsSync(CHROMIUM) || process.env.PARLEY_REQUIRE_BROWSER === '1';
  if (!browser) console.log(`bench host-page smoke skipped: ${CHROMIUM} not found`);
  it.runIf(browser)(
    'loads the widget into a host page in Chromium',
    { timeout: 120_000 },
    async () => {
      const result = await run('host-page');
      if (result.skipped) console.log(`bench host-page: ${result.skipped}`);
      else expectNumbers(result);
    },
  );

  it('runs turns on the bare proxy, the SDK floor and Parley', { timeout: 240_000 }, async () => {
    const result = await run('turn-cost');
    expectNumbers(result);
    const { results } = result.data as { results: Record<string, TurnMeasurement[]> };
    for (const id of ['bare', 'sdk', 'sdk-continuing', 'parley', 'parley-continuing'])
      expectTurns(results[id]);
  });

  it('continues planted conversations of growing length', { timeout: 120_000 }, async () => {
    const result = await run('history-growth');
    expectNumbers(result);
  });

  it('drives every available store', { timeout: 120_000 }, async () => {
    const result = await run('store-ops');
    expectNumbers(result);
  });

  it('holds open streams and idle sessions', { timeout: 120_000 }, async () => {
    const result = await run('scale');
    expectNumbers(result);
  });

  it('profiles a turn and attributes the time', { timeout: 120_000 }, async () => {
    const result = await run('profile');
    expectNumbers(result);
  });
});
