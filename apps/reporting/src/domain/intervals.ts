import { daysInMonth, fromCalendarDate, fromEpochDay, MAX_ISO_DATE, toCalendarDate, toEpochDay, type IsoDate } from '@finance/calendar';
import { errors } from './errors.js';

// The calendar intervals of GetIncomeVsExpense: days; ISO weeks (Monday to Sunday); months from the
// 1st; years from January 1st. Pure day arithmetic on @finance/calendar, never on JavaScript Date.
// Year 1 starts on a Monday (proleptic Gregorian), so no week starts before 0001-01-01; the week of
// 9999-12-31 (a Friday) is cut there, the last date the API can write.

export type IntervalKind = 'day' | 'week' | 'month' | 'year';

/** Shortest first: the order in which a longer interval is suggested. */
export const INTERVAL_KINDS: readonly IntervalKind[] = ['day', 'week', 'month', 'year'];

/** The most intervals one report answers; more are refused before any other service is asked. */
export const MAX_INTERVALS = 1000;

/** Inclusive bounds. */
export interface Interval {
  start: IsoDate;
  end: IsoDate;
}

/** Monday = 0 … Sunday = 6 (1970-01-01, epoch day 0, was a Thursday). */
export function weekdayIndex(date: IsoDate): number {
  return (((toEpochDay(date) + 3) % 7) + 7) % 7;
}

/** The first day of the interval of `kind` that contains `date`. */
export function intervalStart(kind: IntervalKind, date: IsoDate): IsoDate {
  const { year, month } = toCalendarDate(date);
  switch (kind) {
    case 'day':
      return date;
    case 'week':
      // Never before 0001-01-01: that day is a Monday.
      return fromEpochDay(toEpochDay(date) - weekdayIndex(date))!;
    case 'month':
      return fromCalendarDate({ year, month, day: 1 })!;
    case 'year':
      return fromCalendarDate({ year, month: 1, day: 1 })!;
  }
}

/** The interval of `kind` that contains `date`. */
export function intervalContaining(kind: IntervalKind, date: IsoDate): Interval {
  const start = intervalStart(kind, date);
  const { year, month } = toCalendarDate(start);
  switch (kind) {
    case 'day':
      return { start, end: start };
    case 'week':
      return { start, end: fromEpochDay(toEpochDay(start) + 6) ?? MAX_ISO_DATE };
    case 'month':
      return { start, end: fromCalendarDate({ year, month, day: daysInMonth(year, month) })! };
    case 'year':
      return { start, end: fromCalendarDate({ year, month: 12, day: 31 })! };
  }
}

/**
 * How many intervals of `kind` overlap [from, to] (from ≤ to), computed without listing them, so
 * that a huge range is refused in constant time.
 */
export function countIntervals(kind: IntervalKind, from: IsoDate, to: IsoDate): number {
  const a = toCalendarDate(from);
  const b = toCalendarDate(to);
  switch (kind) {
    case 'day':
      return toEpochDay(to) - toEpochDay(from) + 1;
    case 'week':
      return (toEpochDay(intervalStart('week', to)) - toEpochDay(intervalStart('week', from))) / 7 + 1;
    case 'month':
      return b.year * 12 + b.month - (a.year * 12 + a.month) + 1;
    case 'year':
      return b.year - a.year + 1;
  }
}

const ADJECTIVE: Record<IntervalKind, string> = { day: 'daily', week: 'weekly', month: 'monthly', year: 'yearly' };

const grouped = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/** Why a range is refused: the count, the limit, and the shortest longer interval that fits (if any). */
function tooManyIntervalsMessage(kind: IntervalKind, from: IsoDate, to: IsoDate, count: number, max: number): string {
  const fits = INTERVAL_KINDS.slice(INTERVAL_KINDS.indexOf(kind) + 1)
    .map((longer) => ({ longer, n: countIntervals(longer, from, to) }))
    .find(({ n }) => n <= max);
  const advice = fits
    ? `choose a longer interval (${fits.longer}: ${grouped(fits.n)} intervals) or a shorter range`
    : 'choose a shorter range';
  return `${from} to ${to} spans ${grouped(count)} ${ADJECTIVE[kind]} intervals, more than the ${grouped(max)} one report may have: ${advice}.`;
}

/**
 * Every interval of `kind` that overlaps [from, to] (from ≤ to), oldest first, contiguous: the first
 * contains `from` (and may start before it), the last contains `to` (and may end after it). More
 * than `max` intervals → REPORTING_TOO_MANY_INTERVALS, decided before any interval is built.
 */
export function enumerateIntervals(kind: IntervalKind, from: IsoDate, to: IsoDate, max: number = MAX_INTERVALS): Interval[] {
  if (from > to) throw new RangeError(`from ${from} is after to ${to}`);
  const count = countIntervals(kind, from, to);
  if (count > max) throw errors.tooManyIntervals(tooManyIntervalsMessage(kind, from, to, count, max));
  const intervals: Interval[] = [];
  let current = intervalContaining(kind, from);
  for (;;) {
    intervals.push(current);
    if (current.end >= to) break;
    // end < to ≤ 9999-12-31, so the next day exists.
    current = intervalContaining(kind, fromEpochDay(toEpochDay(current.end) + 1)!);
  }
  return intervals;
}
