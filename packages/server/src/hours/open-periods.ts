import { DateTime } from 'luxon';
import type { BusinessHoursConfig, Holiday, TimeRange } from './schedule.js';
import { minutesOfDay, WEEKDAYS } from './schedule.js';

/**
 * How far ahead openings are searched. A little over a year, so a schedule that is closed for a
 * long stretch (or has no hours at all) ends the search instead of looping forever.
 */
export const SEARCH_HORIZON_DAYS = 400;

/** A stretch of time when support is open, in epoch milliseconds; `end` is exclusive. */
export interface OpenPeriod {
  start: number;
  /** `Infinity` when support is still open at the end of the search horizon (e.g. a 24/7 desk). */
  end: number;
}

/** The hours that apply on one local date: a holiday's (special hours or closed) or the weekday's. */
export function hoursOn(
  config: BusinessHoursConfig,
  day: DateTime,
): { ranges: readonly TimeRange[]; holiday?: Holiday } {
  const date = day.toISODate();
  const holiday = config.holidays.find((h) => h.date === date);
  if (holiday) return { ranges: holiday.hours ?? [], holiday };
  const weekday = WEEKDAYS[day.weekday - 1];
  return { ranges: (weekday && config.weekly[weekday]) ?? [] };
}

/**
 * The instant a local `HH:mm` falls on in `day`'s zone. Built from calendar fields rather than by
 * adding minutes to midnight, so 09:00 stays 09:00 on the days clocks change; a time that does not
 * exist (inside a spring-forward gap) moves forward to the first valid instant, as luxon does.
 */
function instantOf(day: DateTime, time: string): number {
  if (time === '24:00') return day.plus({ days: 1 }).startOf('day').toMillis();
  const minutes = minutesOfDay(time);
  return day.set({ hour: Math.floor(minutes / 60), minute: minutes % 60 }).toMillis();
}

/**
 * Yields the open periods that end after `from`, in order, for up to `SEARCH_HORIZON_DAYS` local
 * days starting with the day that contains `from`. Back-to-back ranges (Monday until 24:00, then
 * Tuesday from 00:00) are merged, so a period's end is when support really closes.
 */
export function* openPeriods(config: BusinessHoursConfig, from: number): Generator<OpenPeriod> {
  const firstDay = DateTime.fromMillis(from, { zone: config.timezone }).startOf('day');
  let pending: OpenPeriod | undefined;
  for (let i = 0; i < SEARCH_HORIZON_DAYS; i++) {
    const day = firstDay.plus({ days: i });
    for (const [startTime, endTime] of hoursOn(config, day).ranges) {
      const start = instantOf(day, startTime);
      const end = instantOf(day, endTime);
      // A range that lies entirely inside a spring-forward gap has no real duration.
      if (end <= start || end <= from) continue;
      if (pending && start <= pending.end) {
        pending.end = Math.max(pending.end, end);
        continue;
      }
      if (pending) yield pending;
      pending = { start, end };
    }
  }
  if (!pending) return;
  const horizonEnd = firstDay.plus({ days: SEARCH_HORIZON_DAYS }).toMillis();
  yield pending.end >= horizonEnd ? { start: pending.start, end: Number.POSITIVE_INFINITY } : pending;
}
