import { describe, expect, test } from '@jest/globals';
import { isoDate } from '@finance/calendar';
import { formatMoney, money, parseMoney, type Money } from '@finance/money';
import { analyzeBudget, analyzePeriod, budgetStatus, type DailySpending } from './analysis.js';
import type { Period } from './periods.js';

const d = isoDate;
const usd = (amount: string) => parseMoney(amount, 'USD', { allowNegative: true });
const jpy = (amount: string) => parseMoney(amount, 'JPY');
const march: Period = { start: d('2026-03-01'), end: d('2026-03-31') }; // 31 days

/** The analysis as a user reads it: decimal strings. */
function readable(input: { amount: Money; period?: Period; date: string; spent: Money }) {
  const a = analyzePeriod({ amount: input.amount, period: input.period ?? march, date: d(input.date), spent: input.spent });
  return {
    spent: formatMoney(a.spent),
    remaining: formatMoney(a.remaining),
    percentUsed: a.percentUsed,
    status: a.status,
    dailyAverage: formatMoney(a.dailyAverage),
    projectedSpend: formatMoney(a.projectedSpend),
    daysInPeriod: a.daysInPeriod,
    daysElapsed: a.daysElapsed,
  };
}

describe('analyzePeriod', () => {
  test('under: a quarter spent after 10 of 31 days', () => {
    expect(readable({ amount: usd('100.00'), date: '2026-03-10', spent: usd('25.00') })).toEqual({
      spent: '25.00',
      remaining: '75.00',
      percentUsed: '25.00',
      status: 'under',
      dailyAverage: '2.50',
      projectedSpend: '77.50',
      daysInPeriod: 31,
      daysElapsed: 10,
    });
  });

  test('exactly the amount spent is still under, with nothing remaining', () => {
    expect(readable({ amount: usd('100.00'), date: '2026-03-20', spent: usd('100.00') })).toMatchObject({
      remaining: '0.00',
      percentUsed: '100.00',
      status: 'under',
    });
  });

  test('one cent over the amount is over, and remaining is negative', () => {
    expect(readable({ amount: usd('100.00'), date: '2026-03-20', spent: usd('100.01') })).toMatchObject({
      remaining: '-0.01',
      percentUsed: '100.01',
      status: 'over',
    });
  });

  test('nothing spent: 0 %, no average, no projection, all remaining', () => {
    expect(readable({ amount: usd('100.00'), date: '2026-03-01', spent: usd('0') })).toEqual({
      spent: '0.00',
      remaining: '100.00',
      percentUsed: '0.00',
      status: 'under',
      dailyAverage: '0.00',
      projectedSpend: '0.00',
      daysInPeriod: 31,
      daysElapsed: 1,
    });
  });

  test('far over: remaining is negative by the excess', () => {
    expect(readable({ amount: usd('50.00'), date: '2026-03-05', spent: usd('80.00') })).toMatchObject({
      remaining: '-30.00',
      percentUsed: '160.00',
      status: 'over',
    });
  });

  test('daily average rounds half-even: 2.5 cents → 2, 3.5 cents → 4; the projection multiplies the rounded average', () => {
    expect(readable({ amount: usd('100.00'), date: '2026-03-02', spent: usd('0.05') })).toMatchObject({ dailyAverage: '0.02', projectedSpend: '0.62' });
    expect(readable({ amount: usd('100.00'), date: '2026-03-02', spent: usd('0.07') })).toMatchObject({ dailyAverage: '0.04', projectedSpend: '1.24' });
  });

  test('projection: 10.00 in 3 days averages 3.33 a day and projects 103.23 for 31 days', () => {
    expect(readable({ amount: usd('100.00'), date: '2026-03-03', spent: usd('10.00') })).toMatchObject({
      dailyAverage: '3.33',
      projectedSpend: '103.23',
      daysElapsed: 3,
    });
  });

  test('on the last day every day has elapsed; the projection is the rounded average times the days', () => {
    expect(readable({ amount: usd('100.00'), date: '2026-03-31', spent: usd('100.00') })).toMatchObject({
      daysElapsed: 31,
      dailyAverage: '3.23',
      projectedSpend: '100.13',
    });
  });

  test('percent used rounds half-even to 2 places: 0.125 % → 0.12, 0.375 % → 0.38, 1/3 → 33.33', () => {
    expect(readable({ amount: usd('8.00'), date: '2026-03-01', spent: usd('0.01') }).percentUsed).toBe('0.12');
    expect(readable({ amount: usd('8.00'), date: '2026-03-01', spent: usd('0.03') }).percentUsed).toBe('0.38');
    expect(readable({ amount: usd('3.00'), date: '2026-03-01', spent: usd('1.00') }).percentUsed).toBe('33.33');
  });

  test('JPY has no minor digits: the average rounds to whole yen (1666.5 → 1666)', () => {
    expect(readable({ amount: jpy('10000'), date: '2026-03-02', spent: jpy('3333') })).toEqual({
      spent: '3333',
      remaining: '6667',
      percentUsed: '33.33',
      status: 'under',
      dailyAverage: '1666',
      projectedSpend: '51646',
      daysInPeriod: 31,
      daysElapsed: 2,
    });
  });

  test('a one-day period', () => {
    const day: Period = { start: d('2026-03-05'), end: d('2026-03-05') };
    expect(readable({ amount: usd('20.00'), period: day, date: '2026-03-05', spent: usd('20.01') })).toMatchObject({
      daysInPeriod: 1,
      daysElapsed: 1,
      dailyAverage: '20.01',
      projectedSpend: '20.01',
      status: 'over',
    });
  });

  test('a date outside the period is a programming error', () => {
    expect(() => analyzePeriod({ amount: usd('1.00'), period: march, date: d('2026-04-01'), spent: usd('0') })).toThrow(RangeError);
  });

  test('totals beyond int64 are refused, never wrapped', () => {
    const huge = money(2n ** 63n, 'USD');
    expect(() => analyzePeriod({ amount: usd('1.00'), period: march, date: d('2026-03-01'), spent: huge })).toThrow(
      expect.objectContaining({ code: 'BUDGETING_SUM_TOO_LARGE', kind: 'failed_precondition' }),
    );
  });
});

