import { addDays, daysBetween, daysInMonth, fromCalendarDate, MAX_ISO_DATE, toCalendarDate, type IsoDate } from '@finance/calendar';
import { money, percentOf, type Money } from '@finance/money';

// A goal's progress as a saver reads it. Exact arithmetic on minor units (bigint); the only
// roundings are the percentage (half-even, 2 places, as budgets' percent_used) and the monthly
// amount (up, so that saving it every month really reaches the target).

/** How far back the pace of saving is measured: today and the 89 days before. */
export const PACE_DAYS = 90;

/** A contribution as progress needs it: its amount and its transaction's date. */
export interface DatedAmount {
  date: IsoDate;
  minor: bigint;
}

export interface GoalProgress {
  /** current / target × 100, 2 places, half-even; may exceed 100. */
  percent: string;
  /** max(target − current, 0). */
  remaining: Money;
  contributions: number;
  /** remaining / monthsLeft, rounded up to the minor unit; undefined without a deadline. */
  monthlyNeeded: Money | undefined;
  /** today + ⌈remaining ÷ daily pace⌉ days; undefined when reached, when the pace is zero, or past year 9999. */
  projectedCompletionDate: IsoDate | undefined;
  /** Reached, or projected on or before the deadline; undefined without a deadline unless reached. */
  onTrack: boolean | undefined;
  /** The contributions dated today − 89 … today, summed. */
  savedLast90Days: Money;
}

/** ⌈a / b⌉ for a ≥ 0, b > 0. */
function divideUp(a: bigint, b: bigint): bigint {
  return (a + b - 1n) / b;
}

/** `date` moved by `months` calendar months, kept within the month (Jan 31 + 1 month = Feb 28/29). */
export function addMonths(date: IsoDate, months: number): IsoDate {
  const { year, month, day } = toCalendarDate(date);
  const index = year * 12 + (month - 1) + months;
  const y = Math.floor(index / 12);
  const m = (index % 12) + 1;
  const moved = fromCalendarDate({ year: y, month: m, day: Math.min(day, daysInMonth(y, m)) });
  if (moved === undefined) throw new RangeError(`${date} + ${months} months is outside years 1..9999`);
  return moved;
}

/**
 * The months a saver has left from `today` to `deadline`, a started month counting as a whole one:
 * the fewest n ≥ 1 with today + n months ≥ deadline (2026-01-15 → 2026-03-15: 2; → 2026-03-16: 3;
 * → 2026-01-20: 1). A deadline today or already past: 1, i.e. everything now.
 */
export function monthsLeft(today: IsoDate, deadline: IsoDate): number {
  if (deadline <= today) return 1;
  const t = toCalendarDate(today);
  const d = toCalendarDate(deadline);
  const whole = (d.year - t.year) * 12 + (d.month - t.month);
  return Math.max(1, addMonths(today, whole) >= deadline ? whole : whole + 1);
}

/** The amount to save per month to reach the target by the deadline: ⌈remaining ÷ monthsLeft⌉. */
export function monthlyNeeded(remaining: Money, today: IsoDate, deadline: IsoDate): Money {
  return money(divideUp(remaining.minor, BigInt(monthsLeft(today, deadline))), remaining.currency);
}

/** The contributions dated within today − 89 … today (future-dated ones have not happened yet). */
export function savedInPace(contributions: readonly DatedAmount[], today: IsoDate): bigint {
  const since = addDays(today, -(PACE_DAYS - 1));
  let sum = 0n;
  for (const c of contributions) if (c.date >= since && c.date <= today) sum += c.minor;
  return sum;
}

/**
 * When the remaining amount is saved at the pace of the last 90 days (saved ÷ 90 per day):
 * today + ⌈remaining × 90 ÷ saved⌉ days. undefined when nothing remains, nothing was saved in
 * those days, or the date would fall after 9999-12-31.
 */
export function projectedCompletion(remaining: bigint, savedLast90Days: bigint, today: IsoDate): IsoDate | undefined {
  if (remaining <= 0n || savedLast90Days <= 0n) return undefined;
  const days = divideUp(remaining * BigInt(PACE_DAYS), savedLast90Days);
  if (days > BigInt(daysBetween(today, MAX_ISO_DATE))) return undefined;
  return addDays(today, Number(days));
}

export function goalProgress(input: {
  target: Money;
  current: Money;
  deadline: IsoDate | null;
  today: IsoDate;
  contributions: readonly DatedAmount[];
}): GoalProgress {
  const { target, current, deadline, today } = input;
  if (target.minor <= 0n) throw new RangeError('a goal target is always > 0');
  const remainingMinor = target.minor > current.minor ? target.minor - current.minor : 0n;
  const remaining = money(remainingMinor, target.currency);
  const saved = savedInPace(input.contributions, today);
  const projected = projectedCompletion(remainingMinor, saved, today);
  const reached = remainingMinor === 0n;
  let onTrack: boolean | undefined;
  if (reached) onTrack = true;
  else if (deadline !== null) onTrack = projected !== undefined && projected <= deadline;
  return {
    percent: percentOf(current, target),
    remaining,
    contributions: input.contributions.length,
    monthlyNeeded: deadline === null ? undefined : monthlyNeeded(remaining, today, deadline),
    projectedCompletionDate: projected,
    onTrack,
    savedLast90Days: money(saved, target.currency),
  };
}

export interface ProgressPoint {
  date: IsoDate;
  /** The goal's current amount at the end of that day, minor units. */
  minor: bigint;
}

/**
 * current_amount over time, one point per day that changed it, ascending: the goal's creation date
 * (in the user's time zone) with the starting amount plus every contribution dated on or before it
 * (money already put aside when the goal began), then one point per later transaction date,
 * cumulative. With `from`/`to`, only points within them are listed; the amounts stay cumulative, so
 * the first point listed carries everything before `from`.
 */
export function progressSeries(input: {
  createdOn: IsoDate;
  startingMinor: bigint;
  contributions: readonly DatedAmount[];
  from?: IsoDate | undefined;
  to?: IsoDate | undefined;
}): ProgressPoint[] {
  const byDay = new Map<IsoDate, bigint>([[input.createdOn, input.startingMinor]]);
  for (const c of input.contributions) {
    const day = c.date < input.createdOn ? input.createdOn : c.date;
    byDay.set(day, (byDay.get(day) ?? 0n) + c.minor);
  }
  const points: ProgressPoint[] = [];
  let total = 0n;
  for (const day of [...byDay.keys()].sort()) {
    total += byDay.get(day)!;
    if ((input.from === undefined || day >= input.from) && (input.to === undefined || day <= input.to)) points.push({ date: day, minor: total });
  }
  return points;
}
