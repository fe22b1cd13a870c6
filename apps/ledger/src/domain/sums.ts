import { canonicalUuid } from '@finance/platform/ids';
import { readDateField, type CalendarDate, type IsoDate } from '@finance/calendar';
import { FieldErrors } from './errors.js';
import type { TransactionType } from './transaction.js';

export type SumGrouping = 'category' | 'day' | 'week' | 'month' | 'year' | 'day_category';
export const MAX_SUM_CATEGORIES = 200;
export const GROUPING_MESSAGE = 'must be one of category, day, week, month, year, day_category';

export interface SumRequestInput {
  from: CalendarDate | undefined;
  to: CalendarDate | undefined;
  type: TransactionType | undefined;
  grouping: SumGrouping | undefined;
  categoryIds: string[];
}

export interface SumRequest {
  from: IsoDate;
  to: IsoDate;
  type: TransactionType | undefined;
  grouping: SumGrouping;
  /** Empty = every category, uncategorized included. */
  categoryIds: string[];
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
  errors.throwIfAny();
  return { from: from!, to: to!, type: input.type, grouping: input.grouping!, categoryIds };
}
