// Calendar dates without a time zone ("the 15th of March in the user's own time"), as the
// proto's finance.common.v1.Date carries them and PostgreSQL `date` stores them. Years 1..9999:
// what YYYY-MM-DD can write and PostgreSQL stores exactly.

export interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

/** An ISO date string, YYYY-MM-DD. */
export type IsoDate = string;

const ISO = /^(\d{4})-(\d{2})-(\d{2})$/;

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

export function isValidDate(d: CalendarDate): boolean {
  return (
    Number.isInteger(d.year) &&
    Number.isInteger(d.month) &&
    Number.isInteger(d.day) &&
    d.year >= 1 &&
    d.year <= 9999 &&
    d.month >= 1 &&
    d.month <= 12 &&
    d.day >= 1 &&
    d.day <= daysInMonth(d.year, d.month)
  );
}

/** YYYY-MM-DD of a valid date; undefined for an impossible one (2026-02-30, year 0, month 13). */
export function toIsoDate(d: CalendarDate): IsoDate | undefined {
  if (!isValidDate(d)) return undefined;
  return `${String(d.year).padStart(4, '0')}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
}

/** Parses a strict YYYY-MM-DD (as PostgreSQL's `date::text` prints it); undefined otherwise. */
export function parseIsoDate(text: string): CalendarDate | undefined {
  const match = ISO.exec(text);
  if (!match) return undefined;
  const d = { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) };
  return isValidDate(d) ? d : undefined;
}

/** A date already known to be valid (from the database) → its parts. */
export function fromIsoDate(text: IsoDate): CalendarDate {
  const d = parseIsoDate(text);
  if (!d) throw new Error(`not an ISO date: ${JSON.stringify(text)}`);
  return d;
}
