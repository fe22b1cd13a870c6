import type { CalendarDate } from '@finance/calendar';
import type { BudgetStatusReport } from '../domain/budget-status.js';
import { FieldErrors } from '../domain/errors.js';
import { assembleIncomeVsExpense, type IncomeVsExpense } from '../domain/income-vs-expense.js';
import { enumerateIntervals, type IntervalKind } from '../domain/intervals.js';
import { readDate, readRange, type DateRange } from '../domain/range.js';
import { assembleSpending, type Spending } from '../domain/spending.js';
import type { CallScope, ReportingContext } from './context.js';
import { settleInOrder } from './settle.js';
import { readUserId } from './users.js';

/**
 * Expenses in [from, to] per category, in the user's base currency. Auth (base currency), the
 * ledger's sums and its category names are asked concurrently, once the request is valid.
 */
export async function getSpending(
  ctx: ReportingContext,
  input: { userId: string; from: CalendarDate | undefined; to: CalendarDate | undefined },
  scope: CallScope = {},
): Promise<Spending & DateRange> {
  const errors = new FieldErrors();
  const userId = readUserId(errors, input.userId);
  const range = readRange(errors, input.from, input.to);
  errors.throwIfAny();
  const [profile, sums, categoryNames] = await settleInOrder([
    ctx.users.profileOf(userId!, scope),
    ctx.ledger.expensesByCategory(userId!, range!, scope),
    ctx.ledger.categoryNames(userId!, scope),
  ]);
  return { ...range!, ...assembleSpending({ baseCurrency: profile.baseCurrency, sums, categoryNames }) };
}

export const INTERVAL_MESSAGE = 'must be one of day, week, month, year';

/**
 * Income, expense and net per interval over [from, to] (`interval` undefined = not one of the
 * four). The intervals are listed, and a range with too many refused, before any service is asked.
 */
export async function getIncomeVsExpense(
  ctx: ReportingContext,
  input: { userId: string; from: CalendarDate | undefined; to: CalendarDate | undefined; interval: IntervalKind | undefined },
  scope: CallScope = {},
): Promise<IncomeVsExpense & { interval: IntervalKind }> {
  const errors = new FieldErrors();
  const userId = readUserId(errors, input.userId);
  const range = readRange(errors, input.from, input.to);
  if (!input.interval) errors.add('interval', INTERVAL_MESSAGE);
  errors.throwIfAny();
  const interval = input.interval!;
  const intervals = enumerateIntervals(interval, range!.from, range!.to);
  const [profile, sums] = await settleInOrder([ctx.users.profileOf(userId!, scope), ctx.ledger.sumsByInterval(userId!, range!, interval, scope)]);
  return { interval, ...assembleIncomeVsExpense({ baseCurrency: profile.baseCurrency, intervals, sums }) };
}

/** Every budget active on `date` (default: today in the user's zone) with its analysis, from budgeting. */
export async function getBudgetStatus(
  ctx: ReportingContext,
  input: { userId: string; date: CalendarDate | undefined },
  scope: CallScope = {},
): Promise<BudgetStatusReport> {
  const errors = new FieldErrors();
  const userId = readUserId(errors, input.userId);
  const date = readDate(errors, 'date', input.date, false);
  errors.throwIfAny();
  return ctx.budgets.statusOn(userId!, date, scope);
}
