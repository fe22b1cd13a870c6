import { describe, expect, test } from '@jest/globals';
import { fromIsoDate, parseIsoDate, toIsoDate } from './dates.js';

describe('calendar dates', () => {
  test('valid dates print as YYYY-MM-DD', () => {
    expect(toIsoDate({ year: 2026, month: 3, day: 5 })).toBe('2026-03-05');
    expect(toIsoDate({ year: 1, month: 1, day: 1 })).toBe('0001-01-01');
    expect(toIsoDate({ year: 9999, month: 12, day: 31 })).toBe('9999-12-31');
  });

  test('leap days exist only in leap years', () => {
    expect(toIsoDate({ year: 2024, month: 2, day: 29 })).toBe('2024-02-29');
    expect(toIsoDate({ year: 2000, month: 2, day: 29 })).toBe('2000-02-29');
    expect(toIsoDate({ year: 2026, month: 2, day: 29 })).toBeUndefined();
    expect(toIsoDate({ year: 1900, month: 2, day: 29 })).toBeUndefined();
  });

  test.each([
    ['February 30th', { year: 2026, month: 2, day: 30 }],
    ['April 31st', { year: 2026, month: 4, day: 31 }],
    ['year 0', { year: 0, month: 1, day: 1 }],
    ['year 10000', { year: 10000, month: 1, day: 1 }],
    ['month 0', { year: 2026, month: 0, day: 1 }],
    ['month 13', { year: 2026, month: 13, day: 1 }],
    ['day 0', { year: 2026, month: 1, day: 0 }],
    ['negative year', { year: -5, month: 1, day: 1 }],
    ['fractional day', { year: 2026, month: 1, day: 1.5 }],
  ])('%s is not a date', (_, d) => {
    expect(toIsoDate(d)).toBeUndefined();
  });

  test('parsing is strict and round-trips', () => {
    expect(parseIsoDate('2026-03-05')).toEqual({ year: 2026, month: 3, day: 5 });
    expect(parseIsoDate('2026-3-5')).toBeUndefined();
    expect(parseIsoDate('2026-02-30')).toBeUndefined();
    expect(parseIsoDate('2026-03-05T00:00:00Z')).toBeUndefined();
    expect(toIsoDate(fromIsoDate('0042-07-01'))).toBe('0042-07-01');
    expect(() => fromIsoDate('nope')).toThrow();
  });
});
