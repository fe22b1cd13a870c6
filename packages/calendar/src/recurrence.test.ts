// Recurring schedules by example. Every expected date is written out (weekdays checked against a
// calendar), never computed with the code under test.
import { describe, expect, test } from '@jest/globals';
import { isoDate, type IsoDate } from './calendar.js';
import {
  applyWeekendRule,
  firstOccurrenceOnOrAfter,
  isFrequency,
  isWeekendRule,
  nthDate,
  occurrenceAfter,
  occurrencesBetween,
  type Frequency,
  type Occurrence,
  type Schedule,
  type WeekendRule,
} from './recurrence.js';

const d = isoDate;

function schedule(frequency: Frequency, start: string, weekend: WeekendRule = 'none', end: string | null = null): Schedule {
  return { frequency, start: d(start), end: end === null ? null : d(end), weekend };
}

/** The first `count` nominal dates, n = 0, 1, ... */
function nominal(frequency: Frequency, start: string, count: number): (IsoDate | undefined)[] {
  return Array.from({ length: count }, (_, n) => nthDate(frequency, d(start), n));
}

/** Up to `count` occurrences from the first one, each found with occurrenceAfter from the one before. */
function walk(s: Schedule, count: number): Occurrence[] {
  const occurrences: Occurrence[] = [];
  let next = firstOccurrenceOnOrAfter(s, s.start);
  while (next !== undefined && occurrences.length < count) {
    occurrences.push(next);
    next = occurrenceAfter(s, next);
  }
  return occurrences;
}

const datesOf = (occurrences: Occurrence[]) => occurrences.map((o) => o.date);

describe('isFrequency / isWeekendRule', () => {
  test.each(['daily', 'weekly', 'monthly', 'yearly'])('%s is a frequency', (v) => {
    expect(isFrequency(v)).toBe(true);
  });
  test.each(['Daily', 'biweekly', '', null, undefined, 1, ['daily']])('%p is not a frequency', (v) => {
    expect(isFrequency(v)).toBe(false);
  });
  test.each(['none', 'before', 'after'])('%s is a weekend rule', (v) => {
    expect(isWeekendRule(v)).toBe(true);
  });
  test.each(['None', 'nearest', '', null, 0])('%p is not a weekend rule', (v) => {
    expect(isWeekendRule(v)).toBe(false);
  });
});

