import { fromCalendarDate, type CalendarDate, type IsoDate } from '@finance/calendar';
import type { FieldErrors } from './errors.js';

/** Inclusive date range of a report. */
export interface DateRange {
  from: IsoDate;
  to: IsoDate;
}

export const INVALID_DATE_MESSAGE = 'is not a valid calendar date (YYYY-MM-DD, years 1 to 9999)';

/** A date field: its value, or undefined with the problem added to `errors` (absent is allowed only when not `required`). */
export function readDate(errors: FieldErrors, path: string, value: CalendarDate | undefined, required: boolean): IsoDate | undefined {
  if (!value) {
    if (required) errors.add(path, 'is required (YYYY-MM-DD)');
    return undefined;
  }
  const date = fromCalendarDate(value);
  if (!date) errors.add(path, INVALID_DATE_MESSAGE);
  return date;
}

/** `from` and `to`: both required, real dates, from ≤ to (the same messages as the ledger's). */
export function readRange(errors: FieldErrors, from: CalendarDate | undefined, to: CalendarDate | undefined): DateRange | undefined {
  const start = readDate(errors, 'from', from, true);
  const end = readDate(errors, 'to', to, true);
  if (!start || !end) return undefined;
  if (start > end) {
    errors.add('from', 'must not be after to');
    return undefined;
  }
  return { from: start, to: end };
}
