import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import {
  addDays,
  compareIsoDate,
  daysBetween,
  daysInMonth,
  formatInstant,
  fromCalendarDate,
  fromEpochDay,
  isoDate,
  MAX_ISO_DATE,
  MIN_ISO_DATE,
  parseIsoDate,
  toCalendarDate,
  toEpochDay,
  type IsoDate,
} from './calendar.js';

const d = isoDate;

describe('parseIsoDate', () => {
  test.each([
    ['an ordinary date', '2026-03-05'],
    ['Feb 29 of 2024', '2024-02-29'],
    ['Feb 29 of 2000 (divisible by 400)', '2000-02-29'],
    ['the first date', '0001-01-01'],
    ['the last date', '9999-12-31'],
    ['Apr 30', '2026-04-30'],
  ])('accepts %s', (_, text) => {
    expect(parseIsoDate(text)).toBe(text);
  });

  test.each([
    ['Feb 29 of a common year', '2026-02-29'],
    ['Feb 29 of 2100 (century, not leap)', '2100-02-29'],
    ['Feb 29 of 1900', '1900-02-29'],
    ['Feb 30', '2024-02-30'],
    ['Apr 31', '2026-04-31'],
    ['year 0', '0000-01-01'],
    ['a five-digit year', '10000-01-01'],
    ['month 0', '2026-00-10'],
    ['month 13', '2026-13-01'],
    ['day 0', '2026-01-00'],
    ['day 32', '2026-01-32'],
    ['unpadded parts', '2026-3-5'],
    ['a time', '2026-03-05T00:00:00Z'],
    ['surrounding blanks', ' 2026-03-05'],
    ['a trailing newline', '2026-03-05\n'],
    ['slashes', '2026/03/05'],
    ['a sign', '+2026-03-05'],
    ['non-ASCII digits', '٢٠٢٦-03-05'],
    ['the empty string', ''],
  ])('refuses %s', (_, text) => {
    expect(parseIsoDate(text)).toBeUndefined();
  });

  test('refuses what is not a string', () => {
    expect(parseIsoDate(20260305)).toBeUndefined();
    expect(parseIsoDate(null)).toBeUndefined();
  });

  test('isoDate throws on what parseIsoDate refuses', () => {
    expect(isoDate('2024-02-29')).toBe('2024-02-29');
    expect(() => isoDate('2026-02-29')).toThrow(RangeError);
  });
});

describe('calendar arithmetic', () => {
  test.each([
    [2024, 2, 29],
    [2028, 2, 29],
    [2000, 2, 29],
    [2100, 2, 28],
    [2026, 2, 28],
    [2026, 4, 30],
    [2026, 12, 31],
  ])('%d-%d has %d days', (year, month, days) => {
    expect(daysInMonth(year, month)).toBe(days);
  });

  test.each([
    ['across a year end', '2025-12-31', 1, '2026-01-01'],
    ['into a leap day', '2024-02-28', 1, '2024-02-29'],
    ['past a missing leap day in 2100', '2100-02-28', 1, '2100-03-01'],
    ['onto the leap day of 2000', '2000-02-28', 1, '2000-02-29'],
    ['a leap year forward', '2024-01-01', 366, '2025-01-01'],
    ['a common year forward', '2026-01-01', 365, '2027-01-01'],
    ['backwards over a year end', '2026-01-01', -1, '2025-12-31'],
    ['backwards over a leap day', '2024-03-01', -1, '2024-02-29'],
    ['zero days', '2026-03-05', 0, '2026-03-05'],
    ['to the last date', '9999-12-30', 1, '9999-12-31'],
    ['to the first date', '0001-01-02', -1, '0001-01-01'],
  ])('addDays %s', (_, from, days, expected) => {
    expect(addDays(d(from), days)).toBe(expected);
  });

  test('addDays refuses to leave years 1..9999 or to move by part of a day', () => {
    expect(() => addDays(MAX_ISO_DATE, 1)).toThrow(RangeError);
    expect(() => addDays(MIN_ISO_DATE, -1)).toThrow(RangeError);
    expect(() => addDays(d('2026-03-05'), 0.5)).toThrow(RangeError);
  });

  test('epoch days count from 1970-01-01', () => {
    expect(toEpochDay(d('1970-01-01'))).toBe(0);
    expect(toEpochDay(d('1969-12-31'))).toBe(-1);
    expect(toEpochDay(d('2000-03-01'))).toBe(11017);
    expect(fromEpochDay(11017)).toBe('2000-03-01');
    expect(fromEpochDay(toEpochDay(MAX_ISO_DATE) + 1)).toBeUndefined();
    expect(fromEpochDay(toEpochDay(MIN_ISO_DATE) - 1)).toBeUndefined();
  });

  test('compareIsoDate orders dates and sorts', () => {
    expect(compareIsoDate(d('2026-01-31'), d('2026-02-01'))).toBe(-1);
    expect(compareIsoDate(d('2026-02-01'), d('2026-02-01'))).toBe(0);
    expect(compareIsoDate(d('2027-01-01'), d('2026-12-31'))).toBe(1);
    expect([d('2026-03-01'), d('0999-12-31'), d('2026-02-28')].sort(compareIsoDate)).toEqual(['0999-12-31', '2026-02-28', '2026-03-01']);
  });

  test('fromCalendarDate pads and refuses impossible parts', () => {
    expect(fromCalendarDate({ year: 42, month: 7, day: 1 })).toBe('0042-07-01');
    expect(fromCalendarDate({ year: 1, month: 1, day: 1 })).toBe(MIN_ISO_DATE);
    expect(fromCalendarDate({ year: 9999, month: 12, day: 31 })).toBe(MAX_ISO_DATE);
    expect(fromCalendarDate({ year: 2024, month: 2, day: 29 })).toBe('2024-02-29');
    expect(fromCalendarDate({ year: 2026, month: 2, day: 29 })).toBeUndefined();
    expect(toCalendarDate(d('0042-07-01'))).toEqual({ year: 42, month: 7, day: 1 });
  });

  // The parts come from the proto's finance.common.v1.Date: any int32 the caller sent.
  test.each([
    ['Feb 29 of 1900', { year: 1900, month: 2, day: 29 }],
    ['Feb 30', { year: 2026, month: 2, day: 30 }],
    ['Apr 31', { year: 2026, month: 4, day: 31 }],
    ['year 0', { year: 0, month: 1, day: 1 }],
    ['year 10000', { year: 10000, month: 1, day: 1 }],
    ['a negative year', { year: -5, month: 1, day: 1 }],
    ['month 0', { year: 2026, month: 0, day: 1 }],
    ['month 13', { year: 2026, month: 13, day: 1 }],
    ['day 0', { year: 2026, month: 1, day: 0 }],
    ['a fractional day', { year: 2026, month: 1, day: 1.5 }],
  ])('fromCalendarDate refuses %s', (_, parts) => {
    expect(fromCalendarDate(parts)).toBeUndefined();
  });
});