describe('nthDate', () => {
  test('daily adds n days, across a year end', () => {
    expect(nominal('daily', '2026-12-30', 3)).toEqual(['2026-12-30', '2026-12-31', '2027-01-01']);
    expect(nthDate('daily', d('2026-12-30'), 365)).toBe('2027-12-30');
  });

  test('weekly adds 7n days', () => {
    expect(nominal('weekly', '2026-12-24', 3)).toEqual(['2026-12-24', '2026-12-31', '2027-01-07']);
    expect(nthDate('weekly', d('2026-12-24'), 10)).toBe('2027-03-04');
  });

  test('monthly on the 1st', () => {
    expect(nominal('monthly', '2026-01-01', 3)).toEqual(['2026-01-01', '2026-02-01', '2026-03-01']);
    expect(nthDate('monthly', d('2026-01-01'), 12)).toBe('2027-01-01');
  });

  test('monthly on the 28th', () => {
    expect(nominal('monthly', '2026-01-28', 3)).toEqual(['2026-01-28', '2026-02-28', '2026-03-28']);
  });

  test('monthly on the 29th: Feb 28 in a common year, Feb 29 in a leap year, the 29th again after', () => {
    expect(nominal('monthly', '2026-01-29', 3)).toEqual(['2026-01-29', '2026-02-28', '2026-03-29']);
    expect(nominal('monthly', '2028-01-29', 3)).toEqual(['2028-01-29', '2028-02-29', '2028-03-29']);
  });

  test('monthly on the 30th', () => {
    expect(nominal('monthly', '2026-01-30', 5)).toEqual(['2026-01-30', '2026-02-28', '2026-03-30', '2026-04-30', '2026-05-30']);
  });

  test('monthly on the 31st: the last day of short months, the 31st again in long ones (no drift)', () => {
    expect(nominal('monthly', '2026-01-31', 13)).toEqual([
      '2026-01-31',
      '2026-02-28',
      '2026-03-31',
      '2026-04-30',
      '2026-05-31',
      '2026-06-30',
      '2026-07-31',
      '2026-08-31',
      '2026-09-30',
      '2026-10-31',
      '2026-11-30',
      '2026-12-31',
      '2027-01-31',
    ]);
    expect(nthDate('monthly', d('2026-01-31'), 25)).toBe('2028-02-29');
  });

  test('monthly across a year end from Dec 31', () => {
    expect(nominal('monthly', '2026-12-31', 4)).toEqual(['2026-12-31', '2027-01-31', '2027-02-28', '2027-03-31']);
    expect(nominal('monthly', '2027-12-31', 3)).toEqual(['2027-12-31', '2028-01-31', '2028-02-29']);
  });

  test('yearly from Feb 29: Feb 28 in common years, Feb 29 in leap years (2100 is not one, 2400 is)', () => {
    expect(nominal('yearly', '2024-02-29', 5)).toEqual(['2024-02-29', '2025-02-28', '2026-02-28', '2027-02-28', '2028-02-29']);
    expect(nthDate('yearly', d('2024-02-29'), 76)).toBe('2100-02-28');
    expect(nthDate('yearly', d('2024-02-29'), 376)).toBe('2400-02-29');
  });

  test('yearly across a year end', () => {
    expect(nominal('yearly', '2026-12-31', 2)).toEqual(['2026-12-31', '2027-12-31']);
  });

  test('thousands of years away', () => {
    expect(nthDate('monthly', d('0001-01-31'), 119_977)).toBe('9999-02-28');
    expect(nthDate('daily', d('0001-01-01'), 3_652_058)).toBe('9999-12-31');
  });

  test('undefined after 9999-12-31', () => {
    expect(nominal('daily', '9999-12-30', 3)).toEqual(['9999-12-30', '9999-12-31', undefined]);
    expect(nominal('weekly', '9999-12-24', 3)).toEqual(['9999-12-24', '9999-12-31', undefined]);
    expect(nominal('monthly', '9999-11-30', 3)).toEqual(['9999-11-30', '9999-12-30', undefined]);
    expect(nominal('yearly', '9998-03-01', 3)).toEqual(['9998-03-01', '9999-03-01', undefined]);
  });

  test.each(['daily', 'weekly', 'monthly', 'yearly'] as const)('%s: undefined for a huge, negative or fractional n', (frequency) => {
    expect(nthDate(frequency, d('2026-01-31'), Number.MAX_SAFE_INTEGER)).toBeUndefined();
    expect(nthDate(frequency, d('2026-01-31'), 2 ** 60)).toBeUndefined();
    expect(nthDate(frequency, d('2026-01-31'), -1)).toBeUndefined();
    expect(nthDate(frequency, d('2026-01-31'), 1.5)).toBeUndefined();
    expect(nthDate(frequency, d('2026-01-31'), Number.NaN)).toBeUndefined();
  });
});

describe('applyWeekendRule', () => {
  test.each([
    ['2026-03-07', 'Saturday', 'before', '2026-03-06'],
    ['2026-03-07', 'Saturday', 'after', '2026-03-09'],
    ['2026-03-07', 'Saturday', 'none', '2026-03-07'],
    ['2026-03-08', 'Sunday', 'before', '2026-03-06'],
    ['2026-03-08', 'Sunday', 'after', '2026-03-09'],
    ['2026-03-08', 'Sunday', 'none', '2026-03-08'],
    ['2026-01-31', 'Saturday, into the next month', 'after', '2026-02-02'],
    ['2026-02-01', 'Sunday, into the month before', 'before', '2026-01-30'],
    ['2022-12-31', 'Saturday, into the next year', 'after', '2023-01-02'],
    ['2027-01-02', 'Saturday, into the year before', 'before', '2027-01-01'],
  ] as const)('%s (%s) with %s -> %s', (date, _, rule, expected) => {
    expect(applyWeekendRule(d(date), rule)).toBe(expected);
  });

  test.each(['before', 'after', 'none'] as const)('weekdays stay put with %s', (rule) => {
    const week = ['2026-03-09', '2026-03-10', '2026-03-11', '2026-03-12', '2026-03-13'];
    expect(week.map((date) => applyWeekendRule(d(date), rule))).toEqual(week);
  });

  test("at the calendar's limits", () => {
    // 0001-01-01 is a Monday and 9999-12-31 a Friday.
    expect(applyWeekendRule(d('0001-01-01'), 'before')).toBe('0001-01-01');
    expect(applyWeekendRule(d('0001-01-06'), 'before')).toBe('0001-01-05');
    expect(applyWeekendRule(d('0001-01-07'), 'before')).toBe('0001-01-05');
    expect(applyWeekendRule(d('9999-12-31'), 'after')).toBe('9999-12-31');
    expect(applyWeekendRule(d('9999-12-25'), 'after')).toBe('9999-12-27');
    expect(applyWeekendRule(d('9999-12-26'), 'after')).toBe('9999-12-27');
  });
});

