import { describe, expect, test } from '@jest/globals';
import { addDays, isoDate, type IsoDate } from '@finance/calendar';
import { money } from '@finance/money';
import { addMonths, goalProgress, monthlyNeeded, monthsLeft, progressSeries, projectedCompletion, savedInPace, type DatedAmount } from './progress.js';

const d = (text: string) => isoDate(text);
const usd = (minor: bigint) => money(minor, 'USD');
const c = (date: string, minor: bigint): DatedAmount => ({ date: d(date), minor });
const TODAY = d('2026-06-15');

describe('addMonths', () => {
  test.each([
    ['2026-01-15', 1, '2026-02-15'],
    ['2026-01-31', 1, '2026-02-28'],
    ['2028-01-31', 1, '2028-02-29'],
    ['2026-03-31', 1, '2026-04-30'],
    ['2026-11-30', 3, '2027-02-28'],
    ['2026-12-15', 1, '2027-01-15'],
    ['2026-01-15', 0, '2026-01-15'],
  ])('%s + %i months = %s', (from, n, expected) => {
    expect(addMonths(d(from), n)).toBe(expected);
  });
});

describe('monthsLeft: a started month counts as a whole one', () => {
  test.each([
    ['2026-01-15', '2026-03-15', 2], // exactly two months
    ['2026-01-15', '2026-03-16', 3], // one day more starts a third month
    ['2026-01-15', '2026-03-14', 2],
    ['2026-01-15', '2026-01-20', 1], // days away: everything this month
    ['2026-01-15', '2026-02-15', 1],
    ['2026-01-31', '2026-02-28', 1], // month end to month end
    ['2026-01-31', '2026-03-01', 2],
    ['2026-01-15', '2027-01-15', 12],
    ['2026-01-15', '2026-01-15', 1], // the deadline is today: everything now
    ['2026-01-15', '2025-12-01', 1], // passed: everything now
  ])('%s → %s: %i', (today, deadline, expected) => {
    expect(monthsLeft(d(today), d(deadline))).toBe(expected);
  });
});

describe('monthlyNeeded', () => {
  test('divides the remaining amount by the months left, rounded up to the cent', () => {
    expect(monthlyNeeded(usd(100_000n), d('2026-01-15'), d('2026-04-15'))).toEqual(usd(33_334n)); // 1000.00 / 3 = 333.333… → 333.34
    expect(monthlyNeeded(usd(90_000n), d('2026-01-15'), d('2026-04-15'))).toEqual(usd(30_000n)); // exact
  });

  test('a deadline passed: all of the remaining amount', () => {
    expect(monthlyNeeded(usd(12_345n), d('2026-06-15'), d('2026-01-01'))).toEqual(usd(12_345n));
  });

  test('nothing remaining: zero', () => {
    expect(monthlyNeeded(usd(0n), d('2026-01-15'), d('2026-12-31'))).toEqual(usd(0n));
  });

  test('JPY rounds up to the yen', () => {
    expect(monthlyNeeded(money(1000n, 'JPY'), d('2026-01-15'), d('2026-04-15'))).toEqual(money(334n, 'JPY'));
  });
});

describe('savedInPace: contributions dated today − 89 … today', () => {
  test('the window is 90 days including today; older and future-dated contributions do not count', () => {
    const contributions = [c('2026-03-17', 1n), c('2026-03-18', 10n), c('2026-06-15', 100n), c('2026-06-16', 1000n)];
    expect(savedInPace(contributions, TODAY)).toBe(110n); // 2026-03-18 is today − 89
  });
});

describe('projectedCompletion', () => {
  test('remaining ÷ (saved ÷ 90) days ahead, rounded up', () => {
    // 900.00 saved in 90 days = 10.00 a day; 100.00 left → 10 days.
    expect(projectedCompletion(10_000n, 90_000n, TODAY)).toBe('2026-06-25');
    // 100.01 left → 10.001 days → 11.
    expect(projectedCompletion(10_001n, 90_000n, TODAY)).toBe('2026-06-26');
  });

  test('none when nothing remains or nothing was saved', () => {
    expect(projectedCompletion(0n, 90_000n, TODAY)).toBeUndefined();
    expect(projectedCompletion(10_000n, 0n, TODAY)).toBeUndefined();
  });

  test('none past year 9999 (a pace of one cent in 90 days for a huge target)', () => {
    expect(projectedCompletion(10n ** 15n, 1n, TODAY)).toBeUndefined();
  });
});