describe('budgetStatus', () => {
  test('over exactly when spent > amount', () => {
    expect(budgetStatus(usd('9.99'), usd('10.00'))).toBe('under');
    expect(budgetStatus(usd('10.00'), usd('10.00'))).toBe('under');
    expect(budgetStatus(usd('10.01'), usd('10.00'))).toBe('over');
  });
});

describe('analyzeBudget', () => {
  const row = (date: string, amount: string, currency = 'USD'): DailySpending => ({
    day: d(date),
    currency,
    minor: parseMoney(amount, currency).minor,
  });
  const feb: Period = { start: d('2026-02-01'), end: d('2026-02-28') };
  const jan: Period = { start: d('2026-01-01'), end: d('2026-01-31') };

  test('buckets days into the period and its history, exactly, boundaries included', () => {
    const analysis = analyzeBudget({
      amount: usd('100.00'),
      period: march,
      date: d('2026-03-15'),
      history: [feb, jan],
      spending: [
        row('2026-01-01', '0.10'),
        row('2026-01-31', '0.20'),
        row('2026-02-01', '60.00'),
        row('2026-02-28', '40.01'),
        row('2026-03-01', '0.10'),
        row('2026-03-15', '0.10'),
        row('2026-03-31', '0.10'),
      ],
    });
    expect(formatMoney(analysis.spent)).toBe('0.30');
    expect(analysis.history.map((h) => [h.period.start, formatMoney(h.spent), h.status])).toEqual([
      ['2026-02-01', '100.01', 'over'],
      ['2026-01-01', '0.30', 'under'],
    ]);
    expect(analysis.excludedCurrencies).toEqual([]);
  });

  test('other currencies are not counted; those of the analysed period are named, sorted, once', () => {
    const analysis = analyzeBudget({
      amount: usd('100.00'),
      period: march,
      date: d('2026-03-15'),
      history: [feb],
      spending: [row('2026-02-10', '5.00', 'GBP'), row('2026-03-02', '7.00', 'EUR'), row('2026-03-03', '9', 'JPY'), row('2026-03-04', '1.00', 'EUR'), row('2026-03-05', '2.00')],
    });
    expect(formatMoney(analysis.spent)).toBe('2.00');
    expect(formatMoney(analysis.history[0]!.spent)).toBe('0.00');
    expect(analysis.excludedCurrencies).toEqual(['EUR', 'JPY']);
  });

  test('no spending at all: zero everywhere, history still listed', () => {
    const analysis = analyzeBudget({ amount: usd('10.00'), period: march, date: d('2026-03-31'), history: [feb], spending: [] });
    expect(formatMoney(analysis.spent)).toBe('0.00');
    expect(analysis.history).toEqual([{ period: feb, spent: usd('0.00'), status: 'under' }]);
  });
});