describe('schedules', () => {
  test('daily without a rule is every day', () => {
    expect(walk(schedule('daily', '2026-03-05'), 5)).toEqual([
      { index: 0, date: '2026-03-05' },
      { index: 1, date: '2026-03-06' },
      { index: 2, date: '2026-03-07' },
      { index: 3, date: '2026-03-08' },
      { index: 4, date: '2026-03-09' },
    ]);
  });

  test("daily with 'before' is weekdays only: the weekend lands on the Friday already there", () => {
    expect(walk(schedule('daily', '2026-03-05', 'before'), 8)).toEqual([
      { index: 0, date: '2026-03-05' },
      { index: 1, date: '2026-03-06' },
      { index: 4, date: '2026-03-09' },
      { index: 5, date: '2026-03-10' },
      { index: 6, date: '2026-03-11' },
      { index: 7, date: '2026-03-12' },
      { index: 8, date: '2026-03-13' },
      { index: 11, date: '2026-03-16' },
    ]);
  });

  test("daily with 'after' is weekdays only: Saturday moves to Monday, Sunday and Monday add nothing", () => {
    expect(walk(schedule('daily', '2026-03-05', 'after'), 5)).toEqual([
      { index: 0, date: '2026-03-05' },
      { index: 1, date: '2026-03-06' },
      { index: 2, date: '2026-03-09' },
      { index: 5, date: '2026-03-10' },
      { index: 6, date: '2026-03-11' },
    ]);
  });

  test("daily starting on a weekend with 'before' starts on the Monday, never before start", () => {
    expect(walk(schedule('daily', '2026-03-07', 'before'), 2)).toEqual([
      { index: 2, date: '2026-03-09' },
      { index: 3, date: '2026-03-10' },
    ]);
    expect(walk(schedule('daily', '2026-03-08', 'before'), 1)).toEqual([{ index: 1, date: '2026-03-09' }]);
  });

  test("daily starting on a Saturday with 'after' starts on the Monday", () => {
    expect(walk(schedule('daily', '2026-03-07', 'after'), 2)).toEqual([
      { index: 0, date: '2026-03-09' },
      { index: 3, date: '2026-03-10' },
    ]);
  });

  test('weekly is every 7 days, whatever the weekday', () => {
    expect(datesOf(walk(schedule('weekly', '2026-03-07'), 3))).toEqual(['2026-03-07', '2026-03-14', '2026-03-21']);
  });

  test("weekly on Saturdays with 'before' from a Saturday start: the first Friday would be before start, so the next one is first", () => {
    expect(walk(schedule('weekly', '2026-03-07', 'before'), 3)).toEqual([
      { index: 1, date: '2026-03-13' },
      { index: 2, date: '2026-03-20' },
      { index: 3, date: '2026-03-27' },
    ]);
  });

  test("weekly on Sundays with 'after' moves to Mondays", () => {
    expect(walk(schedule('weekly', '2026-03-08', 'after'), 3)).toEqual([
      { index: 0, date: '2026-03-09' },
      { index: 1, date: '2026-03-16' },
      { index: 2, date: '2026-03-23' },
    ]);
  });

  test("monthly from Jan 31 with 'after': the Saturdays Jan 31 and Feb 28 and the Sunday May 31 move to Mondays", () => {
    expect(walk(schedule('monthly', '2026-01-31', 'after'), 6)).toEqual([
      { index: 0, date: '2026-02-02' },
      { index: 1, date: '2026-03-02' },
      { index: 2, date: '2026-03-31' },
      { index: 3, date: '2026-04-30' },
      { index: 4, date: '2026-06-01' },
      { index: 5, date: '2026-06-30' },
    ]);
  });

  test("monthly from Saturday Jan 31 with 'before': Jan 30 is before start and dropped; Feb 28 and May 31 move back", () => {
    expect(walk(schedule('monthly', '2026-01-31', 'before'), 5)).toEqual([
      { index: 1, date: '2026-02-27' },
      { index: 2, date: '2026-03-31' },
      { index: 3, date: '2026-04-30' },
      { index: 4, date: '2026-05-29' },
      { index: 5, date: '2026-06-30' },
    ]);
  });

  test("yearly from Feb 29 with 'before': Saturday Feb 28 2026 and Sunday Feb 28 2027 move to the Friday", () => {
    expect(datesOf(walk(schedule('yearly', '2024-02-29', 'before'), 5))).toEqual(['2024-02-29', '2025-02-28', '2026-02-27', '2027-02-26', '2028-02-29']);
  });

  test("yearly from Saturday Feb 28 with 'after'", () => {
    expect(datesOf(walk(schedule('yearly', '2026-02-28', 'after'), 3))).toEqual(['2026-03-02', '2027-03-01', '2028-02-28']);
  });

  test('end is inclusive: an occurrence exactly on end is in, the day after is out', () => {
    expect(datesOf(walk(schedule('daily', '2026-03-05', 'none', '2026-03-08'), 10))).toEqual(['2026-03-05', '2026-03-06', '2026-03-07', '2026-03-08']);
    expect(datesOf(walk(schedule('monthly', '2026-01-15', 'none', '2026-04-15'), 10))).toEqual(['2026-01-15', '2026-02-15', '2026-03-15', '2026-04-15']);
    expect(datesOf(walk(schedule('monthly', '2026-01-15', 'none', '2026-04-14'), 10))).toEqual(['2026-01-15', '2026-02-15', '2026-03-15']);
  });

  test("end bounds the nominal dates: with 'after' the last occurrence may fall after end", () => {
    expect(datesOf(walk(schedule('weekly', '2026-03-07', 'after', '2026-03-14'), 10))).toEqual(['2026-03-09', '2026-03-16']);
  });

  test('an end before start gives no occurrence', () => {
    expect(walk(schedule('daily', '2026-03-05', 'none', '2026-03-04'), 10)).toEqual([]);
  });

  test('the last days of the calendar', () => {
    // 9999-12-24 is a Friday.
    expect(walk(schedule('daily', '9999-12-24', 'after'), 10)).toEqual([
      { index: 0, date: '9999-12-24' },
      { index: 1, date: '9999-12-27' },
      { index: 4, date: '9999-12-28' },
      { index: 5, date: '9999-12-29' },
      { index: 6, date: '9999-12-30' },
      { index: 7, date: '9999-12-31' },
    ]);
    expect(walk(schedule('monthly', '9999-11-30'), 10)).toEqual([
      { index: 0, date: '9999-11-30' },
      { index: 1, date: '9999-12-30' },
    ]);
    expect(occurrenceAfter(schedule('yearly', '9999-12-31'), { index: 0, date: d('9999-12-31') })).toBeUndefined();
  });
});

