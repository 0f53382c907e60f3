import { DateTime, IANAZone } from 'luxon';
import { z } from 'zod';

/** Day keys of the weekly schedule, Monday first (luxon's `weekday` 1–7 indexes this list). */
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** `HH:mm` on a 24-hour clock; `24:00` is allowed so a range can run to the end of the day. */
const ClockTime = z
  .string()
  .regex(/^(?:(?:[01]\d|2[0-3]):[0-5]\d|24:00)$/, 'expected a time as HH:mm (00:00–24:00)');

/** Minutes since local midnight of an `HH:mm` string already checked by `ClockTime`. */
export function minutesOfDay(time: string): number {
  const [hours = 0, minutes = 0] = time.split(':').map(Number);
  return hours * 60 + minutes;
}

/** One opening period within a single local day, e.g. `["09:00", "18:00"]`. */
const TimeRange = z
  .tuple([ClockTime, ClockTime])
  .refine(([start, end]) => minutesOfDay(start) < minutesOfDay(end), {
    message: 'a range must start before it ends (use "24:00" for the end of the day)',
  });
export type TimeRange = z.infer<typeof TimeRange>;

/**
 * A day's opening periods. They are sorted here so every consumer can rely on start order, and
 * overlaps are rejected because they almost always mean a typo in the config file.
 */
const DayHours = z
  .array(TimeRange)
  .transform((ranges) => [...ranges].sort(([a], [b]) => minutesOfDay(a) - minutesOfDay(b)))
  .superRefine((ranges, ctx) => {
    for (let i = 1; i < ranges.length; i++) {
      const previous = ranges[i - 1];
      const current = ranges[i];
      if (previous && current && minutesOfDay(current[0]) < minutesOfDay(previous[1])) {
        ctx.addIssue({
          code: 'custom',
          message: `ranges ${previous.join('–')} and ${current.join('–')} overlap`,
        });
      }
    }
  });

const WeeklyHours = z.strictObject({
  mon: DayHours.optional(),
  tue: DayHours.optional(),
  wed: DayHours.optional(),
  thu: DayHours.optional(),
  fri: DayHours.optional(),
  sat: DayHours.optional(),
  sun: DayHours.optional(),
});

const CalendarDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date as YYYY-MM-DD')
  .refine((date) => DateTime.fromISO(date).isValid, { message: 'not a calendar date' });

/**
 * A day that does not follow the weekly schedule. Without `hours` support is closed all day;
 * with `hours` those special hours replace the usual ones (an empty list also means closed).
 */
const Holiday = z.object({
  date: CalendarDate,
  name: z.string().min(1),
  hours: DayHours.optional(),
});
export type Holiday = z.infer<typeof Holiday>;

/**
 * The business-hours config file: the weekly schedule and holidays, all read in `timezone`.
 * A weekday that is missing from `weekly` is closed.
 *
 * @example
 * BusinessHoursConfig.parse({
 *   timezone: 'Europe/Berlin',
 *   weekly: { mon: [['09:00', '12:00'], ['13:00', '17:00']], sat: [['10:00', '14:00']] },
 *   holidays: [{ date: '2026-12-24', name: 'Christmas Eve', hours: [['09:00', '12:00']] }],
 * });
 */
export const BusinessHoursConfig = z.object({
  timezone: z.string().refine((zone) => IANAZone.isValidZone(zone), {
    message: 'not an IANA time zone (e.g. "America/New_York")',
  }),
  weekly: WeeklyHours,
  holidays: z
    .array(Holiday)
    .default([])
    .superRefine((holidays, ctx) => {
      const seen = new Set<string>();
      for (const holiday of holidays) {
        if (seen.has(holiday.date)) {
          ctx.addIssue({ code: 'custom', message: `holiday ${holiday.date} is listed twice` });
        }
        seen.add(holiday.date);
      }
    }),
});
export type BusinessHoursConfig = z.infer<typeof BusinessHoursConfig>;

const NINE_TO_SIX: TimeRange[] = [['09:00', '18:00']];

/** Used when no config file is given: Monday–Friday 09:00–18:00 New York time, US holidays. */
export const DEFAULT_BUSINESS_HOURS: BusinessHoursConfig = {
  timezone: 'America/New_York',
  weekly: {
    mon: NINE_TO_SIX,
    tue: NINE_TO_SIX,
    wed: NINE_TO_SIX,
    thu: NINE_TO_SIX,
    fri: NINE_TO_SIX,
  },
  holidays: [
    { date: '2026-01-01', name: "New Year's Day" },
    { date: '2026-05-25', name: 'Memorial Day' },
    { date: '2026-07-03', name: 'Independence Day (observed)' },
    { date: '2026-09-07', name: 'Labor Day' },
    { date: '2026-11-26', name: 'Thanksgiving Day' },
    { date: '2026-11-27', name: 'Day after Thanksgiving', hours: [['09:00', '13:00']] },
    { date: '2026-12-24', name: 'Christmas Eve', hours: [['09:00', '13:00']] },
    { date: '2026-12-25', name: 'Christmas Day' },
    { date: '2027-01-01', name: "New Year's Day" },
    { date: '2027-05-31', name: 'Memorial Day' },
    { date: '2027-07-05', name: 'Independence Day (observed)' },
    { date: '2027-09-06', name: 'Labor Day' },
    { date: '2027-11-25', name: 'Thanksgiving Day' },
    { date: '2027-11-26', name: 'Day after Thanksgiving', hours: [['09:00', '13:00']] },
    { date: '2027-12-24', name: 'Christmas Day (observed)' },
    { date: '2027-12-31', name: "New Year's Day (observed)" },
  ],
};
