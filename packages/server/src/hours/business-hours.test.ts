import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { describeBusinessHours, type SupportStatus, supportStatus } from './business-hours.js';
import { BusinessHoursConfig, DEFAULT_BUSINESS_HOURS } from './schedule.js';

const NY = DEFAULT_BUSINESS_HOURS;
const BERLIN = BusinessHoursConfig.parse({
  timezone: 'Europe/Berlin',
  weekly: Object.fromEntries(
    ['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, [['08:00', '17:00']]]),
  ),
});
const BERLIN_LUNCH = BusinessHoursConfig.parse({
  timezone: 'Europe/Berlin',
  weekly: {
    wed: [
      ['13:00', '17:00'],
      ['09:00', '12:00'],
    ],
  },
});
const AUCKLAND = BusinessHoursConfig.parse({
  timezone: 'Pacific/Auckland',
  weekly: Object.fromEntries(
    ['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, [['09:00', '17:00']]]),
  ),
  holidays: [{ date: '2026-02-06', name: 'Waitangi Day' }],
});
const KOLKATA = BusinessHoursConfig.parse({
  timezone: 'Asia/Kolkata',
  weekly: Object.fromEntries(
    ['mon', 'tue', 'wed', 'thu', 'fri', 'sat'].map((d) => [d, [['09:30', '18:30']]]),
  ),
});
/** A night desk in New York: weekday evenings until 06:00 the next morning. */
const NIGHT_SHIFT = BusinessHoursConfig.parse({
  timezone: 'America/New_York',
  weekly: {
    mon: [['22:00', '24:00']],
    tue: [
      ['00:00', '06:00'],
      ['22:00', '24:00'],
    ],
    wed: [
      ['00:00', '06:00'],
      ['22:00', '24:00'],
    ],
    thu: [
      ['00:00', '06:00'],
      ['22:00', '24:00'],
    ],
    fri: [
      ['00:00', '06:00'],
      ['22:00', '24:00'],
    ],
    sat: [
      ['00:00', '06:00'],
      ['22:00', '24:00'],
    ],
    sun: [['00:00', '06:00']],
  },
});
const ALL_DAY = [['00:00', '24:00']];
const ALWAYS = BusinessHoursConfig.parse({
  timezone: 'America/New_York',
  weekly: Object.fromEntries(
    ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, ALL_DAY]),
  ),
  holidays: [{ date: '2026-12-25', name: 'Christmas Day' }],
});
/** Around the clock on weekdays only: open from Monday 00:00 until Saturday 00:00. */
const WEEKDAYS_ALL_DAY = BusinessHoursConfig.parse({
  timezone: 'America/New_York',
  weekly: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, ALL_DAY])),
});
const NEVER = BusinessHoursConfig.parse({ timezone: 'America/New_York', weekly: {} });
const ONLY_IN_OCTOBER = BusinessHoursConfig.parse({
  timezone: 'America/New_York',
  weekly: {},
  holidays: [{ date: '2026-10-01', name: 'Open day', hours: [['10:00', '14:00']] }],
});
const TOO_FAR_AHEAD = BusinessHoursConfig.parse({
  timezone: 'America/New_York',
  weekly: {},
  holidays: [{ date: '2027-06-01', name: 'Open day', hours: [['10:00', '14:00']] }],
});
/** Special hours on the spring-forward Sunday, partly inside the missing hour (02:00–03:00). */
const DST_GAP = BusinessHoursConfig.parse({
  timezone: 'America/New_York',
  weekly: { mon: [['09:00', '18:00']] },
  holidays: [
    {
      date: '2026-03-08',
      name: 'Gap day',
      hours: [
        ['02:00', '02:30'],
        ['02:45', '04:00'],
      ],
    },
  ],
});

/**
 * An instant: ISO strings with `Z` or an offset are absolute; `YYYY-MM-DDTHH:mm` without one is a
 * wall-clock time in the config's zone (only used away from DST transitions, where it is unambiguous).
 */
function instant(config: BusinessHoursConfig, at: string): number {
  if (/(?:Z|[+-]\d\d:\d\d)$/.test(at)) return Date.parse(at);
  return DateTime.fromISO(at, { zone: config.timezone }).toMillis();
}

