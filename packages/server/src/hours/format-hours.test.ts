import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { formatClockTime, formatMoment, formatRanges, relativeHint } from './format-hours.js';

const MINUTE = 60_000;

describe('relativeHint', () => {
  it.each([
    [0, 'in less than a minute'],
    [0.4, 'in less than a minute'],
    [1, 'in 1 minute'],
    [45, 'in 45 minutes'],
    [60, 'in 1 hour'],
    [61, 'in 1 hour 1 minute'],
    [90, 'in 1 hour 30 minutes'],
    [179, 'in 2 hours 59 minutes'],
    [180, 'in 3 hours'],
    [200, 'in about 3 hours'],
    [23 * 60 + 20, 'in about 23 hours'],
    [24 * 60, 'in 1 day'],
    [30 * 60, 'in about 1 day'],
    [60 * 60, 'in about 3 days'],
  ])('%d minutes → %s', (minutes, expected) => {
    expect(relativeHint(0, minutes * MINUTE)).toBe(expected);
  });
});

describe('formatClockTime and formatRanges', () => {
  it.each([
    ['09:00', '9:00 AM'],
    ['12:00', '12:00 PM'],
    ['13:30', '1:30 PM'],
    ['23:59', '11:59 PM'],
    ['00:00', 'midnight'],
    ['24:00', 'midnight'],
  ])('%s → %s', (time, expected) => {
    expect(formatClockTime(time)).toBe(expected);
  });

  it('words closed days, full days and split days', () => {
    expect(formatRanges([])).toBe('closed');
    expect(formatRanges([['00:00', '24:00']])).toBe('open 24 hours');
    expect(
      formatRanges([
        ['00:00', '06:00'],
        ['22:00', '24:00'],
      ]),
    ).toBe('midnight to 6:00 AM and 10:00 PM to midnight');
  });
});

describe('formatMoment', () => {
  const zone = 'America/New_York';
  const at = (iso: string) => DateTime.fromISO(iso, { zone }).toMillis();
  const now = at('2026-01-05T08:00');

  it.each([
    ['2026-01-05T09:00', 'today at 9:00 AM EST'],
    ['2026-01-06T09:00', 'tomorrow, Tuesday, January 6 at 9:00 AM EST'],
    ['2026-01-12T09:00', 'Monday, January 12 at 9:00 AM EST'],
    ['2026-07-01T09:00', 'Wednesday, July 1 at 9:00 AM EDT'],
    ['2027-01-04T09:00', 'Monday, January 4, 2027 at 9:00 AM EST'],
  ])('%s → %s', (iso, expected) => {
    expect(formatMoment(at(iso), now, zone)).toBe(expected);
  });

  it('drops "today" on request, so a closing time reads "closes at 6:00 PM"', () => {
    expect(formatMoment(at('2026-01-05T18:00'), now, zone, { omitToday: true })).toBe(
      'at 6:00 PM EST',
    );
  });

  it('counts calendar days in the zone, not 24-hour steps, across a DST change', () => {
    const saturdayNight = at('2026-03-07T23:30');
    expect(formatMoment(at('2026-03-08T09:00'), saturdayNight, zone)).toBe(
      'tomorrow, Sunday, March 8 at 9:00 AM EDT',
    );
  });
});
