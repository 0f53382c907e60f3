import { describe, expect, it } from 'vitest';
import { expectLinearScaling, measureScaling } from './scaling.js';

function linear(n: number): number {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += i % 7;
  return sum;
}

function quadratic(n: number): number {
  let sum = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) sum += (i ^ j) & 1;
  return sum;
}

describe('expectLinearScaling', () => {
  it('accepts linear work', () => {
    const result = expectLinearScaling({ n: 10_000, input: (n) => n, run: linear });
    expect(result.ratio).toBeLessThanOrEqual(result.maxRatio);
  });

  it('refuses quadratic work and says what grew', () => {
    expect(() =>
      expectLinearScaling({ n: 100, input: (n) => n, run: quadratic }, 'the nested loop'),
    ).toThrow(/the nested loop does not scale linearly: n=\d+ took .* ms, 4n took/);
  });

  it('calibrates n until a run is long enough to time', () => {
    const result = measureScaling({ n: 1, input: (n) => n, run: linear, minMs: 2 });
    expect(result.n).toBeGreaterThan(1);
    expect(result.smallMs).toBeGreaterThan(0);
  });
});
