import type { IsoDate } from '@finance/calendar';
import type { Money } from '@finance/money';
import type { Interval } from './intervals.js';

/** One active budget with the spending of its current period, as budgeting analysed it. */
export interface BudgetStatusView {
  budgetId: string;
  name: string;
  /** null = all expenses. */
  categoryId: string | null;
  /** amount, spent and remaining are in the budget's currency. */
  amount: Money;
  spent: Money;
  remaining: Money;
  /** "85.20" */
  percentUsed: string;
  status: 'under' | 'over';
  period: Interval;
  excludedCurrencies: string[];
}

export interface BudgetStatusReport {
  /** The day the status is for (today in the user's zone when none was asked for). */
  date: IsoDate;
  items: BudgetStatusView[];
}