const open = (closesAt?: string, todayHoliday?: string): SupportStatus => ({
  open: true,
  ...(closesAt && { closesAt }),
  ...(todayHoliday && { todayHoliday }),
});
const closed = (nextOpensAt?: string, todayHoliday?: string): SupportStatus => ({
  open: false,
  ...(nextOpensAt && { nextOpensAt }),
  ...(todayHoliday && { todayHoliday }),
});

/** One table per schedule: each row is an instant and the status expected then. */
function statusTable(
  config: BusinessHoursConfig,
  rows: Array<[at: string, expected: SupportStatus]>,
) {
  it.each(rows)('at %s', (at, expected) => {
    expect(supportStatus(config, instant(config, at))).toEqual(expected);
  });
}

describe('supportStatus', () => {
  describe('New York (the defaults)', () => {
    statusTable(NY, [
      ['2026-01-05T14:00:00Z', open('2026-01-05T18:00:00-05:00')], // the opening minute
      ['2026-01-05T13:59:59Z', closed('2026-01-05T09:00:00-05:00')], // one second early
      ['2026-01-05T23:00:00Z', closed('2026-01-06T09:00:00-05:00')], // closing time is closed
      ['2026-01-05T17:59', open('2026-01-05T18:00:00-05:00')], // the last minute
      ['2026-01-06T03:00:00Z', closed('2026-01-06T09:00:00-05:00')], // Monday night, Tuesday in UTC
      ['2026-01-09T18:30', closed('2026-01-12T09:00:00-05:00')], // Friday evening
      ['2026-01-10T12:00', closed('2026-01-12T09:00:00-05:00')], // Saturday
    ]);
  });

  describe('New York across DST (2026-03-08 and 2026-11-01)', () => {
    statusTable(NY, [
      ['2026-03-07T00:00:00Z', closed('2026-03-09T09:00:00-04:00')], // weekend of spring-forward
      ['2026-03-09T13:00:00Z', open('2026-03-09T18:00:00-04:00')], // 09:00 EDT
      ['2026-03-09T12:59:00Z', closed('2026-03-09T09:00:00-04:00')], // 08:59 EDT
      ['2026-03-09T22:00:00Z', closed('2026-03-10T09:00:00-04:00')], // 18:00 EDT
      ['2026-10-30T22:30:00Z', closed('2026-11-02T09:00:00-05:00')], // weekend of fall-back
      ['2026-11-02T13:30:00Z', closed('2026-11-02T09:00:00-05:00')], // 08:30 EST
      ['2026-11-02T14:00:00Z', open('2026-11-02T18:00:00-05:00')], // 09:00 EST
    ]);
  });

  describe('New York holidays', () => {
    statusTable(NY, [
      ['2026-11-26T10:00', closed('2026-11-27T09:00:00-05:00', 'Thanksgiving Day')],
      ['2026-11-27T12:00', open('2026-11-27T13:00:00-05:00', 'Day after Thanksgiving')],
      ['2026-11-27T14:00', closed('2026-11-30T09:00:00-05:00', 'Day after Thanksgiving')],
      ['2026-12-24T13:30', closed('2026-12-28T09:00:00-05:00', 'Christmas Eve')], // skips the 25th
      ['2026-12-31T23:30:00Z', closed('2027-01-04T09:00:00-05:00')], // skips New Year's Day
      ['2027-01-01T02:00:00Z', closed('2027-01-04T09:00:00-05:00')], // Jan 1 in UTC only
    ]);
  });

  describe('Berlin (DST on 2026-03-29 and 2026-10-25)', () => {
    statusTable(BERLIN, [
      ['2026-03-27T07:00:00Z', open('2026-03-27T17:00:00+01:00')], // 08:00 CET
      ['2026-03-30T06:00:00Z', open('2026-03-30T17:00:00+02:00')], // 08:00 CEST
      ['2026-03-27T06:00:00Z', closed('2026-03-27T08:00:00+01:00')], // 07:00 CET
      ['2026-10-23T16:00:00Z', closed('2026-10-26T08:00:00+01:00')], // weekend of fall-back
      ['2026-10-26T06:30:00Z', closed('2026-10-26T08:00:00+01:00')], // 07:30 CET
    ]);
    statusTable(BERLIN_LUNCH, [
      ['2026-01-07T12:30', closed('2026-01-07T13:00:00+01:00')], // lunch break
      ['2026-01-07T11:00', open('2026-01-07T12:00:00+01:00')], // closes for lunch
    ]);
  });

  describe('Auckland (UTC+13 in January, DST ends 2026-04-05)', () => {
    statusTable(AUCKLAND, [
      ['2026-01-04T20:00:00Z', open('2026-01-05T17:00:00+13:00')], // Monday 09:00, Sunday in UTC
      ['2026-01-02T04:00:00Z', closed('2026-01-05T09:00:00+13:00')], // Friday 17:00
      ['2026-04-03T17:30', closed('2026-04-06T09:00:00+12:00')], // weekend of DST end
      ['2026-02-05T21:00:00Z', closed('2026-02-09T09:00:00+13:00', 'Waitangi Day')],
    ]);
  });

  describe('Kolkata (UTC+05:30, no DST)', () => {
    statusTable(KOLKATA, [
      ['2026-01-05T04:00:00Z', open('2026-01-05T18:30:00+05:30')], // 09:30 IST
      ['2026-01-05T03:59:00Z', closed('2026-01-05T09:30:00+05:30')], // 09:29 IST
      ['2026-01-10T13:00:00Z', closed('2026-01-12T09:30:00+05:30')], // Saturday 18:30
    ]);
  });

  describe('overnight hours merge across midnight', () => {
    statusTable(NIGHT_SHIFT, [
      ['2026-01-05T23:00', open('2026-01-06T06:00:00-05:00')],
      ['2026-01-06T03:00', open('2026-01-06T06:00:00-05:00')],
      ['2026-01-05T21:00', closed('2026-01-05T22:00:00-05:00')],
      ['2026-03-08T04:00:00Z', open('2026-03-08T06:00:00-04:00')], // across spring-forward
      ['2026-11-01T04:30:00Z', open('2026-11-01T06:00:00-05:00')], // across fall-back
      ['2026-01-11T07:00', closed('2026-01-12T22:00:00-05:00')], // Sunday after the last shift
    ]);
  });

  describe('degenerate schedules', () => {
    statusTable(ALWAYS, [
      ['2026-12-26T12:00', open()], // 24/7 with no holiday left: never closes
      ['2026-12-24T10:00', open('2026-12-25T00:00:00-05:00')], // closes for Christmas
      ['2026-12-25T10:00', closed('2026-12-26T00:00:00-05:00', 'Christmas Day')],
    ]);
    statusTable(WEEKDAYS_ALL_DAY, [
      ['2026-01-05T12:00', open('2026-01-10T00:00:00-05:00')], // one period, Monday to Friday
      ['2026-01-10T12:00', closed('2026-01-12T00:00:00-05:00')],
    ]);
    statusTable(NEVER, [['2026-01-05T12:00', closed()]]);
    statusTable(ONLY_IN_OCTOBER, [['2026-01-05T12:00', closed('2026-10-01T10:00:00-04:00')]]);
    statusTable(TOO_FAR_AHEAD, [['2026-01-05T12:00', closed()]]); // beyond the search horizon
    // 02:00–02:30 does not exist that day; 02:45–04:00 really starts at 03:00 EDT.
    statusTable(DST_GAP, [
      ['2026-03-08T05:00:00Z', closed('2026-03-08T03:00:00-04:00', 'Gap day')],
    ]);
  });
});

