const UNITS_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/**
 * Parses a duration such as `90`, `30s`, `15m`, `24h` or `7d` into milliseconds. A bare number
 * means seconds, the unit operators expect for TTLs. Returns undefined for anything else.
 *
 * @example
 * parseDurationMs('24h') // 86_400_000
 */
export function parseDurationMs(value: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/i.exec(value);
  if (!match) return undefined;
  const amount = Number(match[1]);
  const unit = (match[2]?.toLowerCase() ?? 's') as keyof typeof UNITS_MS;
  const ms = Math.round(amount * UNITS_MS[unit]);
  return Number.isSafeInteger(ms) && ms > 0 ? ms : undefined;
}
