import { describe, expect, test } from '@jest/globals';
import { isoDate } from '@finance/calendar';
import {
  daysElapsed,
  daysInPeriod,
  isBudgetPeriodKind,
  periodAt,
  periodContaining,
  periodIncludes,
  previousPeriods,
  type BudgetPeriodKind,
  type Period,
} from './periods.js';

const d = isoDate;
const p = (start: string, end: string): Period => ({ start: d(start), end: d(end) });
/** "2026-01-31..2026-02-27" → Period: keeps the expected schedules below readable. */
const range = (text: string): Period => {
  const [start = '', end = ''] = text.split('..');
  return p(start, end);
};
const schedule = (kind: BudgetPeriodKind, start: string, count: number, end?: string): (Period | undefined)[] =>
  Array.from({ length: count }, (_, index) => periodAt(kind, d(start), index, end === undefined ? undefined : d(end)));

type Case = [scenario: string, kind: BudgetPeriodKind, start: string, end: string | undefined, date: string, expected: string | undefined];

describe('periodContaining', () => {
  const cases: Case[] = [
    // daily
    ['daily: the start date is its own period', 'daily', '2026-01-15', undefined, '2026-01-15', '2026-01-15..2026-01-15'],
    ['daily: any later day', 'daily', '2026-01-15', undefined, '2026-03-05', '2026-03-05..2026-03-05'],
    ['daily: across a year end', 'daily', '2025-12-31', undefined, '2026-01-01', '2026-01-01..2026-01-01'],
    ['daily: the leap day of 2024', 'daily', '2024-01-01', undefined, '2024-02-29', '2024-02-29..2024-02-29'],
    ['daily: started in 2000, asked in 2026', 'daily', '2000-01-01', undefined, '2026-07-04', '2026-07-04..2026-07-04'],
    ['daily: a day before start_date', 'daily', '2026-01-15', undefined, '2026-01-14', undefined],
    ['daily: end_date itself', 'daily', '2026-01-15', '2026-01-20', '2026-01-20', '2026-01-20..2026-01-20'],
    ['daily: a day after end_date', 'daily', '2026-01-15', '2026-01-20', '2026-01-21', undefined],

    // weekly: 7 days from start_date, whatever the weekday
    ['weekly: first week, from a Thursday', 'weekly', '2026-01-15', undefined, '2026-01-21', '2026-01-15..2026-01-21'],
    ['weekly: second week starts on the 8th day', 'weekly', '2026-01-15', undefined, '2026-01-22', '2026-01-22..2026-01-28'],
    ['weekly: from a Wednesday, not a Monday', 'weekly', '2026-01-14', undefined, '2026-01-19', '2026-01-14..2026-01-20'],
    ['weekly: across a month end', 'weekly', '2026-01-29', undefined, '2026-02-03', '2026-01-29..2026-02-04'],
    ['weekly: across a year end', 'weekly', '2025-12-29', undefined, '2026-01-04', '2025-12-29..2026-01-04'],
    ['weekly: the week after a year end', 'weekly', '2025-12-29', undefined, '2026-01-05', '2026-01-05..2026-01-11'],
    ['weekly: over the leap day of 2024', 'weekly', '2024-02-26', undefined, '2024-03-01', '2024-02-26..2024-03-03'],
    ['weekly: over Feb 28 of 2100 (no leap day)', 'weekly', '2100-02-25', undefined, '2100-03-01', '2100-02-25..2100-03-03'],
    ['weekly: many weeks later', 'weekly', '2024-01-01', undefined, '2026-03-05', '2026-03-02..2026-03-08'],
    ['weekly: end_date cuts the last week', 'weekly', '2026-01-15', '2026-01-25', '2026-01-23', '2026-01-22..2026-01-25'],
    ['weekly: a day after end_date', 'weekly', '2026-01-15', '2026-01-25', '2026-01-26', undefined],
    ['weekly: a day before start_date', 'weekly', '2026-01-15', undefined, '2026-01-14', undefined],

    // monthly, anchored on the 1st
    ['monthly on the 1st: February of a common year', 'monthly', '2026-01-01', undefined, '2026-02-14', '2026-02-01..2026-02-28'],
    ['monthly on the 1st: February of 2024', 'monthly', '2024-01-01', undefined, '2024-02-14', '2024-02-01..2024-02-29'],
    ['monthly on the 1st: December', 'monthly', '2025-01-01', undefined, '2025-12-31', '2025-12-01..2025-12-31'],
    // monthly, anchored on the 15th (API.md's example: 15th to 14th)
    ['monthly on the 15th: the first period', 'monthly', '2026-01-15', undefined, '2026-02-10', '2026-01-15..2026-02-14'],
    ['monthly on the 15th: its last day', 'monthly', '2026-01-15', undefined, '2026-02-14', '2026-01-15..2026-02-14'],
    ['monthly on the 15th: the next one starts on the 15th', 'monthly', '2026-01-15', undefined, '2026-02-15', '2026-02-15..2026-03-14'],
    ['monthly on the 15th: across a year end', 'monthly', '2025-11-15', undefined, '2026-01-03', '2025-12-15..2026-01-14'],
    ['monthly on the 15th: end_date cuts the last period', 'monthly', '2026-01-15', '2026-03-20', '2026-03-18', '2026-03-15..2026-03-20'],
    ['monthly on the 15th: on end_date', 'monthly', '2026-01-15', '2026-03-20', '2026-03-20', '2026-03-15..2026-03-20'],
    ['monthly on the 15th: after end_date', 'monthly', '2026-01-15', '2026-03-20', '2026-03-21', undefined],
    ['monthly on the 15th: before start_date', 'monthly', '2026-01-15', undefined, '2026-01-14', undefined],
    ['monthly on the 15th: end_date on a period end keeps it whole', 'monthly', '2026-01-15', '2026-03-14', '2026-03-01', '2026-02-15..2026-03-14'],
    // monthly, anchored on the 28th: every month has it
    ['monthly on the 28th: February', 'monthly', '2026-01-28', undefined, '2026-02-28', '2026-02-28..2026-03-27'],
    ['monthly on the 28th: the day before', 'monthly', '2026-01-28', undefined, '2026-02-27', '2026-01-28..2026-02-27'],
    ['monthly on the 28th: Feb 29 of 2024 belongs to the Feb 28 period', 'monthly', '2024-01-28', undefined, '2024-02-29', '2024-02-28..2024-03-27'],
    // monthly, anchored on the 29th
    ['monthly on the 29th: Feb 28 of a common year starts a period', 'monthly', '2026-01-29', undefined, '2026-02-28', '2026-02-28..2026-03-28'],
    ['monthly on the 29th: the January period ends Feb 27', 'monthly', '2026-01-29', undefined, '2026-02-27', '2026-01-29..2026-02-27'],
    ['monthly on the 29th: Feb 29 of 2024 starts a period', 'monthly', '2024-01-29', undefined, '2024-02-29', '2024-02-29..2024-03-28'],
    ['monthly on the 29th: Feb 28 of 2024 is still January', 'monthly', '2024-01-29', undefined, '2024-02-28', '2024-01-29..2024-02-28'],
    ['monthly on the 29th: 2100 has no Feb 29', 'monthly', '2100-01-29', undefined, '2100-02-28', '2100-02-28..2100-03-28'],
    ['monthly on the 29th: 2000 has a Feb 29', 'monthly', '2000-01-29', undefined, '2000-02-28', '2000-01-29..2000-02-28'],
    // monthly, anchored on the 30th
    ['monthly on the 30th: February of a common year', 'monthly', '2026-01-30', undefined, '2026-03-01', '2026-02-28..2026-03-29'],
    ['monthly on the 30th: February of 2028', 'monthly', '2028-01-30', undefined, '2028-02-29', '2028-02-29..2028-03-29'],
    ['monthly on the 30th: back on the 30th in March', 'monthly', '2026-01-30', undefined, '2026-03-30', '2026-03-30..2026-04-29'],
    // monthly, anchored on the 31st
    ['monthly on the 31st: Feb 28 of a common year', 'monthly', '2026-01-31', undefined, '2026-02-28', '2026-02-28..2026-03-30'],
    ['monthly on the 31st: Feb 27 is still January', 'monthly', '2026-01-31', undefined, '2026-02-27', '2026-01-31..2026-02-27'],
    ['monthly on the 31st: April starts on the 30th', 'monthly', '2026-01-31', undefined, '2026-04-30', '2026-04-30..2026-05-30'],
    ['monthly on the 31st: Feb 29 of 2024', 'monthly', '2024-01-31', undefined, '2024-02-29', '2024-02-29..2024-03-30'],
    ['monthly on the 31st: across a year end', 'monthly', '2026-08-31', undefined, '2027-01-01', '2026-12-31..2027-01-30'],
    ['monthly on the 31st: end_date cuts the last period', 'monthly', '2026-01-31', '2026-03-15', '2026-03-15', '2026-02-28..2026-03-15'],
    // monthly, started on Feb 29: the anchor day is the 29th
    ['monthly from Feb 29: back on the 29th in March', 'monthly', '2024-02-29', undefined, '2024-03-29', '2024-03-29..2024-04-28'],
    ['monthly from Feb 29: Feb 28 of 2025', 'monthly', '2024-02-29', undefined, '2025-02-28', '2025-02-28..2025-03-28'],

    // yearly
    ['yearly on Jan 15', 'yearly', '2026-01-15', undefined, '2026-06-01', '2026-01-15..2027-01-14'],
    ['yearly on Dec 31: across a year end', 'yearly', '2025-12-31', undefined, '2026-06-01', '2025-12-31..2026-12-30'],
    ['yearly on Mar 1: a period holding the leap day of 2024', 'yearly', '2023-03-01', undefined, '2024-02-29', '2023-03-01..2024-02-29'],
    ['yearly on Jan 31 asked on the day before its anniversary', 'yearly', '2024-01-31', undefined, '2026-01-30', '2025-01-31..2026-01-30'],
    ['yearly on Jan 31 on its anniversary', 'yearly', '2024-01-31', undefined, '2026-01-31', '2026-01-31..2027-01-30'],
    ['yearly from Feb 29: a common year starts on Feb 28', 'yearly', '2024-02-29', undefined, '2025-02-28', '2025-02-28..2026-02-27'],
    ['yearly from Feb 29: Feb 27 is still the year before', 'yearly', '2024-02-29', undefined, '2025-02-27', '2024-02-29..2025-02-27'],
    ['yearly from Feb 29: the year before a leap year ends on Feb 28', 'yearly', '2024-02-29', undefined, '2028-02-28', '2027-02-28..2028-02-28'],
    ['yearly from Feb 29: back on Feb 29 in 2028', 'yearly', '2024-02-29', undefined, '2028-02-29', '2028-02-29..2029-02-27'],
    ['yearly from Feb 29: 2100 is not leap', 'yearly', '2096-02-29', undefined, '2100-03-01', '2100-02-28..2101-02-27'],
    ['yearly from Feb 29: 2000 is leap', 'yearly', '1996-02-29', undefined, '2000-02-28', '1999-02-28..2000-02-28'],
    ['yearly from Feb 29: Feb 29 of 2000 starts a period', 'yearly', '1996-02-29', undefined, '2000-02-29', '2000-02-29..2001-02-27'],
    ['yearly: end_date cuts the last year', 'yearly', '2024-02-29', '2025-06-30', '2025-06-30', '2025-02-28..2025-06-30'],
    ['yearly: after end_date', 'yearly', '2024-02-29', '2025-06-30', '2025-07-01', undefined],
    ['yearly: before start_date', 'yearly', '2024-02-29', undefined, '2024-02-28', undefined],

    // the edges of the calendar
    ['monthly: cut at 9999-12-31', 'monthly', '9999-12-15', undefined, '9999-12-31', '9999-12-15..9999-12-31'],
    ['daily from year 1 asked on the last date', 'daily', '0001-01-01', undefined, '9999-12-31', '9999-12-31..9999-12-31'],
    ['weekly from year 1 asked on the last date', 'weekly', '0001-01-01', undefined, '9999-12-31', '9999-12-27..9999-12-31'],
  ];

  test.each(cases)('%s', (_, kind, start, end, date, expected) => {
    const period = periodContaining(kind, d(start), d(date), end === undefined ? undefined : d(end));
    expect(period).toEqual(expected === undefined ? undefined : range(expected));
  });

  test('an end_date before start_date means no period at all', () => {
    expect(periodContaining('monthly', d('2026-03-01'), d('2026-03-01'), d('2026-02-28'))).toBeUndefined();
    expect(periodAt('monthly', d('2026-03-01'), 0, d('2026-02-28'))).toBeUndefined();
  });

  test('a one-day budget (end_date = start_date) has one one-day period', () => {
    expect(schedule('yearly', '2026-03-01', 2, '2026-03-01')).toEqual([p('2026-03-01', '2026-03-01'), undefined]);
  });

  // Week 9999-12-27.. is number 521_722 of a weekly budget from 0001-01-01 (both are Mondays). A walk
  // from start_date takes seconds for one such call, so 300 rounds of walks cannot finish within the
  // test's timeout; the index arithmetic answers them in milliseconds. (No wall-clock bound inside the
  // test: on a loaded machine that fails for the wrong reason.)
  test('answers far from start_date without walking the periods', () => {
    for (let i = 0; i < 300; i++) {
      expect(periodContaining('daily', d('0001-01-01'), d('9999-12-30'))).toEqual(p('9999-12-30', '9999-12-30'));
      expect(periodContaining('weekly', d('0001-01-01'), d('9999-12-28'))).toEqual(p('9999-12-27', '9999-12-31'));
      expect(periodContaining('monthly', d('0001-01-31'), d('9999-12-30'))).toEqual(p('9999-11-30', '9999-12-30'));
    }
  }, 10_000);
});

