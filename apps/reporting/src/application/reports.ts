import { readDateField, type CalendarDate } from '@finance/calendar';
import { DomainError } from '@finance/platform/errors';
import { convertSums, type DatedSum } from '@finance/rates';
import type { BudgetStatusReport } from '../domain/budget-status.js';
import { FieldErrors, ReportingErrorCode } from '../domain/errors.js';
import { assembleIncomeVsExpense, type IncomeVsExpense } from '../domain/income-vs-expense.js';
import { sortedUnique } from '../domain/int64.js';
import { enumerateIntervals, type IntervalKind } from '../domain/intervals.js';
import { readRange, type DateRange } from '../domain/range.js';
import { assembleSpending, type Spending } from '../domain/spending.js';
import type { Rates, ReportingContext } from './context.js';
import { settleInOrder } from './settle.js';
import { requireUserId } from './users.js';

/**
 * The coarse sums, or undefined when the ledger refused one as beyond int64: a total in another
 * currency may be too large in its own minor units and still fit once converted per day, so then
 * every currency is asked per day (as much as the answer can hold, nothing less).
 */
async function coarseOrTooLarge<C>(sums: Promise<C[]>): Promise<C[] | undefined> {
  try {
    return await sums;
  } catch (err) {
    if (err instanceof DomainError && err.code === ReportingErrorCode.sumTooLarge) return undefined;
    throw err;
  }
}

/**
 * The sums to count in `base`, in two steps. The coarse sums (one row per group and currency: what
 * the report asked before it converted) in `base` are taken as they are: they add up to exactly
 * what their days would. Only when other currencies appear are the days asked, restricted to
 * exactly those currencies, and each day's sum converted at its own day's rate (`convertSums`,
 * rounding once per ledger row); one without a usable rate stays in its currency, for the report
 * to leave out and list. A user whose transactions are all in `base` costs one coarse ledger call
 * and no conversion. Rows of the daily answer in other currencies than asked are dropped: a ledger
 * that does not know `currencies` yet answers them all, and the coarse rows in `base` hold them.
 */
async function inBaseCurrency<C extends { currency: string }, D extends C & DatedSum>(
  rates: Rates,
  base: string,
  coarse: readonly C[] | undefined,
  daily: (currencies: string[]) => Promise<D[]>,
): Promise<C[]> {
  if (coarse === undefined) return convertSums(rates, base, await daily([]));
  const inBase = coarse.filter((sum) => sum.currency === base);
  const others = sortedUnique(coarse.filter((sum) => sum.currency !== base).map((sum) => sum.currency));
  if (!others.length) return inBase;
  const days = (await daily(others)).filter((sum) => others.includes(sum.currency));
  return [...inBase, ...(await convertSums(rates, base, days))];
}

/**
 * Expenses in [from, to] per category, in the user's base currency. Auth (base currency), the
 * ledger's sums per category and currency and its category names are asked concurrently, once the
 * request is valid; then, only if some sums are in other currencies, the ledger's sums per day and
 * category of exactly those currencies, each converted at its day's rate (inBaseCurrency).
 */
export async function getSpending(
  ctx: ReportingContext,
  input: { userId: string; from: CalendarDate | undefined; to: CalendarDate | undefined },
): Promise<Spending & DateRange> {
  const userId = requireUserId(input.userId);
  const errors = new FieldErrors();
  const range = readRange(errors, input.from, input.to);
  errors.throwIfAny();
  const [profile, coarse, categoryNames] = await settleInOrder([
    ctx.users.profileOf(userId),
    coarseOrTooLarge(ctx.ledger.expensesByCategory(userId, range!)),
    ctx.ledger.categoryNames(userId),
  ]);
  const converted = await inBaseCurrency(ctx.rates, profile.baseCurrency, coarse, (currencies) => ctx.ledger.expensesByDayAndCategory(userId, range!, currencies));
  return { ...range!, ...assembleSpending({ baseCurrency: profile.baseCurrency, sums: converted, categoryNames }) };
}

const INTERVAL_MESSAGE = 'must be one of day, week, month, year';

/**
 * Income, expense and net per interval over [from, to] (`interval` undefined = not one of the
 * four). The intervals are listed, and a range with too many refused, before any service is asked.
 * The ledger sums per interval and currency; only if some sums are in other currencies are those
 * currencies asked again per day, so that each day's sum is converted at that day's rate before it
 * is added to its interval (inBaseCurrency).
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
  const [profile, coarse] = await settleInOrder([ctx.users.profileOf(userId), coarseOrTooLarge(ctx.ledger.sumsByInterval(userId, range!, interval))]);
  const converted = await inBaseCurrency(ctx.rates, profile.baseCurrency, coarse, (currencies) => ctx.ledger.sumsByDay(userId, range!, currencies));
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
