import { formatMoney, getCurrency, money } from '@finance/money';
import { reportingV1, type commonV1 } from '@finance/proto';
import { z } from 'zod';
import { component, doc } from '../openapi-registry.js';
import { budgetStatusField, percentUsedField } from './budgeting.schemas.js';
import { ContractViolationError, isoDate } from './schemas.js';

// The reporting service's analytics (spending, income vs expense, budget status) as the REST API
// shows them (API.md, Version 2), and the mapping to and from finance.reporting.v1. Reporting
// validates the ranges authoritatively (from ≤ to, how many intervals a range may have); the
// gateway refuses only what is malformed.

// ---------------------------------------------------------------------------------------------
// Fields of requests

export const INTERVALS = ['day', 'week', 'month', 'year'] as const;
export type IntervalName = (typeof INTERVALS)[number];

export const intervalField = doc(
  z.enum(INTERVALS, { error: 'must be one of day, week, month, year' }).default('month'),
  'The length of each item: `day`, `week` (starting on Monday), `month` (starting on the 1st) or `year` (starting on January 1st); default `month`',
);

// ---------------------------------------------------------------------------------------------
// Proto ⇄ REST values

const INTERVAL_TO_PROTO: Record<IntervalName, reportingV1.Interval> = {
  day: reportingV1.Interval.INTERVAL_DAY,
  week: reportingV1.Interval.INTERVAL_WEEK,
  month: reportingV1.Interval.INTERVAL_MONTH,
  year: reportingV1.Interval.INTERVAL_YEAR,
};

export function toProtoInterval(interval: IntervalName): reportingV1.Interval {
  return INTERVAL_TO_PROTO[interval];
}

function fromProtoInterval(interval: reportingV1.Interval): IntervalName {
  // The proto reads UNSPECIFIED as MONTH.
  if (interval === reportingV1.Interval.INTERVAL_UNSPECIFIED) return 'month';
  for (const [name, value] of Object.entries(INTERVAL_TO_PROTO)) if (value === interval) return name as IntervalName;
  throw new ContractViolationError(`reporting returned interval ${interval}`);
}

function fromProtoStatus(status: reportingV1.BudgetStatus): 'under' | 'over' {
  if (status === reportingV1.BudgetStatus.BUDGET_STATUS_UNDER) return 'under';
  if (status === reportingV1.BudgetStatus.BUDGET_STATUS_OVER) return 'over';
  throw new ContractViolationError(`reporting returned budget status ${status}`);
}

const date = (value: commonV1.DateMessage | undefined, what: string) => isoDate(value, what, 'reporting');

function currencyCode(code: string, what: string): string {
  if (!getCurrency(code)) throw new ContractViolationError(`reporting returned ${what} ${JSON.stringify(code)}`);
  return code;
}

/**
 * An amount the answer says is in `currency` → its decimal string with that currency's digits
 * ("-5.00" when negative). An amount in another currency is a bug, never shown as if it were one.
 */
function amountIn(value: commonV1.Money | undefined, currency: string, what: string): string {
  if (!value) throw new ContractViolationError(`reporting returned no ${what}`);
  if (value.currency && value.currency !== currency) throw new ContractViolationError(`reporting returned ${what} in ${value.currency}, not ${currency}`);
  return formatMoney(money(value.minorUnits, currency));
}

/** int64 (a string on the wire) → a JSON integer; a count never exceeds 2^53 in practice, and if it did it must not be rounded silently. */
function countOf(value: string, what: string): number {
  const n = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n)) throw new ContractViolationError(`reporting returned ${what} ${JSON.stringify(value)}`);
  return n;
}

const PERCENT = /^-?\d+(\.\d+)?$/;

function percentText(value: string): string {
  if (!PERCENT.test(value)) throw new ContractViolationError(`reporting returned percent_used ${JSON.stringify(value)}`);
  return value;
}

// ---------------------------------------------------------------------------------------------
// Responses

