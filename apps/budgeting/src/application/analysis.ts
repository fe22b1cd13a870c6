import { localDate, readDateField, type CalendarDate, type IsoDate } from '@finance/calendar';
import { convertSums } from '@finance/rates';
import { analyzeBudget, HISTORY_PERIODS, type BudgetAnalysis } from '../domain/analysis.js';
import { FieldErrors } from '../domain/errors.js';
import { periodContaining, previousPeriods } from '../domain/periods.js';
import { selectActiveBudgets } from '../persistence/budget.queries.js';
import { mapConcurrently } from './concurrency.js';
import type { BudgetingContext } from './context.js';
import { requireUserId } from './users.js';
import type { AnalysedBudget, BudgetView } from './views.js';

/** The date asked for, or today in the user's time zone (asked from auth only then). */
export async function resolveDate(ctx: BudgetingContext, userId: string, date: CalendarDate | undefined): Promise<IsoDate> {
  if (date !== undefined) {
    const fields = new FieldErrors();
    const iso = readDateField(fields, 'date', date, 'required');
    fields.throwIfAny();
    return iso!;
  }
  const { timezone } = await ctx.users.profileOf(userId);
  return localDate(ctx.now(), timezone);
}

/**
 * The analysis of the budget's period that contains `date`; undefined when there is none (before
 * start_date, after end_date). One ledger call: the expenses per day and currency over the history
 * and the period, each converted into the budget's currency at its day's rate, bucketed here.
 * `history: false` (the threshold checker, which needs only the period's `spent`) asks the ledger
 * for the period alone; everything else is computed the same way.
 */
export async function analyseOn(ctx: BudgetingContext, budget: BudgetView, date: IsoDate, opts: { history?: boolean } = {}): Promise<BudgetAnalysis | undefined> {
  const endDate = budget.endDate ?? undefined;
  const period = periodContaining(budget.period, budget.startDate, date, endDate);
  if (!period) return undefined;
  const history = opts.history === false ? [] : previousPeriods(budget.period, budget.startDate, date, HISTORY_PERIODS, endDate);
  const spending = await ctx.ledger.expensesByDay(budget.userId, {
    from: history.length ? history[history.length - 1]!.start : period.start,
    to: period.end,
    categoryId: budget.categoryId,
  });
  const converted = await convertSums(ctx.rates, budget.amount.currency, spending);
  return analyzeBudget({ amount: budget.amount, period, date, history, spending: converted });
}

/**
 * Every budget active on `date` (default: today in the user's time zone), each with its analysis,
 * and the date that was resolved (callers echo it: "today" is only known here).
 */
export async function getBudgetStatus(
  ctx: BudgetingContext,
  input: { userId: string; date?: CalendarDate | undefined },
): Promise<{ date: IsoDate; items: AnalysedBudget[] }> {
  const userId = requireUserId(input.userId);
  const date = await resolveDate(ctx, userId, input.date);
  const budgets = await selectActiveBudgets(ctx.orm.em.fork(), userId, date);
  const items = await mapConcurrently(budgets, ctx.statusConcurrency, async (budget) => ({ budget, analysis: await analyseOn(ctx, budget, date) }));
  return { date, items };
}
