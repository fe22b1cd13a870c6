import { isCurrencyCode, type Money } from '@finance/money';
import { changedAmount, checkAmountSyntax, checkCurrency, parseAmount } from '@finance/platform/amount-fields';
import { canonicalUuid } from '@finance/platform/ids';
import { readDateField, type CalendarDate, type IsoDate } from '@finance/calendar';
import { FieldErrors } from './errors.js';
import { charLength, hasNul } from '@finance/platform/text';

export type TransactionType = 'income' | 'expense';
export const DESCRIPTION_MAX = 1000;

/** The fields of a transaction a user controls. */
export interface TransactionState {
  amount: Money;
  type: TransactionType;
  /** YYYY-MM-DD: validated on the way in, or PostgreSQL's `date::text`. */
  date: string;
  description: string;
  categoryId: string | null;
}

export function checkDescription(errors: FieldErrors, description: string, path = 'description'): void {
  if (charLength(description) > DESCRIPTION_MAX) errors.add(path, `must be at most ${DESCRIPTION_MAX} characters`);
  else if (hasNul(description)) errors.add(path, 'must not contain NUL characters');
}

/**
 * A category id from a request body: "" or absent = uncategorized. A malformed id is reported
 * like an unknown one (never sent to PostgreSQL); whether a well-formed id is one of the user's
 * categories is for the caller to check.
 */
export function categoryIdOf(errors: FieldErrors, value: string | undefined): string | null {
  if (value === undefined || value === '') return null;
  const id = canonicalUuid(value);
  if (!id) errors.add('category_id', 'is not one of your categories');
  return id ?? null;
}

export interface NewTransactionInput {
  amount: string;
  type: TransactionType | undefined;
  date: CalendarDate | undefined;
  description: string;
  categoryId: string | undefined;
  currency: string | undefined;
}

export interface ValidNewTransaction {
  /** The amount as sent; parsed in `currency`, or once the user's base currency is known. */
  amountText: string;
  /** Parsed already when the request named its currency. */
  amount: Money | undefined;
  currency: string | undefined;
  type: TransactionType;
  date: IsoDate;
  description: string;
  categoryId: string | null;
}

/** Checks a new transaction; every invalid field is reported at once (INVALID_ARGUMENT). */
export function validateNewTransaction(input: NewTransactionInput): ValidNewTransaction {
  const errors = new FieldErrors();
  let amount: Money | undefined;
  if (input.currency !== undefined) {
    if (checkCurrency(errors, input.currency)) amount = parseAmount(errors, input.amount, input.currency);
  } else {
    checkAmountSyntax(errors, input.amount);
  }
  if (input.type === undefined) errors.add('transaction_type', 'must be "income" or "expense"');
  const date = readDateField(errors, 'date', input.date, 'required');
  checkDescription(errors, input.description);
  const categoryId = categoryIdOf(errors, input.categoryId);
  errors.throwIfAny();
  return {
    amountText: input.amount,
    amount,
    currency: input.currency,
    type: input.type!,
    date: date!,
    description: input.description,
    categoryId,
  };
}

/** The amount of a new transaction once its currency is known (the user's base currency). */
export function amountInBaseCurrency(amountText: string, baseCurrency: string): Money {
  const errors = new FieldErrors();
  let amount: Money | undefined;
  if (!isCurrencyCode(baseCurrency)) {
    errors.add('currency', `your base currency ${baseCurrency} cannot be used for amounts; send a currency`);
  } else {
    amount = parseAmount(errors, amountText, baseCurrency);
  }
  errors.throwIfAny();
  return amount!;
}

export interface TransactionChangesInput {
  amount?: string | undefined;
  type?: TransactionType | undefined;
  date?: CalendarDate | undefined;
  description?: string | undefined;
  /** "" = uncategorized. */
  categoryId?: string | undefined;
  currency?: string | undefined;
}

export interface AppliedChanges {
  next: TransactionState;
  changed: boolean;
  /** Set when the transaction moves to another category (which the caller must check is the user's). */
  newCategoryId: string | undefined;
}

/**
 * Applies a partial update. A new currency without a new amount keeps the decimal amount
 * ("12.50" USD → "12.50" EUR), refused where the new currency has too few decimals.
 */
export function applyTransactionChanges(current: TransactionState, input: TransactionChangesInput): AppliedChanges {
  const errors = new FieldErrors();
  const next: TransactionState = { ...current };
  const amount = changedAmount(errors, current.amount, input);
  if (amount) next.amount = amount;
  if (input.type !== undefined) next.type = input.type;
  if (input.date !== undefined) {
    const date = readDateField(errors, 'date', input.date, 'optional');
    if (date) next.date = date;
  }
  if (input.description !== undefined) {
    checkDescription(errors, input.description);
    next.description = input.description;
  }
  if (input.categoryId !== undefined) next.categoryId = categoryIdOf(errors, input.categoryId);
  errors.throwIfAny();
  const changed =
    next.amount.minor !== current.amount.minor ||
    next.amount.currency !== current.amount.currency ||
    next.type !== current.type ||
    next.date !== current.date ||
    next.description !== current.description ||
    next.categoryId !== current.categoryId;
  return {
    next,
    changed,
    newCategoryId: next.categoryId !== null && next.categoryId !== current.categoryId ? next.categoryId : undefined,
  };
}

export const Q_MAX = DESCRIPTION_MAX;

/** `q` as an ILIKE pattern that matches it literally anywhere: `\`, `%` and `_` are escaped (escape character `\`). */
export function containsPattern(q: string): string {
  return `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export interface TransactionFilterInput {
  from?: CalendarDate | undefined;
  to?: CalendarDate | undefined;
  type?: TransactionType | undefined;
  categoryId?: string | undefined;
  q?: string | undefined;
}

export interface TransactionFilter {
  from?: IsoDate;
  to?: IsoDate;
  type?: TransactionType;
  /** A category that does not exist simply matches nothing. */
  categoryId?: string;
  /** ILIKE pattern, escaped. */
  descriptionPattern?: string;
}

export function validateTransactionFilter(input: TransactionFilterInput): TransactionFilter {
  const errors = new FieldErrors();
  const filter: TransactionFilter = {};
  const from = readDateField(errors, 'from', input.from, 'optional');
  const to = readDateField(errors, 'to', input.to, 'optional');
  if (from) filter.from = from;
  if (to) filter.to = to;
  if (from && to && from > to) errors.add('from', 'must not be after to');
  if (input.type) filter.type = input.type;
  if (input.categoryId !== undefined && input.categoryId !== '') {
    const id = canonicalUuid(input.categoryId);
    if (id) filter.categoryId = id;
    else errors.add('category_id', 'must be a category id');
  }
  if (input.q !== undefined && input.q !== '') {
    if (charLength(input.q) > Q_MAX) errors.add('q', `must be at most ${Q_MAX} characters`);
    else if (hasNul(input.q)) errors.add('q', 'must not contain NUL characters');
    else filter.descriptionPattern = containsPattern(input.q);
  }
  errors.throwIfAny();
  return filter;
}
