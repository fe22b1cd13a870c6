import { readDateField, type CalendarDate, type IsoDate } from '@finance/calendar';
import type { Money } from '@finance/money';
import { changedAmount, checkAmountSyntax, checkCurrency, parseAmount } from '@finance/platform/amount-fields';
import { canonicalUuid } from '@finance/platform/ids';
import { FieldErrors, UNKNOWN_CATEGORY_MESSAGE } from './errors.js';
import type { BudgetPeriodKind } from './periods.js';
import { charLength, hasNul } from '@finance/platform/text';

// Budget rules. A budget is an amount in one currency per period (anchored at start_date, see
// periods.ts), optionally ending on end_date, for one category or for all expenses.

export const BUDGET_NAME_MAX = 100;

/** The fields of a budget a user controls. */
export interface BudgetState {
  name: string;
  amount: Money;
  period: BudgetPeriodKind;
  startDate: IsoDate;
  /** Inclusive; null = open-ended. */
  endDate: IsoDate | null;
  /** null = all expenses. */
  categoryId: string | null;
}

const PERIOD_LABEL: Record<BudgetPeriodKind, string> = { daily: 'Daily', weekly: 'Weekly', monthly: 'Monthly', yearly: 'Yearly' };

/**
 * The name of a budget created without one: the category's name for a category budget
 * ("Groceries"), otherwise the period ("Monthly budget"). Computed once, at creation.
 */
export function defaultBudgetName(period: BudgetPeriodKind, categoryName: string | undefined): string {
  const name = categoryName?.trim();
  return name ? name : `${PERIOD_LABEL[period]} budget`;
}

function checkName(errors: FieldErrors, name: string): string {
  const trimmed = name.trim();
  const length = charLength(trimmed);
  if (length < 1 || length > BUDGET_NAME_MAX) errors.add('name', `must be 1 to ${BUDGET_NAME_MAX} characters (surrounding spaces are ignored)`);
  else if (hasNul(trimmed)) errors.add('name', 'must not contain NUL characters');
  return trimmed;
}

function checkDateOrder(errors: FieldErrors, startDate: IsoDate | undefined, endDate: IsoDate | null | undefined): void {
  if (startDate && endDate && endDate < startDate) errors.add('end_date', 'must not be before start_date');
}

/**
 * A category id from a request: "" or absent = all expenses. A malformed id is reported like an
 * unknown one (it never reaches PostgreSQL or the ledger); whether a well-formed id is one of the
 * user's categories is for the caller to ask the ledger.
 */
function checkCategoryId(errors: FieldErrors, value: string | undefined): string | null {
  if (value === undefined || value === '') return null;
  const id = canonicalUuid(value);
  if (!id) errors.add('category_id', UNKNOWN_CATEGORY_MESSAGE);
  return id ?? null;
}

export interface NewBudgetInput {
  amount: string;
  period: BudgetPeriodKind | undefined;
  startDate: CalendarDate | undefined;
  endDate: CalendarDate | undefined;
  categoryId: string | undefined;
  currency: string | undefined;
  name: string | undefined;
}

export interface ValidNewBudget {
  /** The amount as sent; parsed in `currency`, or once the user's base currency is known. */
  amountText: string;
  /** Parsed already when the request named its currency. */
  amount: Money | undefined;
  currency: string | undefined;
  period: BudgetPeriodKind;
  startDate: IsoDate;
  endDate: IsoDate | null;
  categoryId: string | null;
  /** undefined = the default name (defaultBudgetName). */
  name: string | undefined;
}

/**
 * Checks what a new budget's request alone can tell (every invalid field at once). The currency's
 * precision, when the currency is the user's base currency, and the category's owner are checked
 * later (amountInCurrency, the ledger).
 */
export function validateNewBudget(errors: FieldErrors, input: NewBudgetInput): ValidNewBudget {
  let amount: Money | undefined;
  if (input.currency !== undefined) {
    if (checkCurrency(errors, input.currency)) amount = parseAmount(errors, input.amount, input.currency);
    else checkAmountSyntax(errors, input.amount);
  } else {
    checkAmountSyntax(errors, input.amount);
  }
  if (input.period === undefined) errors.add('period', 'is required: one of daily, weekly, monthly, yearly');
  const startDate = readDateField(errors, 'start_date', input.startDate, 'required');
  const endDate = readDateField(errors, 'end_date', input.endDate, 'optional') ?? null;
  checkDateOrder(errors, startDate, endDate);
  const categoryId = checkCategoryId(errors, input.categoryId);
  const name = input.name === undefined ? undefined : checkName(errors, input.name);
  return {
    amountText: input.amount,
    amount,
    currency: input.currency,
    period: input.period!,
    startDate: startDate!,
    endDate,
    categoryId,
    name,
  };
}

/** The amount of a new budget once its currency (the user's base currency) is known. */
export function amountInCurrency(errors: FieldErrors, amountText: string, currency: string): Money | undefined {
  if (!checkCurrency(errors, currency)) return undefined;
  return parseAmount(errors, amountText, currency);
}

export interface BudgetChangesInput {
  amount?: string | undefined;
  period?: BudgetPeriodKind | undefined;
  startDate?: CalendarDate | undefined;
  endDate?: CalendarDate | undefined;
  /** true = open-ended again; endDate must then be absent. */
  clearEndDate?: boolean | undefined;
  /** "" = all expenses. */
  categoryId?: string | undefined;
  currency?: string | undefined;
  name?: string | undefined;
}

export interface AppliedBudgetChanges {
  next: BudgetState;
  changed: boolean;
  /** Set when the budget moves to another category, which the caller must check is the user's. */
  newCategoryId: string | undefined;
}

/**
 * Applies a partial update: only the fields given change, and the result must be a valid budget
 * (end_date ≥ start_date, the amount in the currency's precision). A new currency without a new
 * amount keeps the amount's value ("250.00" USD → "250" JPY), refused where it cannot be written.
 */
export function applyBudgetChanges(errors: FieldErrors, current: BudgetState, input: BudgetChangesInput): AppliedBudgetChanges {
  const next: BudgetState = { ...current };
  const amount = changedAmount(errors, current.amount, input);
  if (amount) next.amount = amount;
  if (input.period !== undefined) next.period = input.period;
  const startDate = readDateField(errors, 'start_date', input.startDate, 'optional');
  if (startDate) next.startDate = startDate;
  const endDate = readDateField(errors, 'end_date', input.endDate, 'optional');
  if (input.clearEndDate) {
    if (input.endDate !== undefined) errors.add('end_date', 'must be absent when clear_end_date is set');
    next.endDate = null;
  } else if (endDate) {
    next.endDate = endDate;
  }
  if (!errors.has('start_date') && !errors.has('end_date')) checkDateOrder(errors, next.startDate, next.endDate);
  if (input.categoryId !== undefined) next.categoryId = checkCategoryId(errors, input.categoryId);
  if (input.name !== undefined) next.name = checkName(errors, input.name);
  const changed =
    next.name !== current.name ||
    next.amount.minor !== current.amount.minor ||
    next.amount.currency !== current.amount.currency ||
    next.period !== current.period ||
    next.startDate !== current.startDate ||
    next.endDate !== current.endDate ||
    next.categoryId !== current.categoryId;
  return {
    next,
    changed,
    newCategoryId: next.categoryId !== null && next.categoryId !== current.categoryId ? next.categoryId : undefined,
  };
}
