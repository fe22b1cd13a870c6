import { describe, expect, test } from '@jest/globals';
import { DomainError } from '@finance/platform/errors';
import { isoDate } from '@finance/calendar';
import { ReportingErrorCode } from './errors.js';
import { countIntervals, enumerateIntervals, intervalContaining, MAX_INTERVALS, weekdayIndex, type IntervalKind } from './intervals.js';

const d = isoDate;
/** The intervals as "start..end" strings, readable in a failure. */
const list = (kind: IntervalKind, from: string, to: string, max?: number) => enumerateIntervals(kind, d(from), d(to), max).map((i) => `${i.start}..${i.end}`);

function refusal(run: () => unknown): DomainError {
  try {
    run();
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('days', () => {
  test('one interval per day, each its own start and end', () => {
    expect(list('day', '2026-02-27', '2026-03-02')).toEqual(['2026-02-27..2026-02-27', '2026-02-28..2026-02-28', '2026-03-01..2026-03-01', '2026-03-02..2026-03-02']);
  });

  test('a leap day is a day like any other', () => {
    expect(list('day', '2028-02-28', '2028-03-01')).toEqual(['2028-02-28..2028-02-28', '2028-02-29..2028-02-29', '2028-03-01..2028-03-01']);
  });

  test('from = to is one interval', () => {
    expect(list('day', '2026-05-05', '2026-05-05')).toEqual(['2026-05-05..2026-05-05']);
  });
});

describe('weeks start on Monday', () => {
  test('weekdays: 2026-11-30 is a Monday, 2026-12-31 a Thursday, 1970-01-01 a Thursday, 0001-01-01 a Monday', () => {
    expect([d('2026-11-30'), d('2026-12-31'), d('1970-01-01'), d('0001-01-01'), d('9999-12-31')].map(weekdayIndex)).toEqual([0, 3, 3, 0, 4]);
  });

  test('the week of 2026-12-31 (a Thursday) runs Monday 2026-12-28 to Sunday 2027-01-03, across the year end', () => {
    expect(intervalContaining('week', d('2026-12-31'))).toEqual({ start: '2026-12-28', end: '2027-01-03' });
    expect(list('week', '2026-12-31', '2027-01-05')).toEqual(['2026-12-28..2027-01-03', '2027-01-04..2027-01-10']);
  });

  test('a range starting mid-week gets the whole week, starting before `from`', () => {
    // 2026-03-05 is a Thursday, 2026-03-16 a Monday.
    expect(list('week', '2026-03-05', '2026-03-16')).toEqual(['2026-03-02..2026-03-08', '2026-03-09..2026-03-15', '2026-03-16..2026-03-22']);
  });

  test('a Sunday is the last day of its week, a Monday the first of the next', () => {
    expect(list('week', '2026-03-08', '2026-03-09')).toEqual(['2026-03-02..2026-03-08', '2026-03-09..2026-03-15']);
  });

  test('a week across a leap day', () => {
    // 2028-02-29 is a Tuesday.
    expect(list('week', '2028-02-29', '2028-02-29')).toEqual(['2028-02-28..2028-03-05']);
  });

  test('the ends of the calendar: year 1 starts on a Monday; the week of 9999-12-31 is cut there', () => {
    expect(list('week', '0001-01-01', '0001-01-07')).toEqual(['0001-01-01..0001-01-07']);
    expect(list('week', '9999-12-30', '9999-12-31')).toEqual(['9999-12-27..9999-12-31']);
  });
});

describe('months start on the 1st', () => {
  test('from mid-month: the whole month, starting before `from`; months of 28, 29, 30 and 31 days', () => {
    expect(list('month', '2028-01-15', '2028-04-02')).toEqual(['2028-01-01..2028-01-31', '2028-02-01..2028-02-29', '2028-03-01..2028-03-31', '2028-04-01..2028-04-30']);
    expect(list('month', '2026-02-10', '2026-02-10')).toEqual(['2026-02-01..2026-02-28']);
  });

  test('across a year end', () => {
    expect(list('month', '2026-11-30', '2027-01-01')).toEqual(['2026-11-01..2026-11-30', '2026-12-01..2026-12-31', '2027-01-01..2027-01-31']);
  });

  test('February of a century year: 1900 was not a leap year, 2000 was', () => {
    expect(list('month', '1900-02-01', '1900-02-01')).toEqual(['1900-02-01..1900-02-28']);
    expect(list('month', '2000-02-01', '2000-02-01')).toEqual(['2000-02-01..2000-02-29']);
  });
});

describe('years start on January 1st', () => {
  test('from mid-year to mid-year', () => {
    expect(list('year', '2026-06-15', '2028-02-29')).toEqual(['2026-01-01..2026-12-31', '2027-01-01..2027-12-31', '2028-01-01..2028-12-31']);
  });

  test('a Dec 31st to Jan 1st range is two years', () => {
    expect(list('year', '2026-12-31', '2027-01-01')).toEqual(['2026-01-01..2026-12-31', '2027-01-01..2027-12-31']);
  });

  test('the last year there is', () => {
    expect(list('year', '9999-12-31', '9999-12-31')).toEqual(['9999-01-01..9999-12-31']);
  });
});

describe('counting without listing', () => {
  test.each([
    ['day', '2026-01-01', '2026-12-31', 365],
    ['day', '2028-01-01', '2028-12-31', 366],
    ['week', '2026-12-31', '2027-01-03', 1],
    ['week', '2026-12-31', '2027-01-04', 2],
    ['month', '2026-01-31', '2026-02-01', 2],
    ['month', '2026-01-01', '2035-12-31', 120],
    ['year', '0001-01-01', '9999-12-31', 9999],
    ['day', '0001-01-01', '9999-12-31', 3652059],
  ] as const)('%s intervals from %s to %s: %i', (kind, from, to, count) => {
    expect(countIntervals(kind, d(from), d(to))).toBe(count);
  });
});

describe(`at most ${MAX_INTERVALS} intervals`, () => {
  test('exactly 1,000 daily intervals are answered; 1,001 are refused', () => {
    // 2026-01-01 + 999 days = 2028-09-26.
    expect(list('day', '2026-01-01', '2028-09-26')).toHaveLength(1000);
    const err = refusal(() => list('day', '2026-01-01', '2028-09-27'));
    expect(err).toMatchObject({ kind: 'invalid_argument', code: ReportingErrorCode.tooManyIntervals, errors: [{ path: 'interval' }] });
    expect(err.message).toContain('1,001 daily intervals');
    expect(err.message).toContain('1,000');
  });

  test('the limit counts intervals, not days: 1,000 weeks pass, 1,001 do not', () => {
    // 2026-01-05 is a Monday; 1,000 weeks later is 2045-03-06.
    expect(list('week', '2026-01-05', '2045-03-05')).toHaveLength(1000);
    expect(refusal(() => list('week', '2026-01-05', '2045-03-06')).message).toContain('1,001 weekly intervals');
  });

  test('ten years daily is refused, with the count, the limit and a longer interval that fits', () => {
    // 2026-01-01 is a Thursday (its week starts 2025-12-29), 2035-12-31 a Monday (a week of its own).
    const err = refusal(() => list('day', '2026-01-01', '2035-12-31'));
    expect(err.code).toBe(ReportingErrorCode.tooManyIntervals);
    expect(err.message).toBe(
      '2026-01-01 to 2035-12-31 spans 3,652 daily intervals, more than the 1,000 one report may have: choose a longer interval (week: 523 intervals) or a shorter range.',
    );
    expect(err.errors).toEqual([{ path: 'interval', message: err.message }]);
  });

  test('the suggestion skips longer intervals that do not fit either', () => {
    // 30 years: 10,958 days, 1,566 weeks, 360 months.
    expect(refusal(() => list('day', '2000-01-01', '2029-12-31')).message).toContain('choose a longer interval (month: 360 intervals)');
  });

  test('when no interval fits, only a shorter range is suggested', () => {
    expect(refusal(() => list('year', '0001-01-01', '9999-12-31')).message).toBe(
      '0001-01-01 to 9999-12-31 spans 9,999 yearly intervals, more than the 1,000 one report may have: choose a shorter range.',
    );
  });

  // Building 3.6 million intervals first would take seconds and hundreds of MB; the count is
  // arithmetic, so the test's timeout (no wall-clock assertion, which a loaded machine breaks) is ample.
  test('the whole calendar daily is refused at once, without building millions of intervals', () => {
    expect(refusal(() => list('day', '0001-01-01', '9999-12-31')).message).toContain('3,652,059 daily intervals');
  }, 1_000);

  test('a caller can ask for a smaller limit', () => {
    expect(list('month', '2026-01-01', '2026-03-31', 3)).toHaveLength(3);
    expect(refusal(() => list('month', '2026-01-01', '2026-04-01', 3)).message).toContain('more than the 3 one report');
  });
});

test('from after to is a programming error here (the use case refuses it first)', () => {
  expect(() => list('day', '2026-01-02', '2026-01-01')).toThrow(RangeError);
});
