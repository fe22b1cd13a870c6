// Calendar dates without a time zone: a budget's start_date, a transaction's date. All arithmetic is on
// whole days counted from 1970-01-01 in the proleptic Gregorian calendar, never on JavaScript Date, so
// the server's time zone and DST cannot shift a day. Years 1..9999: what YYYY-MM-DD can write.

declare const isoDateBrand: unique symbol;

/** A valid calendar date written YYYY-MM-DD. Only parseIsoDate / isoDate / this module make one. */
export type IsoDate = string & { readonly [isoDateBrand]: true };

export interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

export const MIN_ISO_DATE = '0001-01-01' as IsoDate;
export const MAX_ISO_DATE = '9999-12-31' as IsoDate;

const ISO = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isLeapYear(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function isValid(d: CalendarDate): boolean {
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

/** Strict YYYY-MM-DD of a real date in years 1..9999; undefined for anything else (2026-02-29, 2026-1-5, a time). */
export function parseIsoDate(text: unknown): IsoDate | undefined {
  if (typeof text !== 'string') return undefined;
  const match = ISO.exec(text);
  if (!match) return undefined;
  return isValid({ year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) }) ? (text as IsoDate) : undefined;
}

/** A date already known to be valid (a database column, a constant); throws on anything else. */
export function isoDate(text: string): IsoDate {
  const date = parseIsoDate(text);
  if (date === undefined) throw new RangeError(`not an ISO date: ${JSON.stringify(text)}`);
  return date;
}

/** The date of valid parts; undefined for an impossible one (Feb 30th, year 0). */
export function fromCalendarDate(d: CalendarDate): IsoDate | undefined {
  if (!isValid(d)) return undefined;
  return `${String(d.year).padStart(4, '0')}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}` as IsoDate;
}

export function toCalendarDate(date: IsoDate): CalendarDate {
  // The brand guarantees the fixed layout, so slicing is enough.
  return { year: Number(date.slice(0, 4)), month: Number(date.slice(5, 7)), day: Number(date.slice(8, 10)) };
}

/** -1, 0 or 1; usable as a sort comparator. The fixed-width layout makes text order date order. */
export function compareIsoDate(a: IsoDate, b: IsoDate): -1 | 0 | 1 {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function minIsoDate(a: IsoDate, b: IsoDate): IsoDate {
  return a <= b ? a : b;
}

// Days from civil and back (H. Hinnant's algorithms): eras of 400 years, years starting on March 1st
// so that the leap day is the last day of the year.

/** Days since 1970-01-01 (negative before it) of valid parts. */
export function epochDayOf(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const shiftedMonth = month > 2 ? month - 3 : month + 9;
  const dayOfYear = Math.floor((153 * shiftedMonth + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

export function toEpochDay(date: IsoDate): number {
  const { year, month, day } = toCalendarDate(date);
  return epochDayOf(year, month, day);
}

const MIN_EPOCH_DAY = toEpochDay(MIN_ISO_DATE);
const MAX_EPOCH_DAY = toEpochDay(MAX_ISO_DATE);

/** The date `epochDay` days after 1970-01-01; undefined outside years 1..9999. */
export function fromEpochDay(epochDay: number): IsoDate | undefined {
  if (!Number.isInteger(epochDay) || epochDay < MIN_EPOCH_DAY || epochDay > MAX_EPOCH_DAY) return undefined;
  const z = epochDay + 719468;
  const era = Math.floor(z / 146097);
  const dayOfEra = z - era * 146097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36524) - Math.floor(dayOfEra / 146096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const shiftedMonth = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * shiftedMonth + 2) / 5) + 1;
  const month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  return fromCalendarDate({ year, month, day });
}

/** `date` moved by `days` (negative goes back). Throws RangeError when the result leaves years 1..9999. */
export function addDays(date: IsoDate, days: number): IsoDate {
  if (!Number.isInteger(days)) throw new RangeError(`not a whole number of days: ${days}`);
  const moved = fromEpochDay(toEpochDay(date) + days);
  if (moved === undefined) throw new RangeError(`${date} + ${days} days is outside years 1..9999`);
  return moved;
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: IsoDate, to: IsoDate): number {
  return toEpochDay(to) - toEpochDay(from);
}

// Instants (timestamps) as the API prints them.

const MS_PER_DAY = 86_400_000;
const TWO_DIGITS = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));
const THREE_DIGITS = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));
// Timestamps on one page mostly share their day: its "YYYY-MM-DDT" is kept for the next call.
let lastDay = Number.NaN;
let lastDayPrefix = '';

/**
 * `ms` since the epoch in ISO 8601 UTC with milliseconds, exactly as `Date.prototype.toISOString`
 * writes it ("2026-11-24T05:23:31.123Z"), several times faster on the hot path of lists. Instants
 * outside years 1..9999 and non-integers go to `toISOString` (which throws RangeError for NaN).
 */
export function formatInstant(ms: number): string {
  // Fractions (and NaN) are toISOString's, before the cached day is looked at: a fraction on a day
  // cached by an earlier call would otherwise index the milliseconds table with a non-integer.
  if (!Number.isInteger(ms)) return new Date(ms).toISOString();
  const day = Math.floor(ms / MS_PER_DAY);
  if (day !== lastDay) {
    const date = fromEpochDay(day);
    if (date === undefined) return new Date(ms).toISOString();
    lastDay = day;
    lastDayPrefix = `${date}T`;
  }
  let rest = ms - day * MS_PER_DAY;
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = Math.floor(rest / 1000);
  return `${lastDayPrefix}${TWO_DIGITS[hours]}:${TWO_DIGITS[minutes]}:${TWO_DIGITS[seconds]}.${THREE_DIGITS[rest - seconds * 1000]}Z`;
}
