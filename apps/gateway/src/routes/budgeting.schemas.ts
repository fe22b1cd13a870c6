import { formatMoney, money } from '@finance/money';
import { budgetingV1, type commonV1 } from '@finance/proto';
import { z } from 'zod';
import { component, doc } from '../openapi-registry.js';
import { ContractViolationError, isoDate, pageSchema, textField, timestamp } from './schemas.js';

// The budgeting service's resources (budgets, their analysis, the budget status) as the REST API
// shows them (API.md, Version 2), and the mapping to and from finance.budgeting.v1. The service
// validates authoritatively (amount against the currency's precision, categories that exist, the
// order of start and end); these catch what is plainly wrong before any RPC.

// ---------------------------------------------------------------------------------------------
// Fields of requests

export const budgetPeriodField = doc(
  z.enum(['daily', 'weekly', 'monthly', 'yearly']),
  'Periods are anchored at `start_date`: monthly from the 15th runs 15th–14th; weekly is 7 days from `start_date`',
);
export type BudgetPeriodName = z.infer<typeof budgetPeriodField>;

/** Surrounding spaces are ignored. */
export const budgetNameField = textField(100, { min: 1, trim: true });

// ---------------------------------------------------------------------------------------------
// Proto ⇄ REST values

const PERIOD_TO_PROTO: Record<BudgetPeriodName, budgetingV1.BudgetPeriod> = {
  daily: budgetingV1.BudgetPeriod.BUDGET_PERIOD_DAILY,
  weekly: budgetingV1.BudgetPeriod.BUDGET_PERIOD_WEEKLY,
  monthly: budgetingV1.BudgetPeriod.BUDGET_PERIOD_MONTHLY,
  yearly: budgetingV1.BudgetPeriod.BUDGET_PERIOD_YEARLY,
};

/** Absent → UNSPECIFIED, which the service reads as "unchanged". */
export function toProtoBudgetPeriod(period: BudgetPeriodName | undefined): budgetingV1.BudgetPeriod {
  return period === undefined ? budgetingV1.BudgetPeriod.BUDGET_PERIOD_UNSPECIFIED : PERIOD_TO_PROTO[period];
}

function fromProtoBudgetPeriod(period: budgetingV1.BudgetPeriod): BudgetPeriodName {
  for (const [name, value] of Object.entries(PERIOD_TO_PROTO)) if (value === period) return name as BudgetPeriodName;
  throw new ContractViolationError(`budgeting returned period ${period}`);
}

function fromProtoStatus(status: budgetingV1.BudgetStatus): 'under' | 'over' {
  if (status === budgetingV1.BudgetStatus.BUDGET_STATUS_UNDER) return 'under';
  if (status === budgetingV1.BudgetStatus.BUDGET_STATUS_OVER) return 'over';
  throw new ContractViolationError(`budgeting returned status ${status}`);
}

/**
 * An amount of the budget → its decimal string with the budget currency's digits ("-5.00" when
 * negative). Every amount of a budget is in the budget's currency; anything else is a bug.
 */
function budgetMoney(value: commonV1.Money | undefined, currency: string, what: string): string {
  if (!value) throw new ContractViolationError(`budgeting returned no ${what}`);
  if (value.currency && value.currency !== currency) {
    throw new ContractViolationError(`budgeting returned ${what} in ${value.currency} for a ${currency} budget`);
  }
  return formatMoney(money(value.minorUnits, currency));
}

const PERCENT = /^-?\d+(\.\d+)?$/;

function percentText(value: string): string {
  if (!PERCENT.test(value)) throw new ContractViolationError(`budgeting returned percent_used ${JSON.stringify(value)}`);
  return value;
}

const date = (value: commonV1.DateMessage | undefined, what: string) => isoDate(value, what, 'budgeting');

// ---------------------------------------------------------------------------------------------
// Responses

const isoTimestamp = doc(z.iso.datetime(), 'ISO 8601, UTC');
const isoDay = doc(z.iso.date(), 'YYYY-MM-DD');
const decimal = (description: string) => doc(z.string(), description);
export const budgetStatusField = doc(z.enum(['under', 'over']), '`over` exactly when `spent` > `amount`');
export const percentUsedField = doc(
  z.string(),
  '`spent` / `amount` × 100 as a decimal string with 2 places, rounded half-even ("85.20"); above "100.00" when over. A string, like the amounts, so it is exact',
);

export const budgetSchema = z.object({
  id: z.string(),
  name: doc(z.string(), 'As given; a budget created without one is named after its category, or after its period ("Monthly budget")'),
  amount: decimal('Decimal string with exactly the currency’s decimal places ("500.00", JPY "50000"); always > 0'),
  currency: doc(z.string(), 'ISO 4217; every amount of the budget and its analysis is in it'),
  period: budgetPeriodField,
  start_date: doc(z.iso.date(), 'YYYY-MM-DD: the first day of the first period (the anchor of every period)'),
  end_date: doc(z.iso.date().nullable(), 'YYYY-MM-DD, the last day counted (inclusive); null = open-ended'),
  category_id: doc(z.string().nullable(), 'The category whose expenses count; null = all expenses'),
  created_at: isoTimestamp,
  updated_at: isoTimestamp,
});
export type BudgetResponse = z.output<typeof budgetSchema>;

