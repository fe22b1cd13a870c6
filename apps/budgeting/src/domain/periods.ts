// Budget periods, anchored at the budget's start_date (API.md, "Version 2"). The rule, for period k
// (k = 0 is the first) of a budget starting on the anchor A:
//
//   daily    starts A + k days
//   weekly   starts A + 7k days (7-day windows from A, not calendar weeks)
//   monthly  starts in the k-th month after A's month, on day min(A.day, last day of that month)
//   yearly   starts in year A.year + k, in A's month, on day min(A.day, last day of that month)
//
// and every period ends the day before period k + 1 starts, so periods tile time with no gap or
// overlap. A monthly budget from 2026-01-31 therefore runs Jan 31–Feb 27, Feb 28–Mar 30, Mar 31–Apr 29,
// Apr 30–May 30, May 31–Jun 29: a month without the anchor day starts on its last day, and every month
// that has the anchor day starts on it. (API.md's "to the day before the next month's 31st, or its
// last day" could also be read as "Jan 31–Feb 28, then Mar 1–…", which would never start a period on
// Feb 28 and would make Mar 1 a period start although March has a 31st; we do not read it that way.)
// A yearly budget from 2024-02-29 starts on Feb 29 in leap years and Feb 28 in the others:
// 2024-02-29–2025-02-27, 2025-02-28–2026-02-27, …, 2027-02-28–2028-02-28, 2028-02-29–2029-02-27.
//
// An end_date (inclusive) stops the schedule: no period starts after it, and the period containing it
// is cut to end on it. Periods are also cut at 9999-12-31, the last date the API can write.

import { addDays, compareIsoDate, daysBetween, daysInMonth, MAX_ISO_DATE, minIsoDate, nthDate, toCalendarDate, type IsoDate } from '@finance/calendar';

export const BUDGET_PERIOD_KINDS = ['daily', 'weekly', 'monthly', 'yearly'] as const;
export type BudgetPeriodKind = (typeof BUDGET_PERIOD_KINDS)[number];

export function isBudgetPeriodKind(value: unknown): value is BudgetPeriodKind {
  return typeof value === 'string' && (BUDGET_PERIOD_KINDS as readonly string[]).includes(value);
}

/** A budget period, both ends inclusive. */
export interface Period {
  readonly start: IsoDate;
  readonly end: IsoDate;
}

function unknownKind(kind: never): never {
  throw new RangeError(`unknown budget period kind: ${JSON.stringify(kind)}`);
}

/**
 * Index of the period that contains `date` (≥ anchor), ignoring any end_date. Arithmetic, not a walk:
 * the candidate index is read off the difference in days/months/years, then moved back by one when
 * `date` falls before that period's start.
 */
function indexContaining(kind: BudgetPeriodKind, anchor: IsoDate, date: IsoDate): number {
  switch (kind) {
    case 'daily':
      return daysBetween(anchor, date);
    case 'weekly':
      return Math.floor(daysBetween(anchor, date) / 7);
    case 'monthly': {
      const a = toCalendarDate(anchor);
      const d = toCalendarDate(date);
      const index = d.year * 12 + d.month - (a.year * 12 + a.month);
      return d.day < Math.min(a.day, daysInMonth(d.year, d.month)) ? index - 1 : index;
    }
    case 'yearly': {
      const a = toCalendarDate(anchor);
      const d = toCalendarDate(date);
      const startDay = Math.min(a.day, daysInMonth(d.year, a.month));
      const beforeStart = d.month < a.month || (d.month === a.month && d.day < startDay);
      return beforeStart ? d.year - a.year - 1 : d.year - a.year;
    }
    default:
      return unknownKind(kind);
  }
}

/** Period `index` (0 = the first) of a budget; undefined for a negative or fractional index or one past the end. */
export function periodAt(kind: BudgetPeriodKind, startDate: IsoDate, index: number, endDate?: IsoDate): Period | undefined {
  if (!Number.isSafeInteger(index) || index < 0) return undefined;
  // Period k starts on the k-th date of the recurring schedule with the same anchor rule, which
  // @finance/calendar owns (undefined after 9999-12-31).
  const start = nthDate(kind, startDate, index);
  if (start === undefined || (endDate !== undefined && start > endDate)) return undefined;
  const nextStart = nthDate(kind, startDate, index + 1);
  // nextStart is after start, so the day before it is still on the calendar.
  const scheduledEnd = nextStart === undefined ? MAX_ISO_DATE : addDays(nextStart, -1);
  return { start, end: endDate === undefined ? scheduledEnd : minIsoDate(scheduledEnd, endDate) };
}

/** The period containing `date`; undefined before start_date or after end_date. */
export function periodContaining(kind: BudgetPeriodKind, startDate: IsoDate, date: IsoDate, endDate?: IsoDate): Period | undefined {
  if (date < startDate || (endDate !== undefined && date > endDate)) return undefined;
  return periodAt(kind, startDate, indexContaining(kind, startDate, date), endDate);
}

/**
 * History: up to `count` periods before the one containing `date`, newest first. Before start_date
 * there is none; after end_date every period is history, so the budget's last `count` periods are
 * returned (the last one cut at end_date).
 */
export function previousPeriods(kind: BudgetPeriodKind, startDate: IsoDate, date: IsoDate, count: number, endDate?: IsoDate): Period[] {
  if (!Number.isSafeInteger(count) || count < 0) throw new RangeError(`not a period count: ${count}`);
  if (date < startDate || (endDate !== undefined && endDate < startDate)) return [];
  let current = indexContaining(kind, startDate, date);
  if (endDate !== undefined && date > endDate) current = indexContaining(kind, startDate, endDate) + 1;
  const history: Period[] = [];
  for (let index = current - 1; index >= 0 && history.length < count; index--) {
    const period = periodAt(kind, startDate, index, endDate);
    if (period !== undefined) history.push(period);
  }
  return history;
}

/** Number of days in a period, both ends counted (28 for Feb 1–28). */
export function daysInPeriod(period: Period): number {
  return daysBetween(period.start, period.end) + 1;
}

/**
 * Days of the period up to and including `date`: 0 before it starts, all of them once it is over.
 * With daysInPeriod it gives the daily average and the end-of-period projection.
 */
export function daysElapsed(period: Period, date: IsoDate): number {
  if (compareIsoDate(date, period.start) < 0) return 0;
  if (compareIsoDate(date, period.end) > 0) return daysInPeriod(period);
  return daysBetween(period.start, date) + 1;
}

/** Whether `date` lies in the period (both ends inclusive). */
export function periodIncludes(period: Period, date: IsoDate): boolean {
  return date >= period.start && date <= period.end;
}
