import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { BusinessHoursConfig, DEFAULT_BUSINESS_HOURS } from './schedule.js';

const valid = { timezone: 'Europe/Berlin', weekly: { mon: [['09:00', '17:00']] } };

describe('BusinessHoursConfig', () => {
  it('accepts the defaults unchanged', () => {
    expect(BusinessHoursConfig.parse(DEFAULT_BUSINESS_HOURS)).toEqual(DEFAULT_BUSINESS_HOURS);
  });

  it('puts every default holiday on a weekday, since weekend holidays would change nothing', () => {
    for (const holiday of DEFAULT_BUSINESS_HOURS.holidays) {
      expect(DateTime.fromISO(holiday.date).weekday, holiday.date).toBeLessThanOrEqual(5);
    }
  });

  it('defaults holidays to an empty list', () => {
    expect(BusinessHoursConfig.parse(valid).holidays).toEqual([]);
  });

  it('allows 24:00 as an end and sorts ranges by start', () => {
    const parsed = BusinessHoursConfig.parse({
      timezone: 'UTC',
      weekly: {
        fri: [
          ['20:00', '24:00'],
          ['00:00', '06:00'],
        ],
      },
    });
    expect(parsed.weekly.fri).toEqual([
      ['00:00', '06:00'],
      ['20:00', '24:00'],
    ]);
  });

  it('accepts touching ranges and holiday special hours', () => {
    const parsed = BusinessHoursConfig.parse({
      ...valid,
      weekly: {
        mon: [
          ['09:00', '12:00'],
          ['12:00', '17:00'],
        ],
      },
      holidays: [{ date: '2026-12-24', name: 'Christmas Eve', hours: [['09:00', '12:00']] }],
    });
    expect(parsed.holidays[0]?.hours).toEqual([['09:00', '12:00']]);
  });

  it.each([
    ['an unknown time zone', { ...valid, timezone: 'Mars/Olympus_Mons' }],
    ['a UTC offset instead of a zone', { ...valid, timezone: '+05:00' }],
    ['a time without leading zero', { ...valid, weekly: { mon: [['9:00', '17:00']] } }],
    ['an hour past 24', { ...valid, weekly: { mon: [['09:00', '25:00']] } }],
    ['24:30', { ...valid, weekly: { mon: [['09:00', '24:30']] } }],
    ['24:00 as a start', { ...valid, weekly: { mon: [['24:00', '24:00']] } }],
    ['a range ending before it starts', { ...valid, weekly: { mon: [['18:00', '09:00']] } }],
    ['an empty range', { ...valid, weekly: { mon: [['09:00', '09:00']] } }],
    [
      'overlapping ranges',
      {
        ...valid,
        weekly: {
          mon: [
            ['09:00', '13:00'],
            ['12:00', '17:00'],
          ],
        },
      },
    ],
    ['a misspelt weekday', { ...valid, weekly: { monday: [['09:00', '17:00']] } }],
    ['a range with three times', { ...valid, weekly: { mon: [['09:00', '12:00', '17:00']] } }],
    ['an impossible date', { ...valid, holidays: [{ date: '2026-02-30', name: 'Nope' }] }],
    ['a date in another format', { ...valid, holidays: [{ date: '12/25/2026', name: 'Xmas' }] }],
    ['a holiday without a name', { ...valid, holidays: [{ date: '2026-12-25', name: '' }] }],
    [
      'the same holiday date twice',
      {
        ...valid,
        holidays: [
          { date: '2026-12-25', name: 'Christmas' },
          { date: '2026-12-25', name: 'Christmas again' },
        ],
      },
    ],
  ])('rejects %s', (_name, input) => {
    expect(BusinessHoursConfig.safeParse(input).success).toBe(false);
  });
});
