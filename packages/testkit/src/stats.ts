/**
 * Statistics and small timing helpers for the benchmarks and the reliability suite; all pure
 * except `waitUntil`, which polls.
 */

/**
 * The `p`th percentile (0–100) of `values` by linear interpolation between closest ranks, or
 * `undefined` for an empty list. Does not mutate its input.
 *
 * @example
 * percentile([1, 2, 3, 4], 50); // 2.5
 * percentile([], 99); // undefined
 */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (Math.min(100, Math.max(0, p)) / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  const a = sorted[low]!;
  const b = sorted[high]!;
  return a + (b - a) * (rank - low);
}

/** The arithmetic mean, or `undefined` for an empty list. */
export function mean(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}

/** `a / b`, or undefined when either is missing or `b` is 0. */
export function ratio(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined || b === undefined || b === 0) return undefined;
  return a / b;
}

/** Rounds to `digits` decimals, keeping `undefined` (and turning non-finite values into it). */
export function round(value: number | undefined, digits = 1): number | undefined {
  if (value === undefined || !Number.isFinite(value)) return undefined;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/**
 * Rounds a duration for reports: whole milliseconds, or one decimal below 10 ms.
 *
 * @example
 * roundMs(123.456); // 123
 * roundMs(4.56); // 4.6
 */
export function roundMs(ms: number): number {
  return ms < 10 ? Math.round(ms * 10) / 10 : Math.round(ms);
}

/**
 * Runs `worker` over `items` with at most `concurrency` running at once; results keep the order
 * of `items`. A worker that throws rejects the whole run (after the running ones settle).
 *
 * @example
 * const sizes = await runPool(urls, 4, (url) => fetch(url).then((r) => r.text()).then((t) => t.length));
 */
export async function runPool<T, R>(
  items: readonly T[],
  concurrency: number,
  worker: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await worker(items[index] as T, index);
    }
  });
  await Promise.all(lanes);
  return results;
}

/**
 * Polls `check` until it is true; throws after `timeoutMs`. Returns how long it took.
 *
 * @example
 * await waitUntil(() => server.ready, { timeoutMs: 5000, what: 'the server' });
 */
export async function waitUntil(
  check: () => Promise<boolean> | boolean,
  options: { timeoutMs: number; intervalMs?: number; what?: string },
): Promise<number> {
  const started = performance.now();
  for (;;) {
    if (await check()) return performance.now() - started;
    if (performance.now() - started > options.timeoutMs) {
      throw new Error(`${options.what ?? 'condition'} not met within ${options.timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 50));
  }
}
