import type { IsoDate } from '@finance/calendar';
import { money, type Money } from '@finance/money';
import { requireInt64, sortedUnique } from './int64.js';
import type { Interval } from './intervals.js';

/** One sum from the ledger: the income or the expenses of one interval (by its first day) in one currency. */
export interface PeriodSum {
  type: 'income' | 'expense';
  periodStart: IsoDate;
  currency: string;
  minor: bigint;
}

export interface IncomeExpenseNet {
  income: Money;
  expense: Money;
  /** income − expense; negative when more was spent than earned. */
  net: Money;
}

export interface IntervalTotals extends IncomeExpenseNet {
  period: Interval;
}

export interface IncomeVsExpense {
  currency: string;
  /** One per interval, oldest first, zeros included. */
  items: IntervalTotals[];
  totals: IncomeExpenseNet;
  /** Currencies of transactions that were not counted (not the base currency), sorted. */
  excludedCurrencies: string[];
}

function totalsOf(income: bigint, expense: bigint, currency: string): IncomeExpenseNet {
  return {
    income: money(requireInt64(income), currency),
    expense: money(requireInt64(expense), currency),
    net: money(requireInt64(income - expense), currency),
  };
}

/**
 * Income, expense and net per interval in the base currency: every interval gets an item (zeros when
 * nothing happened), sums in other currencies are left out and listed. Exact bigint arithmetic; any
 * figure beyond int64 is refused. A sum for a period that is none of the intervals means the ledger
 * grouped differently than asked: a fault, not something to hide.
 */
export function assembleIncomeVsExpense(input: { baseCurrency: string; intervals: readonly Interval[]; sums: readonly PeriodSum[] }): IncomeVsExpense {
  const { baseCurrency } = input;
  const acc = new Map<IsoDate, { income: bigint; expense: bigint }>(input.intervals.map((i) => [i.start, { income: 0n, expense: 0n }]));
  const excluded: string[] = [];
  for (const sum of input.sums) {
    if (sum.currency !== baseCurrency) {
      excluded.push(sum.currency);
      continue;
    }
    const bucket = acc.get(sum.periodStart);
    if (!bucket) throw new Error(`the ledger answered a sum for a period starting ${sum.periodStart}, which is none of the report's intervals`);
    bucket[sum.type] += sum.minor;
  }
  let income = 0n;
  let expense = 0n;
  const items = input.intervals.map((period): IntervalTotals => {
    const bucket = acc.get(period.start)!;
    income += bucket.income;
    expense += bucket.expense;
    return { period, ...totalsOf(bucket.income, bucket.expense, baseCurrency) };
  });
  return { currency: baseCurrency, items, totals: totalsOf(income, expense, baseCurrency), excludedCurrencies: sortedUnique(excluded) };
}
