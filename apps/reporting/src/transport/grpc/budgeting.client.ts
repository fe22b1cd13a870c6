import { fromCalendarDate, toCalendarDate, type CalendarDate, type IsoDate } from '@finance/calendar';
import { money, type Money } from '@finance/money';
import type { ServiceClient } from '@finance/platform';
import { budgetingV1, type commonV1 } from '@finance/proto';
import type { Budgets } from '../../application/context.js';
import type { BudgetStatusView } from '../../domain/budget-status.js';
import { asReportingError, int64FromWire } from './dependency-verdicts.js';

export type BudgetingClient = ServiceClient<typeof budgetingV1.BudgetingServiceService>;

function requireDate(value: CalendarDate | undefined, what: string): IsoDate {
  const date = value && fromCalendarDate(value);
  if (!date) throw new Error(`budgeting answered without a valid ${what}`);
  return date;
}

function requireMoney(value: commonV1.Money | undefined, what: string): Money {
  if (!value) throw new Error(`budgeting answered without ${what}`);
  return money(int64FromWire(value.minorUnits, what), value.currency);
}

/** Budget + analysis → one flat item (the shape of /analytics/budget-status). */
function flatten(budget: budgetingV1.Budget, analysis: budgetingV1.BudgetAnalysis): BudgetStatusView {
  return {
    budgetId: budget.id,
    name: budget.name,
    categoryId: budget.categoryId || null,
    amount: requireMoney(budget.amount, 'amount'),
    spent: requireMoney(analysis.spent, 'spent'),
    remaining: requireMoney(analysis.remaining, 'remaining'),
    percentUsed: analysis.percentUsed,
    status: analysis.status === budgetingV1.BudgetStatus.BUDGET_STATUS_OVER ? 'over' : 'under',
    period: { start: requireDate(analysis.periodStart, 'period_start'), end: requireDate(analysis.periodEnd, 'period_end') },
    excludedCurrencies: analysis.excludedCurrencies,
  };
}

/** The Budgets port over budgeting's GetBudgetStatus; budgeting resolves "today" and says which day it took. */
export function budgetingPort(client: BudgetingClient): Budgets {
  return {
    async statusOn(userId, date) {
      let response: budgetingV1.GetBudgetStatusResponse;
      try {
        response = await client.getBudgetStatus({ userId, date: date && toCalendarDate(date) });
      } catch (err) {
        throw asReportingError(err);
      }
      return {
        date: response.date ? requireDate(response.date, 'date') : (date ?? requireDate(undefined, 'date')),
        // Every active budget has an analysis; one without (not active on the date after all) has no status.
        items: response.items.flatMap(({ budget, analysis }) => (budget && analysis ? [flatten(budget, analysis)] : [])),
      };
    },
  };
}
