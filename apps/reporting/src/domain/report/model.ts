import type { IsoDate } from '@finance/calendar';
import type { Money } from '@finance/money';
import type { BudgetStatusView } from '../budget-status.js';
import type { IncomeExpenseNet } from '../income-vs-expense.js';
import type { SpendingItem } from '../spending.js';

// The monthly report (GET /export/pdf) as data: everything the page shows, gathered by
// application/monthly-report.ts, drawn by html.ts. Pure values, so the rendering is tested without
// any service or browser.

/** A calendar month: year 1–9999, month 1–12. */
export interface YearMonth {
  year: number;
  month: number;
}

export type GoalState = 'active' | 'completed' | 'cancelled';

/** A savings goal as it stands when the report is made (goals keep no month-end snapshot). */
export interface GoalLine {
  name: string;
  /** target and current are in the goal's own currency. */
  target: Money;
  current: Money;
  /** Absent = no deadline. */
  deadline: IsoDate | undefined;
  status: GoalState;
}

/** One expense of the month, with its amount in the base currency at the rate of its date. */
export interface LargeExpense {
  id: string;
  date: IsoDate;
  description: string;
  /** null = uncategorized. */
  categoryName: string | null;
  /** As recorded. */
  amount: Money;
  /** In the report's currency (= amount when recorded in it). */
  converted: Money;
}

export interface MonthlyReportModel {
  month: YearMonth;
  /** The month's first and last day. */
  period: { from: IsoDate; to: IsoDate };
  previousMonth: YearMonth;
  user: { username: string; email: string; timezone: string };
  /** The user's base currency: every total is in it. */
  currency: string;
  /** When the report was made, as a wall-clock time in the user's time zone. */
  generatedAt: { date: IsoDate; time: string; timezone: string };
  totals: IncomeExpenseNet;
  previousTotals: IncomeExpenseNet;
  /** Currencies without a usable exchange rate on some day: their amounts are not in the figures. Sorted. */
  excludedCurrencies: string[];
  spending: { total: Money; items: SpendingItem[] };
  budgets: {
    /** The day budgeting's status is for: the month's last day, or today for the current month. */
    date: IsoDate;
    /** True when `date` is today (the month is not over). */
    today: boolean;
    items: BudgetStatusView[];
  };
  goals: GoalLine[];
  /** Largest first. */
  largestExpenses: LargeExpense[];
}
