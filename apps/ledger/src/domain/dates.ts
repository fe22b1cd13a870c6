// Calendar dates as the ledger meets them: the proto's finance.common.v1.Date parts on the way in,
// PostgreSQL `date` text on the way out. The arithmetic lives in @finance/calendar; these adapt
// its branded ISO strings to the parts the proto carries.
import { fromCalendarDate, isoDate, parseIsoDate as parseIso, toCalendarDate, type CalendarDate } from '@finance/calendar';

export { daysInMonth, type CalendarDate } from '@finance/calendar';

/** An ISO date string, YYYY-MM-DD. */
export type IsoDate = string;

export function isValidDate(d: CalendarDate): boolean {
  return fromCalendarDate(d) !== undefined;
}

/** YYYY-MM-DD of a valid date; undefined for an impossible one (2026-02-30, year 0, month 13). */
export function toIsoDate(d: CalendarDate): IsoDate | undefined {
  return fromCalendarDate(d);
}

/** Parses a strict YYYY-MM-DD (as PostgreSQL's `date::text` prints it); undefined otherwise. */
export function parseIsoDate(text: string): CalendarDate | undefined {
  const date = parseIso(text);
  return date === undefined ? undefined : toCalendarDate(date);
}

/** A date already known to be valid (from the database) → its parts. */
export function fromIsoDate(text: IsoDate): CalendarDate {
  return toCalendarDate(isoDate(text));
}
