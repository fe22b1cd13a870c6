import { readDateField, type CalendarDate, type IsoDate } from '@finance/calendar';
import type { FieldErrors } from './errors.js';

/** Inclusive date range of a report. */
export interface DateRange {
  from: IsoDate;
  to: IsoDate;
}

/** `from` and `to`: both required, real dates, from ≤ to (the same messages as the ledger's). */
export function readRange(errors: FieldErrors, from: CalendarDate | undefined, to: CalendarDate | undefined): DateRange | undefined {
  const start = readDateField(errors, 'from', from, 'required');
  const end = readDateField(errors, 'to', to, 'required');
  if (!start || !end) return undefined;
  if (start > end) {
    errors.add('from', 'must not be after to');
    return undefined;
  }
  return { from: start, to: end };
}
