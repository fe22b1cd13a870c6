// Recurring schedules (API.md, "Version 3": recurring transactions). A schedule is a frequency, an
// anchor `start`, an optional inclusive `end` and a weekend rule. Its rules:
//
// - Occurrence n (n = 0, 1, 2, ...) is computed from the anchor and n, never from occurrence n - 1, so
//   a date clamped once never drifts. The nominal date of occurrence n is
//     daily    start + n days
//     weekly   start + 7n days
//     monthly  the n-th month after start's month, on day min(start.day, last day of that month):
//              from Jan 31, Feb 28 (Feb 29 in leap years), Mar 31, Apr 30, May 31, ...
//     yearly   year start.year + n, start's month, day clamped the same way: from 2024-02-29,
//              2025-02-28, 2026-02-28, 2027-02-28, 2028-02-29, ...
// - The schedule is the sequence of moved dates applyWeekendRule(nominal date, weekend) for n = 0, 1,
//   2, ... while the nominal date is on or before `end` (when set) and exists (on or before 9999-12-31).
// - The weekend rule: 'before' moves a Saturday or Sunday to the Friday before, 'after' to the Monday
//   after, 'none' moves nothing. The anchor itself never moves; only occurrences do.
// - `end` bounds the NOMINAL dates: the weekend rule moves a date that belongs to the schedule, so with
//   'after' the last occurrence may fall up to 2 days after `end` (an end on Saturday with a nominal
//   date on it gives the Monday after).
// - A moved date before `start` is dropped: a schedule starting on a Saturday with 'before' would
//   otherwise produce the Friday before the template exists. The first occurrence is on or after start.
// - A moved date equal to (or earlier than) the previous occurrence's date is dropped, so dates are
//   strictly increasing. This only happens with `daily`: its Saturday and Sunday land on the Friday or
//   Monday the schedule already produces, so a daily schedule with 'before' or 'after' is "weekdays
//   only" (one occurrence per weekday, none doubled).
// - An occurrence keeps its index n, so nthDate(frequency, start, index) is its nominal date.
//
// Lookups never walk from n = 0: the index is estimated arithmetically (days / 7, months, years) and
// a few indices around it are examined, so a date thousands of years after the anchor costs the same
// as tomorrow.

import { daysInMonth, epochDayOf, fromEpochDay, MAX_ISO_DATE, MIN_ISO_DATE, toCalendarDate, toEpochDay, type IsoDate } from './calendar.js';

export const FREQUENCIES = ['daily', 'weekly', 'monthly', 'yearly'] as const;
export type Frequency = (typeof FREQUENCIES)[number];
export const WEEKEND_RULES = ['none', 'before', 'after'] as const;
export type WeekendRule = (typeof WEEKEND_RULES)[number];

export function isFrequency(v: unknown): v is Frequency {
  return typeof v === 'string' && (FREQUENCIES as readonly string[]).includes(v);
}

export function isWeekendRule(v: unknown): v is WeekendRule {
  return typeof v === 'string' && (WEEKEND_RULES as readonly string[]).includes(v);
}

export interface Schedule {
  frequency: Frequency;
  /** The anchor: occurrence n is computed from it and n, never from occurrence n-1. */
  start: IsoDate;
  /** Inclusive bound on the NOMINAL (unmoved) dates; null = no end. */
  end: IsoDate | null;
  weekend: WeekendRule;
}

/** An occurrence: its index n (nominal date = nthDate(frequency, start, n)) and its date after the weekend rule. */
export interface Occurrence {
  index: number;
  date: IsoDate;
}

const MIN_EPOCH_DAY = toEpochDay(MIN_ISO_DATE);
const MAX_EPOCH_DAY = toEpochDay(MAX_ISO_DATE);
const MAX_YEAR = 9999;

function unknownFrequency(frequency: never): never {
  throw new RangeError(`unknown frequency: ${JSON.stringify(frequency)}`);
}

function unknownWeekendRule(rule: never): never {
  throw new RangeError(`unknown weekend rule: ${JSON.stringify(rule)}`);
}