const isoDay = (description: string) => doc(z.iso.date(), description);
const decimal = (description: string) => doc(z.string(), description);
const baseCurrency = doc(z.string(), 'Your `base_currency` (ISO 4217): every amount of the answer is in it');
const excludedCurrencies = doc(
  z.array(z.string()),
  'Currencies of transactions in the range that are not counted because they have no usable exchange rate into `currency` on their date (a currency the ECB never published, such as KWD; a date before its first rate; a publication stopped, such as RUB after 2022-03-01), sorted; empty when everything counted. Every other transaction is counted in `currency` at the ECB rate of its own date',
);

export const spendingItemSchema = z.object({
  category_id: doc(z.string().nullable(), 'null = uncategorized expenses'),
  category_name: doc(z.string().nullable(), 'The category’s name; null for uncategorized expenses'),
  total: decimal('Sum of the expenses, decimal string in `currency`'),
  count: doc(z.number().int(), 'How many expenses'),
});
export type SpendingItemResponse = z.output<typeof spendingItemSchema>;

export const spendingSchema = z.object({
  from: isoDay('First day counted (YYYY-MM-DD)'),
  to: isoDay('Last day counted (YYYY-MM-DD, inclusive)'),
  currency: baseCurrency,
  total: decimal('Sum of every item'),
  items: doc(z.array(spendingItemSchema), 'One per category with expenses in the range: largest total first; ties by count, then name; uncategorized last'),
  excluded_currencies: excludedCurrencies,
});
export type SpendingResponse = z.output<typeof spendingSchema>;

export const intervalTotalsSchema = z.object({
  period_start: isoDay('First day of the interval; the first interval may start before `from`'),
  period_end: isoDay('Last day of the interval (inclusive); the last interval may end after `to`'),
  income: decimal('Income dated within both the interval and [`from`, `to`]'),
  expense: decimal('Expenses dated within both the interval and [`from`, `to`]'),
  net: decimal('`income` − `expense`; negative when more went out than came in ("-12.50")'),
});
export type IntervalTotalsResponse = z.output<typeof intervalTotalsSchema>;

export const totalsSchema = z.object({
  income: decimal('All income in [`from`, `to`]'),
  expense: decimal('All expenses in [`from`, `to`]'),
  net: decimal('`income` − `expense`; may be negative'),
});

export const incomeVsExpenseSchema = z.object({
  from: isoDay('First day counted (YYYY-MM-DD)'),
  to: isoDay('Last day counted (YYYY-MM-DD, inclusive)'),
  interval: doc(z.enum(INTERVALS), 'The length of each item'),
  currency: baseCurrency,
  items: doc(z.array(intervalTotalsSchema), 'Every interval that overlaps [`from`, `to`], oldest first, zeros included'),
  totals: totalsSchema,
  excluded_currencies: excludedCurrencies,
});
export type IncomeVsExpenseResponse = z.output<typeof incomeVsExpenseSchema>;

export const budgetStatusItemSchema = z.object({
  budget_id: z.string(),
  name: z.string(),
  category_id: doc(z.string().nullable(), 'null = all expenses'),
  amount: decimal('The budget’s amount, in `currency`'),
  currency: doc(z.string(), 'The budget’s currency (ISO 4217): `amount`, `spent` and `remaining` are in it'),
  spent: decimal('Expenses in the current period'),
  remaining: decimal('`amount` − `spent`; negative when over'),
  percent_used: percentUsedField,
  status: budgetStatusField,
  period_start: doc(z.iso.date(), 'First day of the period that contains `date`'),
  period_end: doc(z.iso.date(), 'Last day of that period'),
  excluded_currencies: doc(z.array(z.string()), 'Currencies of expenses in the period that are not counted because they have no usable exchange rate into the budget’s currency on their date; every other expense is counted at the ECB rate of its date'),
});
export type BudgetStatusItemResponse = z.output<typeof budgetStatusItemSchema>;

export const budgetStatusSchema = z.object({
  date: doc(z.iso.date(), 'The day the status is for: the requested `date`, or today in your time zone'),
  items: doc(z.array(budgetStatusItemSchema), 'Every budget active on `date`'),
});
export type BudgetStatusResponse = z.output<typeof budgetStatusSchema>;