describe('describeBusinessHours', () => {
  const text = (config: BusinessHoursConfig, at: string) =>
    describeBusinessHours(config, instant(config, at));

  it('describes a closed weekend in full', () => {
    expect(text(NY, '2026-01-03T12:00')).toBe(
      [
        'Support hours (time zone America/New_York):',
        '- Monday to Friday: 9:00 AM to 6:00 PM',
        '- Saturday and Sunday: closed',
        'No holidays in the next 60 days.',
        'Support is closed now; it next opens Monday, January 5 at 9:00 AM EST (in about 2 days).',
      ].join('\n'),
    );
  });

  it.each([
    [
      'open, closing today',
      NY,
      '2026-01-05T15:00',
      'Support is open now (closes at 6:00 PM EST, in 3 hours).',
    ],
    [
      'opening later today',
      NY,
      '2026-01-05T07:15',
      'Support is closed now; it next opens today at 9:00 AM EST (in 1 hour 45 minutes).',
    ],
    [
      'opening tomorrow',
      NY,
      '2026-01-05T19:00',
      'Support is closed now; it next opens tomorrow, Tuesday, January 6 at 9:00 AM EST (in 14 hours).',
    ],
    [
      'opening after DST starts',
      NY,
      '2026-03-06T19:00',
      'it next opens Monday, March 9 at 9:00 AM EDT (in about 3 days).',
    ],
    [
      'opening next year',
      NY,
      '2026-12-31T18:30',
      'it next opens Monday, January 4, 2027 at 9:00 AM EST (in about 4 days).',
    ],
    [
      'a holiday today',
      NY,
      '2026-11-26T10:00',
      'Today is a holiday (Thanksgiving Day). Support is closed now; it next opens tomorrow, Friday, November 27 at 9:00 AM EST (in 23 hours).',
    ],
    [
      'closing tomorrow morning',
      NIGHT_SHIFT,
      '2026-01-05T23:00',
      'Support is open now (closes tomorrow, Tuesday, January 6 at 6:00 AM EST, in 7 hours).',
    ],
    [
      'a half-hour zone',
      KOLKATA,
      '2026-01-05T17:00',
      'Support is open now (closes at 6:30 PM GMT+5:30, in 1 hour 30 minutes).',
    ],
    [
      'a lunch break',
      BERLIN_LUNCH,
      '2026-01-07T12:50',
      'Support is closed now; it next opens today at 1:00 PM GMT+1 (in 10 minutes).',
    ],
    ['around the clock', ALWAYS, '2026-12-26T12:00', 'Support is open now, around the clock.'],
    [
      'no hours at all',
      NEVER,
      '2026-06-01T12:00',
      'Support is closed now, and no opening hours are scheduled for the coming year.',
    ],
  ])('says when support is %s', (_name, config, at, sentence) => {
    expect(text(config, at)).toContain(sentence);
  });

  it.each([
    [
      BERLIN_LUNCH,
      '- Monday and Tuesday: closed\n- Wednesday: 9:00 AM to 12:00 PM and 1:00 PM to 5:00 PM\n- Thursday to Sunday: closed',
    ],
    [KOLKATA, '- Monday to Saturday: 9:30 AM to 6:30 PM\n- Sunday: closed'],
    [
      NIGHT_SHIFT,
      '- Monday: 10:00 PM to midnight\n- Tuesday to Saturday: midnight to 6:00 AM and 10:00 PM to midnight\n- Sunday: midnight to 6:00 AM',
    ],
    [ALWAYS, '- Monday to Sunday: open 24 hours'],
  ])('groups the weekly schedule (%#)', (config, schedule) => {
    expect(text(config, '2026-06-01T12:00')).toContain(
      `(time zone ${config.timezone}):\n${schedule}\n`,
    );
  });

  it('lists holidays of the next 60 days, today included, with special hours', () => {
    expect(text(NY, '2026-11-26T10:00')).toContain(
      [
        'Holidays in the next 60 days:',
        '- Thursday, November 26: Thanksgiving Day (closed)',
        '- Friday, November 27: Day after Thanksgiving (special hours 9:00 AM to 1:00 PM)',
        '- Thursday, December 24: Christmas Eve (special hours 9:00 AM to 1:00 PM)',
        '- Friday, December 25: Christmas Day (closed)',
        "- Friday, January 1, 2027: New Year's Day (closed)",
        '- Monday, May 31, 2027',
      ]
        .slice(0, 6)
        .join('\n'),
    );
  });

  it('stops the holiday list at 60 days', () => {
    // 2026-11-26 is day 59 counting from 2026-09-28; 2026-11-27 would be day 60.
    const description = text(NY, '2026-09-28T12:00');
    expect(description).toContain('Thanksgiving Day');
    expect(description).not.toContain('Day after Thanksgiving');
    expect(description).not.toContain('Labor Day');
  });
});
