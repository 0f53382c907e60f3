/**
 * Scaling checks: how a function's time grows with its input, without absolute timings. Run at
 * size n and at size `factor`·n, the ratio of the two times is about `factor` for linear work and
 * `factor`² for quadratic work, on any machine. The fastest of several runs is compared, which
 * filters out garbage collection and a busy neighbour.
 */

export interface ScalingOptions<T> {
  /** Builds an input of size `n` (built before timing starts). */
  input: (n: number) => T;
  /** The work under test. */
  run: (input: T) => unknown;
  /** The smallest n to start calibrating from. */
  n: number;
  /** How much bigger the second input is; default 4. */
  factor?: number;
  /**
   * The largest acceptable time ratio; default 2·factor (8 for factor 4): linear and n·log n work
   * pass, quadratic (16) and worse fail.
   */
  maxRatio?: number;
  /** Runs per size; the fastest counts. Default 5. */
  repeats?: number;
  /**
   * n is doubled until one run takes at least this long, so timer resolution and fixed costs do
   * not dominate. Default 4 ms.
   */
  minMs?: number;
  /** Upper bound on n while calibrating; default 2^22. */
  maxN?: number;
}

export interface ScalingResult {
  n: number;
  factor: number;
  /** Fastest run at n and at factor·n, in milliseconds. */
  smallMs: number;
  largeMs: number;
  ratio: number;
  maxRatio: number;
}

function timed<T>(run: (input: T) => unknown, input: T, times: number): number {
  const started = performance.now();
  for (let i = 0; i < times; i++) run(input);
  return performance.now() - started;
}

/**
 * Times `run` at n and factor·n (after calibrating n) and returns the ratio.
 *
 * @example
 * const result = measureScaling({ n: 100, input: (n) => '*a '.repeat(n), run: parseMarkdown });
 */
export function measureScaling<T>(options: ScalingOptions<T>): ScalingResult {
  const factor = options.factor ?? 4;
  const repeats = options.repeats ?? 5;
  const minMs = options.minMs ?? 4;
  const maxN = options.maxN ?? 2 ** 22;
  let n = Math.max(1, Math.floor(options.n));
  // Warm up the JIT on a small input, then grow n until a run is long enough to time (the
  // fastest of three, so one run slowed by a neighbour does not stop the growth too early).
  timed(options.run, options.input(n), 2);
  const fastestOfThree = (input: T) =>
    Math.min(
      timed(options.run, input, 1),
      timed(options.run, input, 1),
      timed(options.run, input, 1),
    );
  while (n * factor <= maxN && fastestOfThree(options.input(n)) < minMs) n *= 2;
  // The small input runs `factor` times in a row per timing, so for linear work both timings
  // span about the same wall time: a busy neighbour or a scheduler slice then slows both alike,
  // where a single short run could be slowed alone (on a loaded CI box a 4 ms run took 8.7 ms
  // while the 75 ms one kept its speed, and quadratic work passed as linear). The two sizes are
  // timed in turn, so a slow stretch does not land on one size only.
  const small = options.input(n);
  const large = options.input(n * factor);
  let smallBatchMs = Number.POSITIVE_INFINITY;
  let largeMs = Number.POSITIVE_INFINITY;
  for (let i = 0; i < repeats; i++) {
    smallBatchMs = Math.min(smallBatchMs, timed(options.run, small, factor));
    largeMs = Math.min(largeMs, timed(options.run, large, 1));
  }
  const smallMs = smallBatchMs / factor;
  return {
    n,
    factor,
    smallMs,
    largeMs,
    ratio: largeMs / Math.max(smallMs, 1e-3),
    maxRatio: options.maxRatio ?? factor * 2,
  };
}

/**
 * Throws when `run` grows faster than the allowed ratio. The error names the sizes and times, so
 * a failure says what grew and by how much. A failing measurement is taken once more before
 * giving up, as one slow run on a shared machine is not a verdict.
 *
 * @example
 * expectLinearScaling({ n: 200, input: (n) => '- '.repeat(n) + 'x', run: parseMarkdown });
 */
export function expectLinearScaling<T>(
  options: ScalingOptions<T>,
  what = 'the work',
): ScalingResult {
  let result = measureScaling(options);
  if (result.ratio > result.maxRatio) result = measureScaling({ ...options, n: result.n });
  if (result.ratio > result.maxRatio) {
    throw new Error(
      `${what} does not scale linearly: n=${result.n} took ${result.smallMs.toFixed(2)} ms, ` +
        `${result.factor}n took ${result.largeMs.toFixed(2)} ms (ratio ${result.ratio.toFixed(1)}, ` +
        `allowed ${result.maxRatio})`,
    );
  }
  return result;
}

/**
 * Sizes for text a visitor or an article author controls: each input is timed at n and 4n
 * characters, n growing from 256 to at most 2,048. Long enough for a quadratic cost to show (the
 * old heading pattern took 1.4 s on 2,000 spaces), small enough that no array or string built in
 * one run reaches V8's large-object size (128 KB, an array of 16,000 entries): past it V8 allocates
 * differently and several times more slowly per item, and the ratio would measure V8 rather than
 * the code. Ten runs a size, the fastest counting.
 */
export const TEXT_SIZES = { n: 256, maxN: 4096, repeats: 10 } as const;

/** `unit` repeated to about `n` characters. */
export function fill(unit: string, n: number): string {
  return unit.repeat(Math.ceil(n / unit.length));
}

/**
 * `work` run `times` times over: on most short inputs one run takes microseconds, where a timer
 * tick or a cache miss would decide the ratio.
 */
export function repeated<T>(work: (input: T) => unknown, times = 20): (input: T) => void {
  return (input) => {
    for (let i = 0; i < times; i++) work(input);
  };
}
