import { DateTime } from 'luxon';
import type { BusinessHoursConfig, Holiday, TimeRange } from './schedule.js';
import { minutesOfDay, WEEKDAYS } from './schedule.js';

/**
 * How far ahead openings are searched at most: a little over a year, so a schedule closed for a
 * long stretch (e.g. holidays listed far ahead with no hours in between) still ends the search.
 */
export const SEARCH_HORIZON_DAYS = 400;

/** A stretch of time when support is open, in epoch milliseconds; `end` is exclusive. */
export interface OpenPeriod {
  start: number;
  /** `Infinity` when support is still open at the end of the search horizon (e.g. a 24/7 desk). */
  end: number;
}

/**
 * The hours that apply on one local date (only its calendar fields are read): a holiday's (special
 * hours or closed) or the weekday's. Ranges come sorted by start, as the schema leaves them.
 */
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
 * The instant a local `HH:mm` on a calendar date falls on in `zone`. Built from calendar fields, so
 * 09:00 stays 09:00 on the days clocks change; a time that does not exist (inside a spring-forward
 * gap) moves forward to the first valid instant, as luxon does.
 */
function instantOf(date: DateTime, time: string, zone: string): number {
  const endOfDay = time === '24:00';
  const { year, month, day } = endOfDay ? date.plus({ days: 1 }) : date;
  const minutes = endOfDay ? 0 : minutesOfDay(time);
  const hour = Math.floor(minutes / 60);
  return DateTime.fromObject({ year, month, day, hour, minute: minutes % 60 }, { zone }).toMillis();
}

/** Whether sorted ranges leave no minute of the day closed. */
function coversWholeDay(ranges: readonly TimeRange[]): boolean {
  let reached = 0;
  for (const [start, end] of ranges) {
    if (minutesOfDay(start) > reached) return false;
    reached = Math.max(reached, minutesOfDay(end));
  }
  return reached === 24 * 60;
}

/**
 * Yields the open periods that end after `from`, in order, starting with the local day that
 * contains `from`. Back-to-back ranges (Monday until 24:00, then Tuesday from 00:00) are merged,
 * so a period's end is when support really closes. Each period is yielded as soon as it is final,
 * so asking for the first one scans only as far as needed.
 *
 * The scan stops after `SEARCH_HORIZON_DAYS`, or earlier once a whole week past the last holiday
 * has been seen: from then on the weekly schedule simply repeats, so a week without hours means
 * there will never be any, and a week open around the clock means it never closes.
 */
export function* openPeriods(config: BusinessHoursConfig, from: number): Generator<OpenPeriod> {
  const zone = config.timezone;
  const local = DateTime.fromMillis(from, { zone });
  // Calendar dates are walked in UTC, where adding days needs no time-zone lookups; only range
  // endpoints are resolved in the configured zone.
  const firstDate = DateTime.utc(local.year, local.month, local.day);
  const lastHoliday = config.holidays
    .map((h) => h.date)
    .sort()
    .at(-1);
  const weeklyOnlyFrom = lastHoliday
    ? Math.max(0, DateTime.fromISO(lastHoliday, { zone: 'utc' }).diff(firstDate, 'days').days + 1)
    : 0;

  let pending: OpenPeriod | undefined;
  let pendingEndsAtMidnight = false;
  let sawHoursSinceWeeklyOnly = false;
  let daysOpenAroundTheClock = 0;
  for (let i = 0; i < SEARCH_HORIZON_DAYS; i++) {
    const date = firstDate.plus({ days: i });
    const { ranges } = hoursOn(config, date);
    if (pending && !(pendingEndsAtMidnight && ranges[0]?.[0] === '00:00')) {
      yield pending;
      pending = undefined;
    }
    if (i >= weeklyOnlyFrom) {
      if (i >= weeklyOnlyFrom + 7 && !sawHoursSinceWeeklyOnly) return;
      sawHoursSinceWeeklyOnly ||= ranges.length > 0;
      daysOpenAroundTheClock = coversWholeDay(ranges) ? daysOpenAroundTheClock + 1 : 0;
    }
    for (const [startTime, endTime] of ranges) {
      // Midnight continuing yesterday's 24:00 is where the pending period ends: no zone lookup needed.
      const continuesPending = pending && pendingEndsAtMidnight && startTime === '00:00';
      const start = continuesPending && pending ? pending.end : instantOf(date, startTime, zone);
      const end = instantOf(date, endTime, zone);
      // A range that lies entirely inside a spring-forward gap has no real duration.
      if (end <= start || end <= from) continue;
      if (pending && start <= pending.end) {
        pending.end = Math.max(pending.end, end);
      } else {
        if (pending) yield pending;
        pending = { start, end };
      }
      pendingEndsAtMidnight = endTime === '24:00';
    }
    if (pending && daysOpenAroundTheClock >= 7) {
      yield { start: pending.start, end: Number.POSITIVE_INFINITY };
      return;
    }
  }
  // Still open when the horizon ends (only possible with holidays listed further ahead than that).
  if (pending)
    yield pendingEndsAtMidnight ? { ...pending, end: Number.POSITIVE_INFINITY } : pending;
}