describe('periodAt', () => {
  test('monthly on the 31st: a month without a 31st starts on its last day, the others on the 31st', () => {
    expect(schedule('monthly', '2026-01-31', 13)).toEqual(
      [
        '2026-01-31..2026-02-27',
        '2026-02-28..2026-03-30',
        '2026-03-31..2026-04-29',
        '2026-04-30..2026-05-30',
        '2026-05-31..2026-06-29',
        '2026-06-30..2026-07-30',
        '2026-07-31..2026-08-30',
        '2026-08-31..2026-09-29',
        '2026-09-30..2026-10-30',
        '2026-10-31..2026-11-29',
        '2026-11-30..2026-12-30',
        '2026-12-31..2027-01-30',
        '2027-01-31..2027-02-27',
      ].map(range),
    );
  });

  test('monthly on the 31st through the leap February of 2024', () => {
    expect(schedule('monthly', '2024-01-31', 3)).toEqual(['2024-01-31..2024-02-28', '2024-02-29..2024-03-30', '2024-03-31..2024-04-29'].map(range));
  });

  test('monthly on the 30th', () => {
    expect(schedule('monthly', '2026-01-30', 4)).toEqual(
      ['2026-01-30..2026-02-27', '2026-02-28..2026-03-29', '2026-03-30..2026-04-29', '2026-04-30..2026-05-29'].map(range),
    );
  });

  test('monthly on the 29th, in 2100 (not leap) and 2000 (leap)', () => {
    expect(schedule('monthly', '2100-01-29', 3)).toEqual(['2100-01-29..2100-02-27', '2100-02-28..2100-03-28', '2100-03-29..2100-04-28'].map(range));
    expect(schedule('monthly', '2000-01-29', 2)).toEqual(['2000-01-29..2000-02-28', '2000-02-29..2000-03-28'].map(range));
  });

  test('yearly from Feb 29: Feb 29 in leap years, Feb 28 in the others', () => {
    expect(schedule('yearly', '2024-02-29', 6)).toEqual(
      [
        '2024-02-29..2025-02-27',
        '2025-02-28..2026-02-27',
        '2026-02-28..2027-02-27',
        '2027-02-28..2028-02-28',
        '2028-02-29..2029-02-27',
        '2029-02-28..2030-02-27',
      ].map(range),
    );
  });

  test('weekly from a Wednesday across a year end', () => {
    expect(schedule('weekly', '2025-12-17', 3)).toEqual(['2025-12-17..2025-12-23', '2025-12-24..2025-12-30', '2025-12-31..2026-01-06'].map(range));
  });

  test('daily from 2000-01-01: period 366 is 2001-01-01, 2000 being leap', () => {
    expect(periodAt('daily', d('2000-01-01'), 366)).toEqual(p('2001-01-01', '2001-01-01'));
  });

  test('end_date: the last period is cut and none starts after it', () => {
    expect(schedule('monthly', '2026-01-15', 4, '2026-03-20')).toEqual([
      p('2026-01-15', '2026-02-14'),
      p('2026-02-15', '2026-03-14'),
      p('2026-03-15', '2026-03-20'),
      undefined,
    ]);
    expect(schedule('weekly', '2026-01-15', 3, '2026-01-28')).toEqual([p('2026-01-15', '2026-01-21'), p('2026-01-22', '2026-01-28'), undefined]);
  });

  test.each([
    ['a negative index', -1],
    ['a fractional index', 1.5],
    ['an unsafe integer', 2 ** 60],
    ['an index past year 9999', 10_000 * 12],
  ])('%s has no period', (_, index) => {
    expect(periodAt('monthly', d('2026-01-15'), index)).toBeUndefined();
  });
});