/** Epoch day of the nominal n-th date; undefined for a negative or fractional n and after 9999-12-31. */
function nominalEpochDay(frequency: Frequency, start: IsoDate, n: number): number | undefined {
  if (!Number.isSafeInteger(n) || n < 0) return undefined;
  switch (frequency) {
    case 'daily':
    case 'weekly': {
      const step = frequency === 'daily' ? 1 : 7;
      const startDay = toEpochDay(start);
      // Compare before multiplying so a huge n cannot lose precision into a valid-looking day.
      if (n > Math.floor((MAX_EPOCH_DAY - startDay) / step)) return undefined;
      return startDay + n * step;
    }
    case 'monthly': {
      const s = toCalendarDate(start);
      // Same reason: a huge n is rejected before it is added to the month count.
      if (n > (MAX_YEAR + 1 - s.year) * 12) return undefined;
      const monthIndex = s.year * 12 + (s.month - 1) + n;
      const year = Math.floor(monthIndex / 12);
      if (year > MAX_YEAR) return undefined;
      const month = monthIndex - year * 12 + 1;
      return epochDayOf(year, month, Math.min(s.day, daysInMonth(year, month)));
    }
    case 'yearly': {
      const s = toCalendarDate(start);
      if (n > MAX_YEAR - s.year) return undefined;
      const year = s.year + n;
      return epochDayOf(year, s.month, Math.min(s.day, daysInMonth(year, s.month)));
    }
    default:
      return unknownFrequency(frequency);
  }
}

/** Nominal n-th date (n >= 0): daily start+n, weekly start+7n, monthly: n-th month after start's month on min(start.day, last day of that month), yearly: start.year+n, start's month, day clamped (Feb 29 -> Feb 28 in common years, Feb 29 again in leap years). undefined after 9999-12-31. */
export function nthDate(frequency: Frequency, start: IsoDate, n: number): IsoDate | undefined {
  const day = nominalEpochDay(frequency, start, n);
  return day === undefined ? undefined : fromEpochDay(day);
}

/** 0 = Monday ... 5 = Saturday, 6 = Sunday; 1970-01-01 (epoch day 0) was a Thursday. */
function weekdayOf(epochDay: number): number {
  return (((epochDay + 3) % 7) + 7) % 7;
}

function movedEpochDay(epochDay: number, rule: WeekendRule): number {
  let shift: number;
  switch (rule) {
    case 'none':
      return epochDay;
    case 'before':
      shift = [0, 0, 0, 0, 0, -1, -2][weekdayOf(epochDay)]!;
      break;
    case 'after':
      shift = [0, 0, 0, 0, 0, 2, 1][weekdayOf(epochDay)]!;
      break;
    default:
      return unknownWeekendRule(rule);
  }
  // 0001-01-01 is a Monday and 9999-12-31 a Friday, so no move leaves the calendar today; the clamp
  // keeps that a guarantee rather than a coincidence of where the limits fall.
  return Math.min(MAX_EPOCH_DAY, Math.max(MIN_EPOCH_DAY, epochDay + shift));
}

/** Saturday/Sunday -> the Friday before ('before') or the Monday after ('after'); other days and 'none' unchanged. Clamp at the calendar's limits (never throw). */
export function applyWeekendRule(date: IsoDate, rule: WeekendRule): IsoDate {
  const day = toEpochDay(date);
  const moved = movedEpochDay(day, rule);
  return moved === day ? date : (fromEpochDay(moved) as IsoDate);
}

/** Moved epoch day of occurrence candidate n; undefined when its nominal date is past `end` or the calendar. */
function movedDayAt(schedule: Schedule, endDay: number | undefined, n: number): number | undefined {
  const nominal = nominalEpochDay(schedule.frequency, schedule.start, n);
  if (nominal === undefined || (endDay !== undefined && nominal > endDay)) return undefined;
  return movedEpochDay(nominal, schedule.weekend);
}

/**
 * Smallest index whose nominal epoch day is >= `target`, by arithmetic: exact for daily and weekly; for
 * monthly and yearly the difference in months (years) to target's month (year), whose nominal date is
 * in that month (year), so at most one step short of the answer and never past it. An index past the
 * calendar's end counts as >= any target.
 */
