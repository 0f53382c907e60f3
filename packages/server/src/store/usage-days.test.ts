import { describe, expect, it } from 'vitest';
import {
  assertUsageDay,
  nextUtcMidnight,
  oldestKeptUsageDay,
  USAGE_DAYS_KEPT,
  utcDay,
} from './usage-days.js';

describe('usage days', () => {
  it('names the UTC day of an instant, whatever the local time zone says', () => {
    expect(utcDay(Date.UTC(2026, 0, 5, 0, 0, 0, 0))).toBe('2026-01-05');
    expect(utcDay(Date.UTC(2026, 0, 5, 23, 59, 59, 999))).toBe('2026-01-05');
    expect(utcDay(Date.parse('2026-01-05T23:30:00-05:00'))).toBe('2026-01-06');
  });

  it('finds the next UTC midnight strictly after an instant', () => {
    const midnight = Date.UTC(2026, 0, 6);
    expect(nextUtcMidnight(Date.UTC(2026, 0, 5, 12))).toBe(midnight);
    expect(nextUtcMidnight(midnight - 1)).toBe(midnight);
    expect(nextUtcMidnight(midnight)).toBe(Date.UTC(2026, 0, 7));
  });

  it('keeps a week of days, counted back across month and year ends', () => {
    expect(USAGE_DAYS_KEPT).toBe(7);
    expect(oldestKeptUsageDay('2026-01-12')).toBe('2026-01-06');
    expect(oldestKeptUsageDay('2026-01-03')).toBe('2025-12-28');
    expect(oldestKeptUsageDay('2024-03-02')).toBe('2024-02-25');
  });

  it('accepts only real calendar dates', () => {
    expect(() => assertUsageDay('2024-02-29')).not.toThrow();
    for (const bad of ['2026-02-29', '2026-13-01', '2026-1-5', ' 2026-01-05', '20260105']) {
      expect(() => assertUsageDay(bad)).toThrow(RangeError);
    }
  });
});
