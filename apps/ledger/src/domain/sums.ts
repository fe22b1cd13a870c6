import { canonicalUuid } from '@finance/platform/ids';
import { readDateField, type CalendarDate, type IsoDate } from '@finance/calendar';
import { FieldErrors } from './errors.js';
import type { TransactionType } from './transaction.js';

export type SumGrouping = 'category' | 'day' | 'week' | 'month' | 'year' | 'day_category';
export const MAX_SUM_CATEGORIES = 200;
/** More than there are ISO 4217 codes. */
export const MAX_SUM_CURRENCIES = 200;
/**
 * The shape of an ISO 4217 code, not the list of active ones: a filter names currencies stored on
 * transactions, and a code withdrawn after amounts were stored in it must still find them. A code
 * nobody uses simply matches nothing.
 */
const CURRENCY_CODE = /^[A-Z]{3}$/;
export const GROUPING_MESSAGE = 'must be one of category, day, week, month, year, day_category';

export interface SumRequestInput {
  from: CalendarDate | undefined;
  to: CalendarDate | undefined;
  type: TransactionType | undefined;
  grouping: SumGrouping | undefined;
  categoryIds: string[];
  /** Empty (or absent) = every currency. */
  currencies?: string[] | undefined;
}

export interface SumRequest {
  from: IsoDate;
  to: IsoDate;
  type: TransactionType | undefined;
  grouping: SumGrouping;
  /** Empty = every category, uncategorized included. */
  categoryIds: string[];
  /** ISO 4217 codes, once each; empty = every currency. */
  currencies: string[];
}

export function validateSumRequest(input: SumRequestInput): SumRequest {
  const errors = new FieldErrors();
  const from = readDateField(errors, 'from', input.from, 'required');
  const to = readDateField(errors, 'to', input.to, 'required');
  if (from && to && from > to) errors.add('from', 'must not be after to');
  if (!input.grouping) errors.add('grouping', GROUPING_MESSAGE);
  const categoryIds: string[] = [];
  if (input.categoryIds.length > MAX_SUM_CATEGORIES) errors.add('category_ids', `must name at most ${MAX_SUM_CATEGORIES} categories`);
  else {
    for (const raw of input.categoryIds) {
      const id = canonicalUuid(raw);
      if (!id) {
        errors.add('category_ids', `${JSON.stringify(raw.slice(0, 64))} is not a category id`);
        break;
      }
      if (!categoryIds.includes(id)) categoryIds.push(id);
    }
  }
  const currencies: string[] = [];
  const askedCurrencies = input.currencies ?? [];
  if (askedCurrencies.length > MAX_SUM_CURRENCIES) errors.add('currencies', `must name at most ${MAX_SUM_CURRENCIES} currencies`);
  else {
    for (const code of askedCurrencies) {
      if (!CURRENCY_CODE.test(code)) {
        errors.add('currencies', `${JSON.stringify(code.slice(0, 64))} is not an ISO 4217 currency code in upper case, like "USD"`);
        break;
      }
      if (!currencies.includes(code)) currencies.push(code);
    }
  }
  errors.throwIfAny();
  return { from: from!, to: to!, type: input.type, grouping: input.grouping!, categoryIds, currencies };
}
