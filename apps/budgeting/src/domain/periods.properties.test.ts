// Property tests: the period rules must hold for every kind, anchor and date, not only for the
// examples in periods.test.ts. The oracles here walk the schedule with periodAt (or restate the
// anchor rule on calendar parts); periodContaining's arithmetic is checked against them.
import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { addDays, daysInMonth, fromCalendarDate, fromEpochDay, isLeapYear, MAX_ISO_DATE, toCalendarDate, toEpochDay, type IsoDate } from '@finance/calendar';
import {
  BUDGET_PERIOD_KINDS,
  daysElapsed,
  daysInPeriod,
  periodAt,
  periodContaining,
  periodIncludes,
  previousPeriods,
  type BudgetPeriodKind,
  type Period,
} from './periods.js';

const kindArb = fc.constantFrom(...BUDGET_PERIOD_KINDS);

/** Dates in [minYear, maxYear], with month ends (28th–31st, clamped to the month) much more likely than chance. */
function dateArb(minYear: number, maxYear: number): fc.Arbitrary<IsoDate> {
  return fc
    .record({
      year: fc.integer({ min: minYear, max: maxYear }),
      month: fc.integer({ min: 1, max: 12 }),
      day: fc.oneof(fc.constantFrom(1, 15, 28, 29, 30, 31), fc.integer({ min: 1, max: 31 })),
    })
    .map(({ year, month, day }) => fromCalendarDate({ year, month, day: Math.min(day, daysInMonth(year, month)) }) as IsoDate);
}

const feb29Arb: fc.Arbitrary<IsoDate> = fc
  .integer({ min: 1, max: 2499 })
  .map((n) => n * 4)
  .filter(isLeapYear)
  .map((year) => fromCalendarDate({ year, month: 2, day: 29 }) as IsoDate);

const anchorArb = fc.oneof({ arbitrary: dateArb(1890, 2210), weight: 4 }, { arbitrary: feb29Arb, weight: 1 }, { arbitrary: dateArb(1, 9999), weight: 1 });

/** `date` moved by `days`, or undefined off the calendar (the property then skips that input). */
const shift = (date: IsoDate, days: number): IsoDate | undefined => fromEpochDay(toEpochDay(date) + days);

// How far past the anchor dates and end_dates are drawn: a few hundred periods of each kind, so the
// walking oracle stays cheap.
const SPAN_DAYS: Record<BudgetPeriodKind, number> = { daily: 800, weekly: 4_000, monthly: 12_000, yearly: 120_000 };
const MAX_STEP_DAYS: Record<BudgetPeriodKind, number> = { daily: 1, weekly: 7, monthly: 31, yearly: 366 };
const MIN_STEP_DAYS: Record<BudgetPeriodKind, number> = { daily: 1, weekly: 7, monthly: 28, yearly: 365 };

interface Scenario {
  kind: BudgetPeriodKind;
  anchor: IsoDate;
  date: IsoDate | undefined;
  end: IsoDate | undefined;
}

const scenarioArb: fc.Arbitrary<Scenario> = kindArb.chain((kind) =>
  fc
    .record({
      anchor: anchorArb,
      dateOffset: fc.integer({ min: -40, max: SPAN_DAYS[kind] }),
      endOffset: fc.option(fc.integer({ min: -3, max: SPAN_DAYS[kind] }), { nil: undefined, freq: 2 }),
    })
    .map(({ anchor, dateOffset, endOffset }) => ({
      kind,
      anchor,
      date: shift(anchor, dateOffset),
      end: endOffset === undefined ? undefined : shift(anchor, endOffset),
    })),
);

/** Every period of the schedule up to the one holding `until`, by index (the oracle). */
function walk(kind: BudgetPeriodKind, anchor: IsoDate, until: IsoDate, end?: IsoDate): Period[] {
  const periods: Period[] = [];
  for (let index = 0; ; index++) {
    const period = periodAt(kind, anchor, index, end);
    if (period === undefined || period.start > until) return periods;
    periods.push(period);
  }
}