describe('previousPeriods', () => {
  test('the periods before the current one, newest first', () => {
    expect(previousPeriods('monthly', d('2026-01-15'), d('2026-04-20'), 2)).toEqual([p('2026-03-15', '2026-04-14'), p('2026-02-15', '2026-03-14')]);
  });

  test('no more than there are', () => {
    expect(previousPeriods('monthly', d('2026-01-15'), d('2026-04-20'), 10)).toEqual([
      p('2026-03-15', '2026-04-14'),
      p('2026-02-15', '2026-03-14'),
      p('2026-01-15', '2026-02-14'),
    ]);
  });

  test('none in the first period, before start_date, or when asked for none', () => {
    expect(previousPeriods('weekly', d('2026-01-15'), d('2026-01-21'), 3)).toEqual([]);
    expect(previousPeriods('weekly', d('2026-01-15'), d('2026-01-01'), 3)).toEqual([]);
    expect(previousPeriods('weekly', d('2026-01-15'), d('2026-03-01'), 0)).toEqual([]);
  });

  test('after end_date every period is history, the last one cut', () => {
    expect(previousPeriods('monthly', d('2026-01-15'), d('2026-06-01'), 2, d('2026-03-20'))).toEqual([
      p('2026-03-15', '2026-03-20'),
      p('2026-02-15', '2026-03-14'),
    ]);
  });

  test('within the last period, the ones before it', () => {
    expect(previousPeriods('monthly', d('2026-01-15'), d('2026-03-16'), 5, d('2026-03-20'))).toEqual([
      p('2026-02-15', '2026-03-14'),
      p('2026-01-15', '2026-02-14'),
    ]);
  });

  test('yearly from Feb 29, asked on Feb 29 of 2028', () => {
    expect(previousPeriods('yearly', d('2024-02-29'), d('2028-02-29'), 2)).toEqual([p('2027-02-28', '2028-02-28'), p('2026-02-28', '2027-02-27')]);
  });

  test('a negative or fractional count is a programming error', () => {
    expect(() => previousPeriods('daily', d('2026-01-15'), d('2026-02-01'), -1)).toThrow(RangeError);
    expect(() => previousPeriods('daily', d('2026-01-15'), d('2026-02-01'), 1.5)).toThrow(RangeError);
  });
});