describe('firstOccurrenceOnOrAfter', () => {
  const monthly = schedule('monthly', '2026-01-31', 'none', '2026-12-31');

  test.each([
    ['before start', '2025-06-01', { index: 0, date: '2026-01-31' }],
    ['equal to start', '2026-01-31', { index: 0, date: '2026-01-31' }],
    ['the day after an occurrence', '2026-02-01', { index: 1, date: '2026-02-28' }],
    ['between occurrences', '2026-04-01', { index: 3, date: '2026-04-30' }],
    ['on an occurrence', '2026-03-31', { index: 2, date: '2026-03-31' }],
    ['on the last occurrence (= end)', '2026-12-31', { index: 11, date: '2026-12-31' }],
  ])('from %s', (_, from, expected) => {
    expect(firstOccurrenceOnOrAfter(monthly, d(from))).toEqual(expected);
  });

  test('after end: undefined', () => {
    expect(firstOccurrenceOnOrAfter(monthly, d('2027-01-01'))).toBeUndefined();
  });

  test('a date moved past from counts, though its nominal date is before from', () => {
    const after = schedule('monthly', '2026-01-31', 'after');
    expect(firstOccurrenceOnOrAfter(after, d('2026-02-01'))).toEqual({ index: 0, date: '2026-02-02' });
    expect(firstOccurrenceOnOrAfter(after, d('2026-02-03'))).toEqual({ index: 1, date: '2026-03-02' });
    const weekly = schedule('weekly', '2026-03-07', 'after', '2026-03-14');
    expect(firstOccurrenceOnOrAfter(weekly, d('2026-03-15'))).toEqual({ index: 1, date: '2026-03-16' });
    expect(firstOccurrenceOnOrAfter(weekly, d('2026-03-17'))).toBeUndefined();
  });

  test('a from on a weekend of a weekdays-only daily schedule gives the Monday', () => {
    expect(firstOccurrenceOnOrAfter(schedule('daily', '2026-03-05', 'before'), d('2026-03-07'))).toEqual({ index: 4, date: '2026-03-09' });
    expect(firstOccurrenceOnOrAfter(schedule('daily', '2026-03-05', 'after'), d('2026-03-08'))).toEqual({ index: 2, date: '2026-03-09' });
  });

  test('thousands of years after start, at once', () => {
    expect(firstOccurrenceOnOrAfter(schedule('monthly', '2026-01-31'), d('9999-02-01'))).toEqual({ index: 95_677, date: '9999-02-28' });
    expect(firstOccurrenceOnOrAfter(schedule('yearly', '0001-03-15'), d('9999-01-01'))).toEqual({ index: 9998, date: '9999-03-15' });
    expect(firstOccurrenceOnOrAfter(schedule('daily', '0001-01-01', 'before'), d('9999-12-25'))).toEqual({ index: 3_652_054, date: '9999-12-27' });
    expect(firstOccurrenceOnOrAfter(schedule('weekly', '0001-01-01'), d('9999-12-31'))).toBeUndefined();
    expect(firstOccurrenceOnOrAfter(schedule('yearly', '2024-02-29'), d('9999-03-01'))).toBeUndefined();
  });
});