export const periodSpendingSchema = z.object({
  period_start: isoDay,
  period_end: isoDay,
  spent: decimal('Expenses counted in that period'),
  status: budgetStatusField,
});

export const budgetAnalysisSchema = z.object({
  period_start: doc(z.iso.date(), 'First day of the period that contains `date`'),
  period_end: doc(z.iso.date(), 'Last day of that period (inclusive); cut at `end_date`'),
  spent: decimal('Expenses in the period (of the category, or all expenses), in the budget currency'),
  remaining: decimal('`amount` − `spent`; negative when over ("-5.00")'),
  percent_used: percentUsedField,
  status: budgetStatusField,
  daily_average: decimal('`spent` / `days_elapsed`, rounded half-even to the currency’s decimals'),
  projected_spend: decimal('`daily_average` × `days_in_period`: where the period ends at this pace'),
  days_in_period: doc(z.number().int(), 'Days in the period'),
  days_elapsed: doc(z.number().int(), 'Days of the period up to and including `date` (all of them once the period is over)'),
  history: doc(z.array(periodSpendingSchema), 'The periods before this one, newest first (up to 6)'),
  excluded_currencies: doc(z.array(z.string()), 'Currencies of expenses in the period that are not counted because they have no usable exchange rate into the budget currency on their date (a currency the ECB never published, such as KWD; a date before its first rate; a publication stopped); every other expense is counted, converted at the ECB rate of its date'),
});
export type BudgetAnalysisResponse = z.output<typeof budgetAnalysisSchema>;

export const budgetDetailSchema = budgetSchema.extend({
  analysis: doc(budgetAnalysisSchema.nullable(), 'The period that contains `date`; null when `date` is before `start_date` or after `end_date`'),
});
export type BudgetDetailResponse = z.output<typeof budgetDetailSchema>;

export const budgetPageSchema = pageSchema(budgetSchema);

component(budgetSchema, 'Budget');
component(periodSpendingSchema, 'BudgetPeriodSpending', 'What was spent in one earlier period');
component(budgetAnalysisSchema, 'BudgetAnalysis', 'Spending in the period that contains the requested date');
component(budgetDetailSchema, 'BudgetWithAnalysis', 'A budget with the analysis of one period');
component(budgetPageSchema, 'BudgetPage', 'A page of budgets');

export function toBudgetResponse(budget: budgetingV1.Budget | undefined): BudgetResponse {
  if (!budget) throw new ContractViolationError('budgeting returned no budget');
  const amount = budget.amount;
  if (!amount?.currency) throw new ContractViolationError('budgeting returned a budget without amount');
  return {
    id: budget.id,
    name: budget.name,
    amount: formatMoney(money(amount.minorUnits, amount.currency)),
    currency: amount.currency,
    period: fromProtoBudgetPeriod(budget.period),
    start_date: date(budget.startDate, 'budget start_date'),
    end_date: budget.endDate ? date(budget.endDate, 'budget end_date') : null,
    // Absent or "" = all expenses.
    category_id: budget.categoryId || null,
    created_at: timestamp(budget.createdAt, 'budget created_at'),
    updated_at: timestamp(budget.updatedAt, 'budget updated_at'),
  };
}

export function toBudgetAnalysisResponse(analysis: budgetingV1.BudgetAnalysis, currency: string): BudgetAnalysisResponse {
  return {
    period_start: date(analysis.periodStart, 'analysis period_start'),
    period_end: date(analysis.periodEnd, 'analysis period_end'),
    spent: budgetMoney(analysis.spent, currency, 'spent'),
    remaining: budgetMoney(analysis.remaining, currency, 'remaining'),
    percent_used: percentText(analysis.percentUsed),
    status: fromProtoStatus(analysis.status),
    daily_average: budgetMoney(analysis.dailyAverage, currency, 'daily_average'),
    projected_spend: budgetMoney(analysis.projectedSpend, currency, 'projected_spend'),
    days_in_period: analysis.daysInPeriod,
    days_elapsed: analysis.daysElapsed,
    history: analysis.history.map((period) => ({
      period_start: date(period.periodStart, 'history period_start'),
      period_end: date(period.periodEnd, 'history period_end'),
      spent: budgetMoney(period.spent, currency, 'history spent'),
      status: fromProtoStatus(period.status),
    })),
    excluded_currencies: analysis.excludedCurrencies,
  };
}

export function toBudgetDetailResponse(response: budgetingV1.GetBudgetResponse): BudgetDetailResponse {
  const budget = toBudgetResponse(response.budget);
  return { ...budget, analysis: response.analysis ? toBudgetAnalysisResponse(response.analysis, budget.currency) : null };
}