describe('days of a period', () => {
  test.each([
    ['February 2026', '2026-02-01..2026-02-28', 28],
    ['February 2024', '2024-02-01..2024-02-29', 29],
    ['Jan 31–Feb 27', '2026-01-31..2026-02-27', 28],
    ['a week', '2025-12-29..2026-01-04', 7],
    ['one day', '2026-03-05..2026-03-05', 1],
    ['a leap year from Feb 29', '2024-02-29..2025-02-27', 365],
    ['a year holding Feb 29', '2023-03-01..2024-02-29', 366],
  ])('%s has %i days', (_, text, days) => {
    expect(daysInPeriod(range(text))).toBe(days);
  });

  test.each([
    ['before the period', '2026-01-14', 0],
    ['on its first day', '2026-01-15', 1],
    ['in the middle', '2026-02-01', 18],
    ['on its last day', '2026-02-14', 31],
    ['after it', '2026-03-01', 31],
  ])('days elapsed %s', (_, date, days) => {
    expect(daysElapsed(p('2026-01-15', '2026-02-14'), d(date))).toBe(days);
  });

  test('periodIncludes counts both ends', () => {
    const period = p('2026-01-15', '2026-02-14');
    expect([d('2026-01-14'), d('2026-01-15'), d('2026-02-14'), d('2026-02-15')].map((date) => periodIncludes(period, date))).toEqual([false, true, true, false]);
  });
});

test('isBudgetPeriodKind accepts the four kinds only', () => {
  expect(['daily', 'weekly', 'monthly', 'yearly', 'Monthly', 'quarterly', 1].map(isBudgetPeriodKind)).toEqual([true, true, true, true, false, false, false]);
});
