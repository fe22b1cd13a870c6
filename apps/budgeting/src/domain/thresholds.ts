import type { IsoDate } from '@finance/calendar';
import type { Money } from '@finance/money';
import { periodContaining, periodIncludes, type BudgetPeriodKind, type Period } from './periods.js';

// Budget alerts: 80 and 100 % of a budget's amount, announced once per budget, period and
// threshold (API.md, Version 4). Compared exactly on minor units (spent × 100 ≥ threshold ×
// amount), never through the rounded percent_used, so 79.996 % (shown as "80.00") has not reached
// 80 and spending the amount exactly has reached 100.

export const THRESHOLDS = [80, 100] as const;
export type Threshold = (typeof THRESHOLDS)[number];

/** The thresholds `spent` has reached of `amount` (same currency, amount > 0), ascending. */
export function thresholdsReached(spent: Money, amount: Money): Threshold[] {
  if (spent.currency !== amount.currency) throw new RangeError(`spent in ${spent.currency}, amount in ${amount.currency}`);
  if (amount.minor <= 0n) throw new RangeError('a budget amount is always > 0');
  return THRESHOLDS.filter((t) => spent.minor * 100n >= BigInt(t) * amount.minor);
}

/** What a ledger transaction event says about a transaction as it is now. */
export interface TransactionSide {
  transactionType: 'income' | 'expense';
  date: IsoDate;
  categoryId: string | null;
}

/** A budget as far as "does this expense touch its current period" is concerned. */
export interface BudgetScope {
  period: BudgetPeriodKind;
  startDate: IsoDate;
  endDate: IsoDate | null;
  categoryId: string | null;
}

/**
 * The budget's current period (the one containing `today`, the user's local date) when the
 * transaction is an expense of the budget's category (any category for an all-expense budget)
 * dated in it; undefined otherwise: income, another category, another period, or a budget not
 * active today. Pure: the consumer decides with it, before any call to the ledger, whether a
 * change can raise the budget's spending at all.
 */
export function currentPeriodTouched(budget: BudgetScope, today: IsoDate, transaction: TransactionSide): Period | undefined {
  if (transaction.transactionType !== 'expense') return undefined;
  if (budget.categoryId !== null && transaction.categoryId !== budget.categoryId) return undefined;
  const period = periodContaining(budget.period, budget.startDate, today, budget.endDate ?? undefined);
  return period && periodIncludes(period, transaction.date) ? period : undefined;
}
