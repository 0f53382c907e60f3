import { DateTime } from 'luxon';
import { formatDate, formatMoment, formatRanges, relativeHint } from './format-hours.js';
import { hoursOn, openPeriods } from './open-periods.js';
import type { BusinessHoursConfig, Weekday } from './schedule.js';
import { WEEKDAYS } from './schedule.js';

/** Whether support is open at an instant, and what changes next. Times are ISO 8601 with offset. */
export interface SupportStatus {
  open: boolean;
  /** When open: when this opening ends. Absent when it lasts past the search horizon (24/7). */
  closesAt?: string;
  /** When closed: the next opening. Absent when none is scheduled within the search horizon. */
  nextOpensAt?: string;
  /** The name of the holiday on today's local date, if any. */
  todayHoliday?: string;
}

/** How far ahead `describeBusinessHours` lists holidays. */
const UPCOMING_HOLIDAY_DAYS = 60;

function isoAt(ms: number, zone: string): string {
  return DateTime.fromMillis(ms, { zone }).toISO({ suppressMilliseconds: true }) ?? '';
}

/**
 * Whether support is open at `now`, computed in the config's time zone (holidays, special hours
 * and DST changes included).
 *
 * @example
 * supportStatus(DEFAULT_BUSINESS_HOURS, Date.parse('2026-01-05T15:00:00Z'));
 * // → { open: true, closesAt: '2026-01-05T18:00:00-05:00' }
 */
export function supportStatus(config: BusinessHoursConfig, now: number): SupportStatus {
  const zone = config.timezone;
  const today = DateTime.fromMillis(now, { zone }).startOf('day');
  const holiday = hoursOn(config, today).holiday;
  const status: SupportStatus = { open: false };
  if (holiday) status.todayHoliday = holiday.name;

  const next = openPeriods(config, now).next();
  if (next.done) return status;
  const period = next.value;
  if (period.start <= now) {
    status.open = true;
    if (Number.isFinite(period.end)) status.closesAt = isoAt(period.end, zone);
  } else {
    status.nextOpensAt = isoAt(period.start, zone);
  }
  return status;
}

const DAY_NAMES: Record<Weekday, string> = {
  mon: 'Monday',
  tue: 'Tuesday',
  wed: 'Wednesday',
  thu: 'Thursday',
  fri: 'Friday',
  sat: 'Saturday',
  sun: 'Sunday',
};

/** The weekly schedule as lines, with runs of days that share hours grouped ("Monday to Friday"). */
function weeklyLines(config: BusinessHoursConfig): string[] {
  const days = WEEKDAYS.map((day) => ({
    name: DAY_NAMES[day],
    hours: formatRanges(config.weekly[day] ?? []),
  }));
  const lines: string[] = [];
  let run: (typeof days)[number][] = [];
  for (const day of [...days, undefined]) {
    const [first] = run;
    const last = run[run.length - 1];
    if (first && last && (!day || day.hours !== first.hours)) {
      const joiner = run.length === 2 ? ' and ' : ' to ';
      const label = run.length === 1 ? first.name : `${first.name}${joiner}${last.name}`;
      lines.push(`- ${label}: ${first.hours}`);
      run = [];
    }
    if (day) run.push(day);
  }
  return lines;
}

function upcomingHolidayLines(config: BusinessHoursConfig, now: number): string[] {
  const today = DateTime.fromMillis(now, { zone: config.timezone }).startOf('day');
  const first = today.toISODate() ?? '';
  const last = today.plus({ days: UPCOMING_HOLIDAY_DAYS - 1 }).toISODate() ?? '';
  return config.holidays
    .filter((h) => h.date >= first && h.date <= last)
    .sort((a, b) => a.date.localeCompare(b.date))
    .map((h) => {
      const date = formatDate(DateTime.fromISO(h.date, { zone: config.timezone }), today);
      const hours =
        h.hours && h.hours.length > 0 ? `special hours ${formatRanges(h.hours)}` : 'closed';
      return `- ${date}: ${h.name} (${hours})`;
    });
}

function statusSentence(config: BusinessHoursConfig, now: number): string {
  const zone = config.timezone;
  const status = supportStatus(config, now);
  const holiday = status.todayHoliday ? `Today is a holiday (${status.todayHoliday}). ` : '';
  if (status.open) {
    if (!status.closesAt) return `${holiday}Support is open now, around the clock.`;
    const closesAt = Date.parse(status.closesAt);
    const when = formatMoment(closesAt, now, zone, { omitToday: true });
    return `${holiday}Support is open now (closes ${when}, ${relativeHint(now, closesAt)}).`;
  }
  if (!status.nextOpensAt) {
    return `${holiday}Support is closed now, and no opening hours are scheduled for the coming year.`;
  }
  const opensAt = Date.parse(status.nextOpensAt);
  const when = formatMoment(opensAt, now, zone);
  return `${holiday}Support is closed now; it next opens ${when} (${relativeHint(now, opensAt)}).`;
}

/**
 * The `get_business_hours` answer for the model: the weekly schedule with its time zone, holidays
 * in the next 60 days, and whether support is open right now.
 *
 * @example
 * describeBusinessHours(DEFAULT_BUSINESS_HOURS, Date.parse('2026-01-03T17:00:00Z'));
 * // "Support hours (time zone America/New_York):
 * //  - Monday to Friday: 9:00 AM to 6:00 PM
 * //  - Saturday and Sunday: closed
 * //  ...
 * //  Support is closed now; it next opens Monday, January 5 at 9:00 AM EST (in about 2 days)."
 */
export function describeBusinessHours(config: BusinessHoursConfig, now: number): string {
  const lines = [`Support hours (time zone ${config.timezone}):`, ...weeklyLines(config)];
  const holidays = upcomingHolidayLines(config, now);
  lines.push(
    holidays.length > 0
      ? `Holidays in the next ${UPCOMING_HOLIDAY_DAYS} days:`
      : `No holidays in the next ${UPCOMING_HOLIDAY_DAYS} days.`,
    ...holidays,
    statusSentence(config, now),
  );
  return lines.join('\n');
}
