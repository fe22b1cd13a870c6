import { readDateField, type CalendarDate } from '@finance/calendar';
import type { BudgetStatusReport } from '../domain/budget-status.js';
import { FieldErrors } from '../domain/errors.js';
import { assembleIncomeVsExpense, type IncomeVsExpense } from '../domain/income-vs-expense.js';
import { enumerateIntervals, type IntervalKind } from '../domain/intervals.js';
import { readRange, type DateRange } from '../domain/range.js';
import { assembleSpending, type Spending } from '../domain/spending.js';
import type { ReportingContext } from './context.js';
import { inCurrency } from './convert.js';
import { settleInOrder } from './settle.js';
import { requireUserId } from './users.js';

/**
 * Expenses in [from, to] per category, in the user's base currency. Auth (base currency), the
 * ledger's sums (per day, category and currency) and its category names are asked concurrently,
 * once the request is valid; then each sum in another currency is converted at its day's rate.
 */
export async function getSpending(
  ctx: ReportingContext,
  input: { userId: string; from: CalendarDate | undefined; to: CalendarDate | undefined },
): Promise<Spending & DateRange> {
  const userId = requireUserId(input.userId);
  const errors = new FieldErrors();
  const range = readRange(errors, input.from, input.to);
  errors.throwIfAny();
  const [profile, sums, categoryNames] = await settleInOrder([
    ctx.users.profileOf(userId),
    ctx.ledger.expensesByDayAndCategory(userId, range!),
    ctx.ledger.categoryNames(userId),
  ]);
  const converted = await inCurrency(ctx.rates, profile.baseCurrency, sums);
  return { ...range!, ...assembleSpending({ baseCurrency: profile.baseCurrency, sums: converted, categoryNames }) };
}

const INTERVAL_MESSAGE = 'must be one of day, week, month, year';

/**
 * Income, expense and net per interval over [from, to] (`interval` undefined = not one of the
 * four). The intervals are listed, and a range with too many refused, before any service is asked.
 * The ledger sums per day (whatever the interval), so each day's sum in another currency is
 * converted at that day's rate before it is added to its interval.
 */
export async function getIncomeVsExpense(
  ctx: ReportingContext,
  input: { userId: string; from: CalendarDate | undefined; to: CalendarDate | undefined; interval: IntervalKind | undefined },
): Promise<IncomeVsExpense & { interval: IntervalKind }> {
  const userId = requireUserId(input.userId);
  const errors = new FieldErrors();
  const range = readRange(errors, input.from, input.to);
  if (!input.interval) errors.add('interval', INTERVAL_MESSAGE);
  errors.throwIfAny();
  const interval = input.interval!;
  const intervals = enumerateIntervals(interval, range!.from, range!.to);
  const [profile, sums] = await settleInOrder([ctx.users.profileOf(userId), ctx.ledger.sumsByDay(userId, range!)]);
  const converted = await inCurrency(ctx.rates, profile.baseCurrency, sums);
  return { interval, ...assembleIncomeVsExpense({ baseCurrency: profile.baseCurrency, intervals, sums: converted }) };
}

/** Every budget active on `date` (default: today in the user's zone) with its analysis, from budgeting. */
export async function getBudgetStatus(
  ctx: ReportingContext,
  input: { userId: string; date: CalendarDate | undefined },
): Promise<BudgetStatusReport> {
  const userId = requireUserId(input.userId);
  const errors = new FieldErrors();
  const date = readDateField(errors, 'date', input.date, 'optional');
  errors.throwIfAny();
  return ctx.budgets.statusOn(userId, date);
}
