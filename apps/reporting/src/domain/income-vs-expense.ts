import type { IsoDate } from '@finance/calendar';
import { money, type Money } from '@finance/money';
import { requireInt64, sortedUnique } from './int64.js';
import type { Interval } from './intervals.js';

/**
 * One sum from the ledger: the income or the expenses in one currency of one interval (`day` = its
 * first day) or, for a currency converted day by day, of one day, converted into the base currency
 * where a rate existed (convertSums of @finance/rates). It counts in the interval containing its day.
 */
export interface PeriodSum {
  type: 'income' | 'expense';
  day: IsoDate;
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
  /** Currencies of transactions that were not counted (no usable exchange rate into the base currency on their day), sorted. */
  excludedCurrencies: string[];
}

function totalsOf(income: bigint, expense: bigint, currency: string): IncomeExpenseNet {
  return {
    income: money(requireInt64(income), currency),
    expense: money(requireInt64(expense), currency),
    net: money(requireInt64(income - expense), currency),
  };
}

/** The index of the interval containing `day` in `intervals` (sorted, contiguous), or -1. */
function intervalIndexOf(intervals: readonly Interval[], day: IsoDate): number {
  let low = 0;
  let high = intervals.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const interval = intervals[mid]!;
    if (day < interval.start) high = mid - 1;
    else if (day > interval.end) low = mid + 1;
    else return mid;
  }
  return -1;
}

/**
 * Income, expense and net per interval in the base currency: every interval gets an item (zeros when
 * nothing happened), each sum goes to the interval containing its day; sums still in another
 * currency (no usable rate) are left out and listed. Exact bigint arithmetic; any figure beyond
 * int64 is refused. A day outside every interval means the ledger answered outside the range asked:
 * a fault, not something to hide.
 */
export function assembleIncomeVsExpense(input: { baseCurrency: string; intervals: readonly Interval[]; sums: readonly PeriodSum[] }): IncomeVsExpense {
  const { baseCurrency } = input;
  const buckets = input.intervals.map(() => ({ income: 0n, expense: 0n }));
  const excluded: string[] = [];
  for (const sum of input.sums) {
    if (sum.currency !== baseCurrency) {
      excluded.push(sum.currency);
      continue;
    }
    const index = intervalIndexOf(input.intervals, sum.day);
    if (index < 0) throw new Error(`the ledger answered a sum for ${sum.day}, which is in none of the report's intervals`);
    buckets[index]![sum.type] += sum.minor;
  }
  let income = 0n;
  let expense = 0n;
  const items = input.intervals.map((period, index): IntervalTotals => {
    const bucket = buckets[index]!;
    income += bucket.income;
    expense += bucket.expense;
    return { period, ...totalsOf(bucket.income, bucket.expense, baseCurrency) };
  });
  return { currency: baseCurrency, items, totals: totalsOf(income, expense, baseCurrency), excludedCurrencies: sortedUnique(excluded) };
}
