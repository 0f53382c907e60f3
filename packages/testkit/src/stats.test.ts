import { describe, expect, it } from 'vitest';
import { mean, percentile, ratio, round, roundMs, runPool, waitUntil } from './stats.js';

describe('percentile', () => {
  it('interpolates between closest ranks', () => {
    expect(percentile([1, 2, 3, 4], 50)).toBe(2.5);
    expect(percentile([4, 1, 3, 2], 0)).toBe(1);
    expect(percentile([4, 1, 3, 2], 100)).toBe(4);
    expect(percentile([10, 20], 99)).toBeCloseTo(19.9);
  });

  it('is undefined for no values, clamps p and leaves its input alone', () => {
    expect(percentile([], 50)).toBeUndefined();
    const values = [3, 1, 2];
    expect(percentile(values, 150)).toBe(3);
    expect(percentile(values, -5)).toBe(1);
    expect(values).toEqual([3, 1, 2]);
  });
});

describe('mean, ratio, round, roundMs', () => {
  it('keep missing values missing', () => {
    expect(mean([])).toBeUndefined();
    expect(mean([1, 2, 6])).toBe(3);
    expect(ratio(1, 0)).toBeUndefined();
    expect(ratio(undefined, 2)).toBeUndefined();
    expect(ratio(1, 4)).toBe(0.25);
    expect(round(Number.NaN)).toBeUndefined();
    expect(round(1.2345, 2)).toBe(1.23);
  });

  it('rounds durations to whole ms, or one decimal below 10 ms', () => {
    expect(roundMs(123.456)).toBe(123);
    expect(roundMs(4.56)).toBe(4.6);
  });
});

describe('runPool', () => {
  it('keeps order and never runs more than asked at once', async () => {
    let running = 0;
    let most = 0;
    const results = await runPool([5, 1, 3, 2, 4], 2, async (n, i) => {
      running++;
      most = Math.max(most, running);
      await new Promise((r) => setTimeout(r, n));
      running--;
      return `${i}:${n}`;
    });
    expect(results).toEqual(['0:5', '1:1', '2:3', '3:2', '4:4']);
    expect(most).toBe(2);
  });

  it('rejects when a worker throws', async () => {
    await expect(
      runPool([1, 2], 2, async (n) => {
        if (n === 2) throw new Error('boom');
        return n;
      }),
    ).rejects.toThrow('boom');
  });
});

describe('waitUntil', () => {
  it('returns once the check holds, and names what timed out', async () => {
    let calls = 0;
    await waitUntil(() => ++calls >= 3, { timeoutMs: 1000, intervalMs: 1 });
    expect(calls).toBe(3);
    await expect(
      waitUntil(() => false, { timeoutMs: 20, intervalMs: 5, what: 'the answer' }),
    ).rejects.toThrow('the answer not met within 20 ms');
  });
});
