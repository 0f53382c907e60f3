import type { UsageTotals } from './usage.js';

const DAY_MS = 86_400_000;
const DAY_SHAPE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * How many UTC days of usage are kept: the retention sweep on day D forgets days before D - 6. Sessions
 * rarely live that long (see `sessionMaxAgeMs`); this only bounds what a long-lived one holds.
 */
export const USAGE_DAYS_KEPT = 7;

/** The UTC day ('YYYY-MM-DD') that the epoch-ms instant `ms` falls on. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Epoch ms of the first UTC midnight strictly after `ms`. */
export function nextUtcMidnight(ms: number): number {
  return (Math.floor(ms / DAY_MS) + 1) * DAY_MS;
}

/**
 * Checks the arguments every store's `addUsage` / `getUsage` takes, so all backends refuse the
 * same mistakes: `day` must be a real calendar day ('2026-02-30' is not), and the delta's parts
 * non-negative safe integers (Redis HINCRBY and SQLite INTEGER columns agree on nothing else).
 *
 * @throws RangeError naming the bad value.
 */
export function assertUsageDay(day: string): void {
  const ms = Date.parse(`${day}T00:00:00.000Z`);
  if (!DAY_SHAPE.test(day) || !Number.isFinite(ms) || utcDay(ms) !== day) {
    throw new RangeError(`Usage day must be a UTC date like 2026-01-05; got "${day}"`);
  }
}

export function assertUsageDelta(delta: UsageTotals): void {
  for (const [name, value] of [
    ['turns', delta.turns],
    ['tokens', delta.tokens],
  ] as const) {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new RangeError(`Usage ${name} must be a non-negative integer; got ${String(value)}`);
    }
  }
}

/** The oldest day still kept after writing `day`; days sorting before it may be pruned. */
export function oldestKeptUsageDay(day: string): string {
  return utcDay(Date.parse(`${day}T00:00:00.000Z`) - (USAGE_DAYS_KEPT - 1) * DAY_MS);
}

/** Totals of no usage at all, a fresh object each call. */
export function zeroUsage(): UsageTotals {
  return { turns: 0, tokens: 0 };
}