function firstIndexWithNominalAtLeast(frequency: Frequency, start: IsoDate, target: number): number {
  const startDay = toEpochDay(start);
  if (target <= startDay) return 0;
  let n: number;
  switch (frequency) {
    case 'daily':
      n = target - startDay;
      break;
    case 'weekly':
      n = Math.ceil((target - startDay) / 7);
      break;
    case 'monthly':
    case 'yearly': {
      const t = fromEpochDay(Math.min(target, MAX_EPOCH_DAY));
      if (t === undefined) return 0; // unreachable: target is past start, start is on the calendar
      const s = toCalendarDate(start);
      const c = toCalendarDate(t);
      n = frequency === 'monthly' ? (c.year - s.year) * 12 + (c.month - s.month) : c.year - s.year;
      break;
    }
    default:
      return unknownFrequency(frequency);
  }
  const day = nominalEpochDay(frequency, start, n);
  return day === undefined || day >= target ? n : n + 1;
}

/**
 * The first occurrence with index >= `fromIndex` and moved epoch day >= `minDay`. Scans forward from
 * `fromIndex`; callers pass an index at most a few steps before the answer. Candidate n is an
 * occurrence when its moved date is on or after start and after the moved dates of n - 1 and n - 2
 * (a move is at most 2 days and nominal dates are at least a day apart, so no earlier index can
 * reach it; with those three conditions the dates are exactly the strictly increasing sequence of
 * the rules above).
 */
function scan(schedule: Schedule, fromIndex: number, minDay: number): Occurrence | undefined {
  const endDay = schedule.end === null ? undefined : toEpochDay(schedule.end);
  const startDay = toEpochDay(schedule.start);
  for (let n = fromIndex; ; n++) {
    const moved = movedDayAt(schedule, endDay, n);
    if (moved === undefined) return undefined;
    if (moved < minDay || moved < startDay) continue;
    const previous = n >= 1 ? movedDayAt(schedule, endDay, n - 1) : undefined;
    const beforePrevious = n >= 2 ? movedDayAt(schedule, endDay, n - 2) : undefined;
    if ((previous !== undefined && previous >= moved) || (beforePrevious !== undefined && beforePrevious >= moved)) continue;
    return { index: n, date: fromEpochDay(moved) as IsoDate };
  }
}

/** The first occurrence whose (moved) date is >= `from`. */
export function firstOccurrenceOnOrAfter(schedule: Schedule, from: IsoDate): Occurrence | undefined {
  const fromDay = toEpochDay(from);
  // A nominal date more than 2 days before `from` cannot be moved onto or past it.
  return scan(schedule, firstIndexWithNominalAtLeast(schedule.frequency, schedule.start, fromDay - 2), fromDay);
}

/** The occurrence after `previous`: the smallest index > previous.index whose moved date is > previous.date. */
export function occurrenceAfter(schedule: Schedule, previous: Occurrence): Occurrence | undefined {
  if (!Number.isSafeInteger(previous.index) || previous.index < 0) return undefined;
  const minDay = toEpochDay(previous.date) + 1;
  // Same bound as above; it also keeps a `previous` whose date is far past its index from walking.
  const fromIndex = Math.max(previous.index + 1, firstIndexWithNominalAtLeast(schedule.frequency, schedule.start, minDay - 2));
  return scan(schedule, fromIndex, minDay);
}

/** The moved dates of the schedule within [from, to] (inclusive), ascending, at most `limit`. */
export function occurrencesBetween(schedule: Schedule, from: IsoDate, to: IsoDate, limit: number): IsoDate[] {
  if (!Number.isSafeInteger(limit) || limit < 0) throw new RangeError(`not an occurrence limit: ${limit}`);
  const dates: IsoDate[] = [];
  let occurrence = limit > 0 && from <= to ? firstOccurrenceOnOrAfter(schedule, from) : undefined;
  while (occurrence !== undefined && occurrence.date <= to && dates.length < limit) {
    dates.push(occurrence.date);
    occurrence = occurrenceAfter(schedule, occurrence);
  }
  return dates;
}
