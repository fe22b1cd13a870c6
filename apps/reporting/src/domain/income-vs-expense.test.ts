import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { isoDate } from '@finance/calendar';
import { MAX_STORED_MINOR } from '@finance/money';
import { ReportingErrorCode } from './errors.js';
import { assembleIncomeVsExpense, type PeriodSum } from './income-vs-expense.js';
import { enumerateIntervals } from './intervals.js';

const months = enumerateIntervals('month', isoDate('2026-01-15'), isoDate('2026-04-10'));
const sum = (type: PeriodSum['type'], day: string, minor: bigint, currency = 'USD'): PeriodSum => ({ type, day: isoDate(day), currency, minor });
/** Items as [start, income, expense, net] minor units. */
const rows = (r: ReturnType<typeof assembleIncomeVsExpense>) => r.items.map((i) => [i.period.start, i.income.minor, i.expense.minor, i.net.minor]);

describe('assembleIncomeVsExpense', () => {
  test('one item per interval, oldest first, zeros for intervals without sums', () => {
    const r = assembleIncomeVsExpense({ baseCurrency: 'USD', intervals: months, sums: [sum('expense', '2026-03-01', 4500n), sum('income', '2026-01-01', 300000n)] });
    expect(rows(r)).toEqual([
      ['2026-01-01', 300000n, 0n, 300000n],
      ['2026-02-01', 0n, 0n, 0n],
      ['2026-03-01', 0n, 4500n, -4500n],
      ['2026-04-01', 0n, 0n, 0n],
    ]);
    expect(r.items.map((i) => i.period.end)).toEqual(['2026-01-31', '2026-02-28', '2026-03-31', '2026-04-30']);
    expect(r.items.every((i) => i.income.currency === 'USD' && i.expense.currency === 'USD' && i.net.currency === 'USD')).toBe(true);
  });

  test('net is income − expense and may be negative; the totals add every interval exactly', () => {
    const r = assembleIncomeVsExpense({
      baseCurrency: 'USD',
      intervals: months,
      sums: [sum('income', '2026-01-01', 10n), sum('expense', '2026-01-01', 30n), sum('income', '2026-02-01', 1n), sum('expense', '2026-04-01', 2n)],
    });
    expect(rows(r)[0]).toEqual(['2026-01-01', 10n, 30n, -20n]);
    expect(r.totals).toEqual({ income: { minor: 11n, currency: 'USD' }, expense: { minor: 32n, currency: 'USD' }, net: { minor: -21n, currency: 'USD' } });
  });

  test('other currencies are left out (income and expense alike) and listed once each, sorted', () => {
    const r = assembleIncomeVsExpense({
      baseCurrency: 'USD',
      intervals: months,
      sums: [sum('income', '2026-01-01', 5n, 'EUR'), sum('expense', '2026-02-01', 7n, 'JPY'), sum('expense', '2026-03-01', 9n, 'EUR'), sum('expense', '2026-03-01', 1n)],
    });
    expect(rows(r)).toEqual([
      ['2026-01-01', 0n, 0n, 0n],
      ['2026-02-01', 0n, 0n, 0n],
      ['2026-03-01', 0n, 1n, -1n],
      ['2026-04-01', 0n, 0n, 0n],
    ]);
    expect(r.excludedCurrencies).toEqual(['EUR', 'JPY']);
  });

  test('each day counts in the interval containing it (the ledger sums per day): first, middle and last days of a month', () => {
    const r = assembleIncomeVsExpense({
      baseCurrency: 'USD',
      intervals: months,
      sums: [sum('expense', '2026-01-01', 1n), sum('expense', '2026-01-31', 2n), sum('expense', '2026-02-02', 4n), sum('income', '2026-02-28', 8n), sum('expense', '2026-04-30', 16n)],
    });
    expect(rows(r)).toEqual([
      ['2026-01-01', 0n, 3n, -3n],
      ['2026-02-01', 8n, 4n, 4n],
      ['2026-03-01', 0n, 0n, 0n],
      ['2026-04-01', 0n, 16n, -16n],
    ]);
  });

  test('a sum for a day in none of the intervals is a fault, not silently dropped', () => {
    expect(() => assembleIncomeVsExpense({ baseCurrency: 'USD', intervals: months, sums: [sum('expense', '2025-12-31', 1n)] })).toThrow(/2025-12-31/);
    expect(() => assembleIncomeVsExpense({ baseCurrency: 'USD', intervals: months, sums: [sum('expense', '2026-05-01', 1n)] })).toThrow(/2026-05-01/);
  });

  test('beyond int64 is refused, never wrapped: a total of income or of expense', () => {
    const tooLarge = expect.objectContaining({ kind: 'failed_precondition', code: ReportingErrorCode.sumTooLarge });
    expect(() =>
      assembleIncomeVsExpense({ baseCurrency: 'USD', intervals: months, sums: [sum('income', '2026-01-01', MAX_STORED_MINOR), sum('income', '2026-02-01', 1n)] }),
    ).toThrow(tooLarge);
    expect(() =>
      assembleIncomeVsExpense({ baseCurrency: 'USD', intervals: months, sums: [sum('expense', '2026-01-01', MAX_STORED_MINOR), sum('expense', '2026-03-01', 2n)] }),
    ).toThrow(tooLarge);
    // At the edge: a net of −(2^63 − 1) is still an int64.
    const edge = assembleIncomeVsExpense({ baseCurrency: 'USD', intervals: months, sums: [sum('expense', '2026-01-01', MAX_STORED_MINOR)] });
    expect(edge.totals.net.minor).toBe(-MAX_STORED_MINOR);
  });

  test('property: totals are the exact sums of the items, and net = income − expense everywhere', () => {
    const days = enumerateIntervals('day', isoDate('2026-02-20'), isoDate('2026-03-05'));
    const sumArb = fc.record({
      type: fc.constantFrom<PeriodSum['type']>('income', 'expense'),
      day: fc.constantFrom(...days.map((d) => d.start)),
      currency: fc.constantFrom('USD', 'USD', 'USD', 'GBP'),
      minor: fc.bigInt({ min: 1n, max: 10n ** 16n }),
    });
    fc.assert(
      fc.property(fc.array(sumArb, { maxLength: 40 }), (sums) => {
        const r = assembleIncomeVsExpense({ baseCurrency: 'USD', intervals: days, sums });
        expect(r.items).toHaveLength(days.length);
        const usd = sums.filter((s) => s.currency === 'USD');
        const total = (type: PeriodSum['type']) => usd.filter((s) => s.type === type).reduce((a, s) => a + s.minor, 0n);
        expect(r.totals.income.minor).toBe(total('income'));
        expect(r.totals.expense.minor).toBe(total('expense'));
        expect(r.totals.net.minor).toBe(total('income') - total('expense'));
        expect(r.items.reduce((a, i) => a + i.income.minor, 0n)).toBe(total('income'));
        for (const item of r.items) expect(item.net.minor).toBe(item.income.minor - item.expense.minor);
      }),
    );
  });
});
