import { fromCalendarDate, type CalendarDate, type IsoDate } from './calendar.js';

// A date field of a request: every service reads finance.common.v1.Date parts the same way and
// answers the same messages, whichever field and service it is.

/** Where the problem of a field goes. @finance/platform's FieldErrors is one; this package depends on nothing. */
export interface FieldProblems {
  add(path: string, message: string): void;
}

export const DATE_REQUIRED_MESSAGE = 'is required (YYYY-MM-DD)';
export const INVALID_DATE_MESSAGE = 'is not a valid calendar date (YYYY-MM-DD, years 1 to 9999)';

/**
 * The date of field `path` (parts as the proto carries them; undefined when the message is unset),
 * or undefined with its problem added to `problems`: impossible parts (Feb 30th, year 0), or absence
 * of a `required` field. An absent optional field is no problem, simply undefined.
 */
export function readDateField(
  problems: FieldProblems,
  path: string,
  value: CalendarDate | null | undefined,
  presence: 'required' | 'optional',
): IsoDate | undefined {
  if (value === undefined || value === null) {
    if (presence === 'required') problems.add(path, DATE_REQUIRED_MESSAGE);
    return undefined;
  }
  const date = fromCalendarDate(value);
  if (date === undefined) problems.add(path, INVALID_DATE_MESSAGE);
  return date;
}
