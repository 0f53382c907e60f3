import { describe, expect, it } from 'vitest';
import { formatDay, formatDuration, formatPercent, formatSeconds, visitorName } from './format';

describe('formatting', () => {
  it.each([
    [-5, '0 s'],
    [45_000, '45 s'],
    [185_000, '3 min'],
    [3_600_000, '1 h'],
    [3_900_000, '1 h 5 min'],
    [2 * 86_400_000 + 4 * 3_600_000, '2 d 4 h'],
  ])('says %i ms as %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('says shares and missing figures', () => {
    expect(formatPercent(0.667)).toBe('67%');
    expect(formatPercent(undefined)).toBe('–');
    expect(formatSeconds(90)).toBe('1 min');
    expect(formatDay('2026-01-05')).toBe('Jan 5');
  });

  it('names a visitor by what the team knows, best first', () => {
    expect(visitorName({ id: 'c_abcdefgh' })).toBe('Visitor cdefgh');
    expect(visitorName({ id: 'c_1', identity: { sub: 'u1', email: 'v@x.test' } })).toBe('v@x.test');
    expect(
      visitorName({
        id: 'c_1',
        contact: { email: 'a@x.test' },
        identity: { sub: 'u', name: 'Ann' },
      }),
    ).toBe('Ann');
    expect(visitorName({ id: 'c_1', contact: { email: 'a@x.test', name: 'Al' } })).toBe('Al');
  });
});
