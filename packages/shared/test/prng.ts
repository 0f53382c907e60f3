import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { mersenne } from 'pure-rand/generator/mersenne';

/** One more than the largest value `uniformInt` is asked for: draws are n / 2^32. */
const RANGE = 2 ** 32;

/**
 * A deterministic source of numbers in [0, 1) for generated test cases, from pure-rand's Mersenne Twister (the
 * library under fast-check): the same seed gives the same cases on every run, so a failure is
 * reproducible.
 */
export function prng(seed: number): () => number {
  const generator = mersenne(seed);
  return () => uniformInt(generator, 0, RANGE - 1) / RANGE;
}
