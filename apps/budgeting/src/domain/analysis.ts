import type { IsoDate } from '@finance/calendar';
import { compareMoney, MAX_STORED_MINOR, MIN_STORED_MINOR, money, percentOf, roundHalfEven, subtractMoney, type Money } from '@finance/money';
import { errors } from './errors.js';
import { daysElapsed, daysInPeriod, periodIncludes, type Period } from './periods.js';

// How much of a budget is spent. Pure arithmetic on exact minor units (bigint): no float is ever
// involved, and every rounding is half-even, once, to the budget currency's minor units.

/** How many periods before the analysed one the history shows. */
export const HISTORY_PERIODS = 6;

export type BudgetStatus = 'under' | 'over';

/** "over" exactly when spent > amount; spending the whole amount is still "under". */
export function budgetStatus(spent: Money, amount: Money): BudgetStatus {
  return compareMoney(spent, amount) > 0 ? 'over' : 'under';
}

/**
 * Expenses of one day in one currency, as the ledger sums them (minor units), converted into the
 * budget's currency where a rate existed (convertSums of @finance/rates).
 */
export interface DailySpending {
  day: IsoDate;
  currency: string;
  minor: bigint;
}

export interface PeriodSpending {
  period: Period;
  spent: Money;
  status: BudgetStatus;
}

export interface PeriodAnalysis {
  period: Period;
  spent: Money;
  /** amount − spent; negative when over. */
  remaining: Money;
  /** spent / amount × 100, 2 decimals, half-even ("85.20"). */
  percentUsed: string;
  status: BudgetStatus;
  /** spent / days elapsed, half-even to minor units. */
  dailyAverage: Money;
  /** dailyAverage × days in the period. */
  projectedSpend: Money;
  daysInPeriod: number;
  /** Days of the period up to and including the analysed date (≥ 1). */
  daysElapsed: number;
}

export interface BudgetAnalysis extends PeriodAnalysis {
  /** The periods before, newest first (up to HISTORY_PERIODS). */
  history: PeriodSpending[];
  /** Currencies of expenses in the analysed period that could not be counted (no usable exchange rate into the budget's currency on their day), sorted. */
  excludedCurrencies: string[];
}

/** Proto int64 and PostgreSQL bigint are where these amounts go; beyond them there is no honest answer. */
function storable(m: Money): Money {
  if (m.minor > MAX_STORED_MINOR || m.minor < MIN_STORED_MINOR) throw errors.sumTooLarge();
  return m;
}

/**
 * The analysis of one period on `date` (which must lie in it) for `spent` in that period. The
 * amount is > 0 (a budget's amount always is), so the percentage always exists.
 */
export function analyzePeriod(input: { amount: Money; period: Period; date: IsoDate; spent: Money }): PeriodAnalysis {
  const { amount, period, date } = input;
  if (!periodIncludes(period, date)) throw new RangeError(`${date} is not in the period ${period.start}..${period.end}`);
  if (amount.minor <= 0n) throw new RangeError('a budget amount is always > 0');
  const spent = storable(input.spent);
  const days = daysInPeriod(period);
  const elapsed = daysElapsed(period, date);
  const dailyAverage = money(roundHalfEven(spent.minor, BigInt(elapsed)), spent.currency);
  return {
    period,
    spent,
    remaining: storable(subtractMoney(amount, spent)),
    percentUsed: percentOf(spent, amount),
    status: budgetStatus(spent, amount),
    dailyAverage,
    projectedSpend: storable(money(dailyAverage.minor * BigInt(days), spent.currency)),
    daysInPeriod: days,
    daysElapsed: elapsed,
  };
}

/**
 * The whole analysis: `spending` (expenses per day and currency over the history and the analysed
 * period, already converted where a rate existed) is bucketed into the periods; sums still in another
 * currency than the budget's are not counted, and named in excludedCurrencies (for the analysed period).
 */
export function analyzeBudget(input: { amount: Money; period: Period; date: IsoDate; history: readonly Period[]; spending: readonly DailySpending[] }): BudgetAnalysis {
  const { amount, period, history } = input;
  const currency = amount.currency;
  const periods = [period, ...history];
  const totals = periods.map(() => 0n);
  const excluded = new Set<string>();
  for (const row of input.spending) {
    const index = periods.findIndex((p) => periodIncludes(p, row.day));
    if (index < 0) continue;
    if (row.currency === currency) totals[index]! += row.minor;
    else if (index === 0) excluded.add(row.currency);
  }
  const current = analyzePeriod({ amount, period, date: input.date, spent: money(totals[0]!, currency) });
  return {
    ...current,
    history: history.map((p, i) => {
      const spent = storable(money(totals[i + 1]!, currency));
      return { period: p, spent, status: budgetStatus(spent, amount) };
    }),
    excludedCurrencies: [...excluded].sort(),
  };
}