describe('period properties', () => {
  test('periods tile time: the first starts on start_date, each next one the day after the last ends, none empty', () => {
    fc.assert(
      fc.property(kindArb, anchorArb, fc.option(fc.integer({ min: -3, max: 3_000 }), { nil: undefined }), (kind, anchor, endOffset) => {
        const end = endOffset === undefined ? undefined : shift(anchor, endOffset);
        fc.pre(endOffset === undefined || end !== undefined);
        let previous = periodAt(kind, anchor, 0, end);
        if (end !== undefined && end < anchor) {
          expect(previous).toBeUndefined();
          return;
        }
        expect(previous?.start).toBe(anchor);
        for (let index = 1; previous !== undefined && index <= 60; index++) {
          expect(previous.start <= previous.end).toBe(true);
          if (end !== undefined) expect(previous.end <= end).toBe(true);
          const next = periodAt(kind, anchor, index, end);
          if (next === undefined) {
            // The schedule may only stop at end_date or at the calendar's last day.
            expect([end, MAX_ISO_DATE]).toContain(previous.end);
          } else {
            expect(next.start).toBe(addDays(previous.end, 1));
          }
          previous = next;
        }
      }),
      { numRuns: 200 },
    );
  });

  test('uncut periods last 1, 7, 28–31 or 365–366 days', () => {
    fc.assert(
      fc.property(kindArb, dateArb(1, 9990), fc.integer({ min: 0, max: 1_000 }), (kind, anchor, index) => {
        const period = periodAt(kind, anchor, index);
        fc.pre(period !== undefined && period.end !== MAX_ISO_DATE);
        const days = daysInPeriod(period);
        expect(days).toBeGreaterThanOrEqual(MIN_STEP_DAYS[kind]);
        expect(days).toBeLessThanOrEqual(MAX_STEP_DAYS[kind]);
      }),
      { numRuns: 500 },
    );
  });

  test('a date on/after start_date (and not after end_date) lies in exactly one period: the one periodContaining returns', () => {
    fc.assert(
      fc.property(scenarioArb, ({ kind, anchor, date, end }) => {
        fc.pre(date !== undefined);
        const found = periodContaining(kind, anchor, date, end);
        if (date < anchor || (end !== undefined && date > end)) {
          expect(found).toBeUndefined();
          return;
        }
        const holding = walk(kind, anchor, date, end).filter((period) => periodIncludes(period, date));
        expect(holding).toHaveLength(1);
        expect(found).toEqual(holding[0]);
      }),
      { numRuns: 300 },
    );
  });

  test('periodContaining of a period’s first or last day is that period, anywhere in years 1..9999', () => {
    const indexArb: Record<BudgetPeriodKind, fc.Arbitrary<number>> = {
      daily: fc.integer({ min: 0, max: 3_700_000 }),
      weekly: fc.integer({ min: 0, max: 530_000 }),
      monthly: fc.integer({ min: 0, max: 120_000 }),
      yearly: fc.integer({ min: 0, max: 10_000 }),
    };
    fc.assert(
      fc.property(
        kindArb.chain((kind) => fc.tuple(fc.constant(kind), anchorArb, indexArb[kind])),
        ([kind, anchor, index]) => {
          const period = periodAt(kind, anchor, index);
          fc.pre(period !== undefined);
          expect(periodContaining(kind, anchor, period.start)).toEqual(period);
          expect(periodContaining(kind, anchor, period.end)).toEqual(period);
          if (period.start > anchor) expect(periodContaining(kind, anchor, addDays(period.start, -1))).toEqual(periodAt(kind, anchor, index - 1));
        },
      ),
      { numRuns: 2000 },
    );
  });

  test('period k starts k days/weeks after start_date, or in the k-th month/year on the anchor day when it has one (else its last day)', () => {
    fc.assert(
      fc.property(kindArb, anchorArb, fc.integer({ min: 0, max: 2_400 }), (kind, anchor, index) => {
        const period = periodAt(kind, anchor, index);
        const a = toCalendarDate(anchor);
        let expected: IsoDate | undefined;
        if (kind === 'daily' || kind === 'weekly') {
          expected = shift(anchor, kind === 'daily' ? index : index * 7);
        } else {
          const monthsAhead = kind === 'monthly' ? index : index * 12;
          const year = a.year + Math.floor((a.month - 1 + monthsAhead) / 12);
          const month = ((a.month - 1 + monthsAhead) % 12) + 1;
          const lastDay = year <= 9999 ? daysInMonth(year, month) : 31;
          expected = fromCalendarDate({ year, month, day: a.day <= lastDay ? a.day : lastDay });
        }
        expect(period?.start).toBe(expected);
      }),
      { numRuns: 1000 },
    );
  });

  test('previousPeriods are the periods right before the current one, newest first', () => {
    fc.assert(
      fc.property(scenarioArb, fc.integer({ min: 0, max: 6 }), ({ kind, anchor, date, end }, count) => {
        fc.pre(date !== undefined);
        // Oracle: every period that starts on or before `date` and does not hold it is history.
        const history = walk(kind, anchor, date, end)
          .filter((period) => !periodIncludes(period, date))
          .reverse()
          .slice(0, count);
        expect(previousPeriods(kind, anchor, date, count, end)).toEqual(history);
      }),
      { numRuns: 300 },
    );
  });

  test('days elapsed grow by one a day from 0 before the period to all of it after', () => {
    fc.assert(
      fc.property(scenarioArb, ({ kind, anchor, date, end }) => {
        fc.pre(date !== undefined);
        const period = periodContaining(kind, anchor, date, end);
        fc.pre(period !== undefined);
        const elapsed = daysElapsed(period, date);
        expect(elapsed).toBe(toEpochDay(date) - toEpochDay(period.start) + 1);
        expect(elapsed).toBeLessThanOrEqual(daysInPeriod(period));
        expect(daysElapsed(period, period.end)).toBe(daysInPeriod(period));
        const before = shift(period.start, -1);
        if (before !== undefined) expect(daysElapsed(period, before)).toBe(0);
        const after = shift(period.end, 1);
        if (after !== undefined) expect(daysElapsed(period, after)).toBe(daysInPeriod(period));
      }),
      { numRuns: 300 },
    );
  });
});