component(spendingItemSchema, 'SpendingItem', 'The expenses of one category in the range');
component(spendingSchema, 'Spending', 'Expenses in the range per category, in your base currency');
component(intervalTotalsSchema, 'IncomeVsExpenseItem', 'Income, expense and net of one interval');
component(totalsSchema, 'IncomeVsExpenseTotals', 'Income, expense and net of the whole range');
component(incomeVsExpenseSchema, 'IncomeVsExpense', 'Income and expense per interval, in your base currency');
component(budgetStatusItemSchema, 'BudgetStatusItem', 'One budget active on the date, with the spending of its current period');
component(budgetStatusSchema, 'BudgetStatus', 'Every budget active on the date');

export function toSpendingResponse(response: reportingV1.GetSpendingResponse): SpendingResponse {
  const currency = currencyCode(response.currency, 'currency');
  return {
    from: date(response.from, 'spending from'),
    to: date(response.to, 'spending to'),
    currency,
    total: amountIn(response.total, currency, 'spending total'),
    items: response.items.map((item) => {
      // Absent or "" = uncategorized; then there is no name either.
      const categoryId = item.categoryId || null;
      return {
        category_id: categoryId,
        category_name: categoryId === null ? null : (item.categoryName ?? null),
        total: amountIn(item.total, currency, 'spending item total'),
        count: countOf(item.count, 'spending item count'),
      };
    }),
    excluded_currencies: response.excludedCurrencies,
  };
}

/** `from` and `to` are the request's: the answer covers exactly the range asked for. */
export function toIncomeVsExpenseResponse(
  response: reportingV1.GetIncomeVsExpenseResponse,
  request: { from: string; to: string; interval: IntervalName },
): IncomeVsExpenseResponse {
  const currency = currencyCode(response.currency, 'currency');
  const interval = fromProtoInterval(response.interval);
  if (interval !== request.interval) throw new ContractViolationError(`reporting answered interval ${interval} for ${request.interval}`);
  const totals = response.totals;
  if (!totals) throw new ContractViolationError('reporting returned no totals');
  return {
    from: request.from,
    to: request.to,
    interval,
    currency,
    items: response.items.map((item) => ({
      period_start: date(item.periodStart, 'interval period_start'),
      period_end: date(item.periodEnd, 'interval period_end'),
      income: amountIn(item.income, currency, 'interval income'),
      expense: amountIn(item.expense, currency, 'interval expense'),
      net: amountIn(item.net, currency, 'interval net'),
    })),
    totals: {
      income: amountIn(totals.income, currency, 'total income'),
      expense: amountIn(totals.expense, currency, 'total expense'),
      net: amountIn(totals.net, currency, 'total net'),
    },
    excluded_currencies: response.excludedCurrencies,
  };
}

function toBudgetStatusItemResponse(item: reportingV1.BudgetStatusItem): BudgetStatusItemResponse {
  // Each budget has its own currency: the one of its amount.
  const currency = currencyCode(item.amount?.currency ?? '', 'budget currency');
  return {
    budget_id: item.budgetId,
    name: item.name,
    // Absent or "" = all expenses.
    category_id: item.categoryId || null,
    amount: amountIn(item.amount, currency, 'budget amount'),
    currency,
    spent: amountIn(item.spent, currency, 'budget spent'),
    remaining: amountIn(item.remaining, currency, 'budget remaining'),
    percent_used: percentText(item.percentUsed),
    status: fromProtoStatus(item.status),
    period_start: date(item.periodStart, 'budget period_start'),
    period_end: date(item.periodEnd, 'budget period_end'),
    excluded_currencies: item.excludedCurrencies,
  };
}

export function toBudgetStatusResponse(response: reportingV1.GetBudgetStatusResponse): BudgetStatusResponse {
  return { date: date(response.date, 'budget status date'), items: response.items.map(toBudgetStatusItemResponse) };
}
