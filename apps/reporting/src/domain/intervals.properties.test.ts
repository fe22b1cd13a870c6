// Property tests: the interval rules hold for every kind and range, not only for the examples in
// intervals.test.ts. The oracles restate the rules on calendar parts (weekday, day of month, month
// of year) and walk day by day, independently of the arithmetic in intervals.ts.
import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { daysInMonth, fromCalendarDate, fromEpochDay, MAX_ISO_DATE, toCalendarDate, toEpochDay, type IsoDate } from '@finance/calendar';
import { countIntervals, enumerateIntervals, INTERVAL_KINDS, intervalContaining, type IntervalKind } from './intervals.js';

const kindArb = fc.constantFrom(...INTERVAL_KINDS);

/** Dates in [minYear, maxYear], with month and year ends much more likely than chance. */
function dateArb(minYear: number, maxYear: number): fc.Arbitrary<IsoDate> {
  return fc
    .record({
      year: fc.integer({ min: minYear, max: maxYear }),
      month: fc.oneof(fc.constantFrom(1, 2, 12), fc.integer({ min: 1, max: 12 })),
      day: fc.oneof(fc.constantFrom(1, 28, 29, 30, 31), fc.integer({ min: 1, max: 31 })),
    })
    .map(({ year, month, day }) => fromCalendarDate({ year, month, day: Math.min(day, daysInMonth(year, month)) }) as IsoDate);
}

/** A range short enough in every kind that it never reaches the limit. */
const SPAN_DAYS: Record<IntervalKind, number> = { day: 400, week: 2000, month: 3000, year: 9000 };

const rangeArb = kindArb.chain((kind) =>
  fc
    .record({ from: fc.oneof({ arbitrary: dateArb(1890, 2210), weight: 4 }, { arbitrary: dateArb(1, 9999), weight: 1 }), days: fc.integer({ min: 0, max: SPAN_DAYS[kind] }) })
    .map(({ from, days }) => ({ kind, from, to: fromEpochDay(toEpochDay(from) + days) ?? MAX_ISO_DATE })),
);

const next = (date: IsoDate) => fromEpochDay(toEpochDay(date) + 1);

/** The rule of each kind, on calendar parts: is `date` the first day of an interval? */
function startsInterval(kind: IntervalKind, date: IsoDate): boolean {
  const { month, day } = toCalendarDate(date);
  switch (kind) {
    case 'day':
      return true;
    case 'week':
      // 1970-01-05 was a Monday.
      return (((toEpochDay(date) - 4) % 7) + 7) % 7 === 0;
    case 'month':
      return day === 1;
    case 'year':
      return month === 1 && day === 1;
  }
}

describe('enumerateIntervals', () => {
  test('contiguous, no gap and no overlap; the first contains from, the last contains to', () => {
    fc.assert(
      fc.property(rangeArb, ({ kind, from, to }) => {
        const intervals = enumerateIntervals(kind, from, to);
        expect(intervals.length).toBeGreaterThan(0);
        expect(intervals[0]!.start <= from && from <= intervals[0]!.end).toBe(true);
        const last = intervals[intervals.length - 1]!;
        expect(last.start <= to && to <= last.end).toBe(true);
        for (const [i, interval] of intervals.entries()) {
          expect(interval.start <= interval.end).toBe(true);
          if (i > 0) expect(interval.start).toBe(next(intervals[i - 1]!.end));
        }
      }),
    );
  });

  test('every interval starts where the rule of its kind says, and ends the day before the next would start', () => {
    fc.assert(
      fc.property(rangeArb, ({ kind, from, to }) => {
        for (const { start, end } of enumerateIntervals(kind, from, to)) {
          expect(startsInterval(kind, start)).toBe(true);
          const after = next(end);
          // The day after the end starts the next interval (unless the calendar ends there).
          if (after) expect(startsInterval(kind, after)).toBe(true);
          else expect(end).toBe(MAX_ISO_DATE);
          // No day inside starts one (checked without expect per day: years have 366).
          const inside: IsoDate[] = [];
          for (let day = next(start); day && day <= end; day = next(day)) if (startsInterval(kind, day)) inside.push(day);
          expect(inside).toEqual([]);
        }
      }),
      { numRuns: 60 },
    );
  });

  test('the count matches countIntervals, and every interval overlaps [from, to]', () => {
    fc.assert(
      fc.property(rangeArb, ({ kind, from, to }) => {
        const intervals = enumerateIntervals(kind, from, to);
        expect(intervals).toHaveLength(countIntervals(kind, from, to));
        for (const { start, end } of intervals) expect(start <= to && end >= from).toBe(true);
      }),
    );
  });

  test('the intervals cover every day of the range exactly once (walked day by day)', () => {
    fc.assert(
      fc.property(rangeArb.filter(({ from, to }) => toEpochDay(to) - toEpochDay(from) <= 800), ({ kind, from, to }) => {
        const intervals = enumerateIntervals(kind, from, to);
        for (let day: IsoDate | undefined = from; day && day <= to; day = next(day)) {
          const containing = intervals.filter((i) => i.start <= day! && day! <= i.end);
          expect(containing).toEqual([intervalContaining(kind, day)]);
        }
      }),
      { numRuns: 50 },
    );
  });

  test('a range is refused exactly when it has more than the limit', () => {
    fc.assert(
      fc.property(kindArb, dateArb(1, 9999), fc.integer({ min: 0, max: 400_000 }), fc.integer({ min: 1, max: 1500 }), (kind, from, days, max) => {
        const to = fromEpochDay(toEpochDay(from) + days) ?? MAX_ISO_DATE;
        const count = countIntervals(kind, from, to);
        if (count > max) expect(() => enumerateIntervals(kind, from, to, max)).toThrow(/more than the/);
        else expect(enumerateIntervals(kind, from, to, max)).toHaveLength(count);
      }),
      { numRuns: 200 },
    );
  });

  test('a week is 7 days (but the last one of the calendar), a month its days, a year 365 or 366', () => {
    fc.assert(
      fc.property(kindArb, dateArb(1, 9999), (kind, date) => {
        const { start, end } = intervalContaining(kind, date);
        const length = toEpochDay(end) - toEpochDay(start) + 1;
        const { year, month } = toCalendarDate(start);
        const expected = { day: 1, week: 7, month: daysInMonth(year, month), year: daysInMonth(year, 2) === 29 ? 366 : 365 }[kind];
        // Only the week of 9999-12-31 (Monday 27th to Friday 31st) is cut short.
        expect(length).toBe(kind === 'week' && end === MAX_ISO_DATE ? 5 : expected);
      }),
    );
  });
});