describe('goalProgress', () => {
  const base = { target: usd(100_000n), deadline: null as IsoDate | null, today: TODAY };

  test('percent half-even with 2 places, remaining, contributions count, the pace', () => {
    const p = goalProgress({ ...base, current: usd(33_333n), contributions: [c('2026-06-01', 9_000n), c('2026-01-01', 5_000n)] });
    expect(p).toEqual({
      percent: '33.33',
      remaining: usd(66_667n),
      contributions: 2,
      monthlyNeeded: undefined,
      projectedCompletionDate: addDays(TODAY, 667), // 666.67 left at 90.00 / 90 days = 1.00 a day: 666.67 → 667 days
      onTrack: undefined, // no deadline, not reached
      savedLast90Days: usd(9_000n),
    });
  });

  test('half-even percent: 0.125 % → 0.12, 0.135 % → 0.14', () => {
    expect(goalProgress({ ...base, target: usd(80_000n), current: usd(100n), contributions: [] }).percent).toBe('0.12');
    expect(goalProgress({ ...base, target: usd(200_000n), current: usd(270n), contributions: [] }).percent).toBe('0.14');
  });

  test('above the target: percent over 100, remaining zero, on track, no projection', () => {
    const p = goalProgress({ ...base, deadline: d('2026-01-01'), current: usd(150_000n), contributions: [c('2026-06-01', 1n)] });
    expect(p).toMatchObject({ percent: '150.00', remaining: usd(0n), monthlyNeeded: usd(0n), projectedCompletionDate: undefined, onTrack: true });
  });

  test('reached exactly: on track even without a deadline', () => {
    expect(goalProgress({ ...base, current: usd(100_000n), contributions: [] })).toMatchObject({ percent: '100.00', onTrack: true });
  });

  test('on track when the projection lands on the deadline, not a day after', () => {
    // 10.00 a day, 100.00 left: projected 2026-06-25.
    const input = { ...base, current: usd(90_000n), contributions: [c('2026-05-01', 90_000n)] };
    expect(goalProgress({ ...input, deadline: d('2026-06-25') }).onTrack).toBe(true);
    expect(goalProgress({ ...input, deadline: d('2026-06-24') }).onTrack).toBe(false);
  });

  test('no pace: no projection, and with a deadline not on track', () => {
    const p = goalProgress({ ...base, deadline: d('2026-12-31'), current: usd(50_000n), contributions: [c('2025-01-01', 50_000n)] });
    expect(p).toMatchObject({ projectedCompletionDate: undefined, onTrack: false, savedLast90Days: usd(0n), monthlyNeeded: usd(7_143n) }); // 500.00 / 7 months
  });

  test('a passed deadline asks for everything remaining', () => {
    const p = goalProgress({ ...base, deadline: d('2026-06-14'), current: usd(40_000n), contributions: [] });
    expect(p).toMatchObject({ monthlyNeeded: usd(60_000n), onTrack: false });
  });
});

describe('progressSeries', () => {
  const created = d('2026-03-10');

  test('the starting amount on the creation date, then one cumulative point per transaction date, ascending', () => {
    const series = progressSeries({
      createdOn: created,
      startingMinor: 5_000n,
      contributions: [c('2026-04-02', 1_000n), c('2026-03-20', 2_500n), c('2026-04-02', 500n)],
    });
    expect(series).toEqual([
      { date: '2026-03-10', minor: 5_000n },
      { date: '2026-03-20', minor: 7_500n },
      { date: '2026-04-02', minor: 9_000n },
    ]);
  });

  test('contributions dated on or before the creation date count on it', () => {
    const series = progressSeries({ createdOn: created, startingMinor: 0n, contributions: [c('2025-12-24', 1_000n), c('2026-03-10', 1n)] });
    expect(series).toEqual([{ date: '2026-03-10', minor: 1_001n }]);
  });

  test('from/to list the points within them; amounts stay cumulative, so the first carries what came before', () => {
    const contributions = [c('2026-03-20', 100n), c('2026-04-02', 10n), c('2026-05-01', 1n)];
    expect(progressSeries({ createdOn: created, startingMinor: 1_000n, contributions, from: d('2026-04-01'), to: d('2026-04-30') })).toEqual([
      { date: '2026-04-02', minor: 1_110n },
    ]);
    expect(progressSeries({ createdOn: created, startingMinor: 1_000n, contributions, from: d('2026-03-10'), to: d('2026-03-10') })).toEqual([
      { date: '2026-03-10', minor: 1_000n },
    ]);
    expect(progressSeries({ createdOn: created, startingMinor: 1_000n, contributions, to: d('2026-03-01') })).toEqual([]);
  });
});