describe('calendar properties', () => {
  // Any valid date, built from parts so that every month end and leap day can come up.
  const dateArb: fc.Arbitrary<IsoDate> = fc
    .record({ year: fc.integer({ min: 1, max: 9999 }), month: fc.integer({ min: 1, max: 12 }), day: fc.integer({ min: 1, max: 31 }) })
    .map(({ year, month, day }) => fromCalendarDate({ year, month, day: Math.min(day, daysInMonth(year, month)) }) as IsoDate);

  test('epoch days agree with Date.UTC, an independent proleptic Gregorian count', () => {
    fc.assert(
      fc.property(dateArb, (date) => {
        const { year, month, day } = toCalendarDate(date);
        const utc = new Date(0);
        utc.setUTCFullYear(year, month - 1, day); // setUTCFullYear, unlike Date.UTC, keeps years 0..99 as written
        expect(toEpochDay(date)).toBe(utc.getTime() / 86_400_000);
        expect(fromEpochDay(toEpochDay(date))).toBe(date);
      }),
      { numRuns: 2000 },
    );
  });

  test('addDays by one steps through the calendar day by day', () => {
    fc.assert(
      fc.property(dateArb, (date) => {
        fc.pre(date !== MAX_ISO_DATE);
        const { year, month, day } = toCalendarDate(date);
        const expected =
          day < daysInMonth(year, month) ? { year, month, day: day + 1 } : month < 12 ? { year, month: month + 1, day: 1 } : { year: year + 1, month: 1, day: 1 };
        expect(addDays(date, 1)).toBe(fromCalendarDate(expected));
      }),
      { numRuns: 2000 },
    );
  });

  test('addDays and daysBetween undo each other, and text order is date order', () => {
    fc.assert(
      fc.property(dateArb, dateArb, (a, b) => {
        expect(addDays(a, daysBetween(a, b))).toBe(b);
        expect(compareIsoDate(a, b)).toBe(Math.sign(daysBetween(b, a)) || 0);
      }),
    );
  });
});

describe('formatInstant', () => {
  test('writes what Date.prototype.toISOString writes', () => {
    for (const iso of ['1970-01-01T00:00:00.000Z', '2024-02-29T23:59:59.999Z', '2026-11-24T05:23:31.123Z', '1969-12-31T23:59:59.999Z', '0001-01-01T00:00:00.000Z', '9999-12-31T23:59:59.999Z']) {
      expect(formatInstant(Date.parse(iso))).toBe(iso);
    }
  });

  test('agrees with toISOString for any instant in years 1..9999, also after another day was cached', () => {
    const instant = fc.integer({ min: Date.parse('0001-01-01T00:00:00.000Z'), max: Date.parse('9999-12-31T23:59:59.999Z') });
    fc.assert(
      fc.property(fc.array(instant, { minLength: 1, maxLength: 5 }), (list) => {
        for (const ms of list) expect(formatInstant(ms)).toBe(new Date(ms).toISOString());
      }),
      { numRuns: 2000 },
    );
  });

  test('outside years 1..9999 and for fractions it falls back to toISOString, NaN throws as it does', () => {
    const beyond = Date.parse('+010000-01-01T00:00:00.000Z');
    expect(formatInstant(beyond)).toBe('+010000-01-01T00:00:00.000Z');
    expect(formatInstant(-62135596800001)).toBe(new Date(-62135596800001).toISOString()); // 0000-12-31
    expect(formatInstant(1.5)).toBe('1970-01-01T00:00:00.001Z');
    // Also when the same day was formatted just before (the cached day must not skip the check).
    expect(formatInstant(0)).toBe('1970-01-01T00:00:00.000Z');
    expect(formatInstant(1.5)).toBe('1970-01-01T00:00:00.001Z');
    expect(formatInstant(86_399_999.25)).toBe(new Date(86_399_999.25).toISOString());
    expect(() => formatInstant(Number.NaN)).toThrow(RangeError);
  });
});
