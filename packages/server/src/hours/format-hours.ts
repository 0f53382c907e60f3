import { DateTime } from 'luxon';
import type { TimeRange } from './schedule.js';

/*
 * Wording helpers for `describeBusinessHours`. Everything is formatted in en-US explicitly: the
 * text goes to the model (which answers in the visitor's language anyway), and a fixed locale keeps
 * the output independent of the host's settings.
 */

const LOCALE = 'en-US';

/** `"09:00"` → `"9:00 AM"`; both ends of the day read as "midnight". */
export function formatClockTime(time: string): string {
  if (time === '24:00' || time === '00:00') return 'midnight';
  return DateTime.fromFormat(time, 'HH:mm', { locale: LOCALE }).toFormat('h:mm a');
}

/** A day's ranges in words: `"9:00 AM to 12:00 PM and 1:00 PM to 5:00 PM"`, or `"closed"`. */
export function formatRanges(ranges: readonly TimeRange[]): string {
  if (ranges.length === 0) return 'closed';
  const [only] = ranges;
  if (ranges.length === 1 && only?.[0] === '00:00' && only[1] === '24:00') return 'open 24 hours';
  return ranges
    .map(([start, end]) => `${formatClockTime(start)} to ${formatClockTime(end)}`)
    .join(' and ');
}

/** "Monday, January 5", with the year only when it is not the year of `today`. */
export function formatDate(date: DateTime, today: DateTime): string {
  const format = date.year === today.year ? 'cccc, LLLL d' : 'cccc, LLLL d, yyyy';
  return date.setLocale(LOCALE).toFormat(format);
}

/**
 * When `at` happens, seen from `now`, both in `zone`: "today at 9:00 AM EST", "tomorrow, Tuesday,
 * January 6 at 9:00 AM EST" or "Monday, January 12 at 9:00 AM EST" (with the year when it differs).
 * With `omitToday`, a moment later today is just "at 6:00 PM EST".
 */
export function formatMoment(
  at: number,
  now: number,
  zone: string,
  options: { omitToday?: boolean } = {},
): string {
  const moment = DateTime.fromMillis(at, { zone, locale: LOCALE });
  const today = DateTime.fromMillis(now, { zone, locale: LOCALE }).startOf('day');
  const time = `at ${moment.toFormat('h:mm a ZZZZ')}`;
  const days = Math.round(moment.startOf('day').diff(today, 'days').days);
  const date = formatDate(moment, today);
  if (days === 0) return options.omitToday ? time : `today ${time}`;
  if (days === 1) return `tomorrow, ${date} ${time}`;
  return `${date} ${time}`;
}

function plural(count: number, unit: string): string {
  return `${count} ${unit}${count === 1 ? '' : 's'}`;
}

/**
 * A rough "how long until" for the model to repeat: exact to the minute for the next three hours,
 * then rounded to hours and, from a day on, to days ("about" unless the rounding was exact).
 */
export function relativeHint(from: number, to: number): string {
  const minutes = Math.round((to - from) / 60_000);
  if (minutes < 1) return 'in less than a minute';
  if (minutes < 60) return `in ${plural(minutes, 'minute')}`;
  if (minutes < 180) {
    const rest = minutes % 60;
    const hours = plural(Math.floor(minutes / 60), 'hour');
    return rest === 0 ? `in ${hours}` : `in ${hours} ${plural(rest, 'minute')}`;
  }
  const about = (count: number, unit: string, unitMinutes: number) =>
    `in ${count * unitMinutes === minutes ? '' : 'about '}${plural(count, unit)}`;
  if (minutes < 24 * 60) return about(Math.round(minutes / 60), 'hour', 60);
  return about(Math.round(minutes / (24 * 60)), 'day', 24 * 60);
}