describe('occurrenceAfter', () => {
  test('the next index whose moved date is later', () => {
    const s = schedule('daily', '2026-03-05', 'after');
    expect(occurrenceAfter(s, { index: 2, date: d('2026-03-09') })).toEqual({ index: 5, date: '2026-03-10' });
    expect(occurrenceAfter(schedule('monthly', '2026-01-31', 'after'), { index: 0, date: d('2026-02-02') })).toEqual({ index: 1, date: '2026-03-02' });
  });

  test('from a previous that is not an occurrence: still the smallest later index whose moved date is later', () => {
    // Index 1 is nominally Saturday Feb 28, before the given date, but moves to Monday Mar 2, after it.
    expect(occurrenceAfter(schedule('monthly', '2026-01-31', 'after'), { index: 0, date: d('2026-02-28') })).toEqual({ index: 1, date: '2026-03-02' });
    expect(occurrenceAfter(schedule('weekly', '2026-03-02'), { index: 0, date: d('2026-12-31') })).toEqual({ index: 44, date: '2027-01-04' });
  });

  test('undefined past end', () => {
    expect(occurrenceAfter(schedule('monthly', '2026-01-15', 'none', '2026-04-15'), { index: 3, date: d('2026-04-15') })).toBeUndefined();
  });
});

describe('occurrencesBetween', () => {
  const mondays = schedule('weekly', '2026-03-02');

  test('the dates within [from, to], both inclusive', () => {
    expect(occurrencesBetween(mondays, d('2026-03-10'), d('2026-04-06'), 10)).toEqual(['2026-03-16', '2026-03-23', '2026-03-30', '2026-04-06']);
    expect(occurrencesBetween(mondays, d('2026-03-16'), d('2026-03-16'), 10)).toEqual(['2026-03-16']);
  });

  test('at most limit dates', () => {
    expect(occurrencesBetween(mondays, d('2026-03-10'), d('2026-04-06'), 2)).toEqual(['2026-03-16', '2026-03-23']);
    expect(occurrencesBetween(mondays, d('2026-03-10'), d('2026-04-06'), 0)).toEqual([]);
  });

  test('empty ranges', () => {
    expect(occurrencesBetween(mondays, d('2026-04-06'), d('2026-03-10'), 10)).toEqual([]);
    expect(occurrencesBetween(mondays, d('2026-01-01'), d('2026-03-01'), 10)).toEqual([]);
    expect(occurrencesBetween(schedule('daily', '2026-03-05', 'before'), d('2026-03-07'), d('2026-03-08'), 10)).toEqual([]);
  });

  test('weekdays only, over a weekend', () => {
    expect(occurrencesBetween(schedule('daily', '2026-03-05', 'before'), d('2026-03-06'), d('2026-03-10'), 10)).toEqual(['2026-03-06', '2026-03-09', '2026-03-10']);
  });

  test('up to the last date of the calendar', () => {
    expect(occurrencesBetween(schedule('daily', '9999-12-29'), d('9999-12-01'), d('9999-12-31'), 100)).toEqual(['9999-12-29', '9999-12-30', '9999-12-31']);
    expect(occurrencesBetween(schedule('monthly', '2026-01-31'), d('9999-10-01'), d('9999-12-31'), 100)).toEqual(['9999-10-31', '9999-11-30', '9999-12-31']);
  });

  test.each([-1, 1.5, Number.NaN])('a limit of %p is a RangeError', (limit) => {
    expect(() => occurrencesBetween(mondays, d('2026-03-10'), d('2026-04-06'), limit)).toThrow(RangeError);
  });
});
