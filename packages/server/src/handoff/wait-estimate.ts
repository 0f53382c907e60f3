/** Recent waits are those of the last week. */
export const WAIT_SAMPLE_WINDOW_MS = 7 * 86_400_000;
/** With fewer samples an estimate would be a guess; none is given. */
export const MIN_WAIT_SAMPLES = 3;

/**
 * A rough wait, in whole minutes (at least 1), from how long recent visitors waited for a person:
 * the median, so one forgotten conversation does not inflate it. Undefined without enough samples.
 *
 * @example
 * estimateWaitMinutes([60_000, 120_000, 600_000]) // 2
 */
export function estimateWaitMinutes(waitsMs: readonly number[]): number | undefined {
  if (waitsMs.length < MIN_WAIT_SAMPLES) return undefined;
  const sorted = [...waitsMs].sort((a, b) => a - b);
  const middle = sorted.length / 2;
  const median = Number.isInteger(middle)
    ? ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2
    : (sorted[Math.floor(middle)] ?? 0);
  return Math.max(1, Math.round(median / 60_000));
}
