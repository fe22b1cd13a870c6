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

/** Inclusive date range whose bounds are optional: absent = unbounded on that side (the CSV export). */
export interface OpenDateRange {
  from?: IsoDate | undefined;
  to?: IsoDate | undefined;
}

/** `from` and `to`: each optional, real dates when given, from ≤ to when both are (the same messages as readRange). */
export function readOpenRange(errors: FieldErrors, from: CalendarDate | undefined, to: CalendarDate | undefined): OpenDateRange {
  const start = readDateField(errors, 'from', from, 'optional');
  const end = readDateField(errors, 'to', to, 'optional');
  if (start && end && start > end) errors.add('from', 'must not be after to');
  return { from: start, to: end };
}
