import { daysInMonth, isoDate, localDate, toCalendarDate, type IsoDate } from '@finance/calendar';
import { money, type Money } from '@finance/money';
import { DomainError } from '@finance/platform/errors';
import { RATE_UNAVAILABLE } from '@finance/rates';
import { errors } from '../domain/errors.js';
import type { IncomeExpenseNet } from '../domain/income-vs-expense.js';
import { sortedUnique } from '../domain/int64.js';
import { renderMonthlyReportHtml } from '../domain/report/html.js';
import type { LargeExpense, MonthlyReportModel, YearMonth } from '../domain/report/model.js';
import type { ReportingContext } from './context.js';
import { getIncomeVsExpense, getSpending } from './reports.js';
import { settleInOrder } from './settle.js';
import { requireUserId } from './users.js';

/** How many of the month's expenses the report lists. */
export const LARGEST_EXPENSES = 10;

const pad2 = (n: number) => String(n).padStart(2, '0');
const firstDay = (m: YearMonth) => isoDate(`${String(m.year).padStart(4, '0')}-${pad2(m.month)}-01`);
const lastDay = (m: YearMonth) => isoDate(`${String(m.year).padStart(4, '0')}-${pad2(m.month)}-${pad2(daysInMonth(m.year, m.month))}`);

/** The month before; undefined before January of year 1 (the calendar's first month has none). */
function previousOf(m: YearMonth): YearMonth | undefined {
  if (m.month > 1) return { year: m.year, month: m.month - 1 };
  return m.year > 1 ? { year: m.year - 1, month: 12 } : undefined;
}

/** `year` 1–9999 and `month` 1–12, named on `month` (the REST field is one `YYYY-MM`). */
function readMonth(year: number, month: number): YearMonth {
  if (!Number.isInteger(year) || year < 1 || year > 9999 || !Number.isInteger(month) || month < 1 || month > 12) {
    throw errors.invalidField('month', 'must be a month YYYY-MM (years 1 to 9999, months 01 to 12)');
  }
  return { year, month };
}

const timeFormats = new Map<string, Intl.DateTimeFormat>();

/** `HH:MM` on the 24-hour clock in `timeZone` (unknown or empty: UTC, as localDate does). */
function wallClock(instant: Date, timeZone: string): { time: string; timezone: string } {
  const zone = timeZone || 'UTC';
  let format = timeFormats.get(zone);
  if (!format) {
    try {
      format = new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    } catch {
      return wallClock(instant, 'UTC');
    }
    timeFormats.set(zone, format);
  }
  const parts = format.formatToParts(instant);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '00';
  return { time: `${part('hour')}:${part('minute')}`, timezone: zone };
}

const zeroTotals = (currency: string): IncomeExpenseNet => ({ income: money(0n, currency), expense: money(0n, currency), net: money(0n, currency) });

/** Largest converted amount first; ties: the later date, then the id, so the list does not depend on arrival order. */
function compareExpenses(a: LargeExpense, b: LargeExpense): number {
  if (a.converted.minor !== b.converted.minor) return a.converted.minor > b.converted.minor ? -1 : 1;
  if (a.date !== b.date) return a.date > b.date ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * The month's `limit` largest expenses in the base currency, exactly: every transaction of the
 * month is streamed from the ledger (StreamTransactions, in batches, never all held) and each
 * expense in another currency converted at the rate of its own date (the rate book, cached per
 * day, as the sums are); only the best `limit` are kept. An expense without a usable rate is left
 * out and its currency listed.
 */
async function largestExpenses(ctx: ReportingContext, userId: string, from: IsoDate, to: IsoDate, base: string, limit: number) {
  let kept: LargeExpense[] = [];
  const excluded = new Set<string>();
  for await (const batch of ctx.ledger.transactionBatches(userId, { from, to })) {
    const expenses = batch.filter((t) => t.type === 'expense');
    const converted = await Promise.all(
      expenses.map(async (t): Promise<LargeExpense | undefined> => {
        const date = isoDate(t.date);
        let inBase: Money = t.amount;
        if (t.amount.currency !== base) {
          try {
            inBase = (await ctx.rates.convert(t.amount, base, date)).converted;
          } catch (err) {
            if (err instanceof DomainError && err.code === RATE_UNAVAILABLE) {
              excluded.add(t.amount.currency);
              return undefined;
            }
            throw err;
          }
        }
        return { id: t.id, date, description: t.description, categoryName: t.categoryName, amount: t.amount, converted: inBase };
      }),
    );
    kept = [...kept, ...converted.filter((x): x is LargeExpense => x !== undefined)].sort(compareExpenses).slice(0, limit);
  }
  return { items: kept, excluded: [...excluded] };
}

/**
 * Everything the monthly report shows, in the user's base currency. Auth first (base currency,
 * time zone, name): a month after the current one in the user's zone is refused, and the budgets'
 * day depends on whether the month is over. Then, concurrently: income and expense of this and the
 * previous month (GetIncomeVsExpense's code, monthly intervals, each day at its own rate), spending
 * per category (GetSpending's), budgeting's status on the month's last day (today for the current
 * month), the goals, and the largest expenses. A month before any data is all zeros.
 */
export async function gatherMonthlyReport(ctx: ReportingContext, input: { userId: string; year: number; month: number }): Promise<MonthlyReportModel> {
  const userId = requireUserId(input.userId);
  const month = readMonth(input.year, input.month);
  const account = await ctx.users.accountOf(userId);
  const now = ctx.now();
  const today = localDate(now, account.timezone);
  const from = firstDay(month);
  const to = lastDay(month);
  if (from > today) throw errors.invalidField('month', `must not be after the current month (${today.slice(0, 7)} in your time zone)`);
  const isCurrent = to >= today;
  const previous = previousOf(month);

  const [incomeVsExpense, spending, budgets, goals, largest] = await settleInOrder([
    getIncomeVsExpense(ctx, { userId, from: toCalendarDate(previous ? firstDay(previous) : from), to: toCalendarDate(to), interval: 'month' }),
    getSpending(ctx, { userId, from: toCalendarDate(from), to: toCalendarDate(to) }),
    // Budgeting resolves "today" itself (in the user's zone) when no day is given.
    ctx.budgets.statusOn(userId, isCurrent ? undefined : to),
    ctx.goals.goalsOf(userId),
    largestExpenses(ctx, userId, from, to, account.baseCurrency, LARGEST_EXPENSES),
  ]);
  const currency = incomeVsExpense.currency;
  const current = incomeVsExpense.items.at(-1)!;
  const before = previous ? incomeVsExpense.items[0]! : zeroTotals(currency);

  return {
    month,
    period: { from, to },
    previousMonth: previous ?? month,
    user: { username: account.username, email: account.email, timezone: account.timezone || 'UTC' },
    currency,
    generatedAt: { date: today, ...wallClock(now, account.timezone) },
    totals: { income: current.income, expense: current.expense, net: current.net },
    previousTotals: { income: before.income, expense: before.expense, net: before.net },
    excludedCurrencies: sortedUnique([...incomeVsExpense.excludedCurrencies, ...spending.excludedCurrencies, ...largest.excluded]),
    spending: { total: spending.total, items: spending.items },
    budgets: { date: budgets.date, today: isCurrent, items: budgets.items },
    // Cancelled goals are the user's decision to stop: not part of a month's picture.
    goals: goals.filter((g) => g.status !== 'cancelled'),
    largestExpenses: largest.items,
  };
}

/** GET /export/pdf: the monthly report gathered, drawn as HTML and printed by the shared Chromium. */
export async function renderMonthlyReport(ctx: ReportingContext, input: { userId: string; year: number; month: number }): Promise<Buffer> {
  const model = await gatherMonthlyReport(ctx, input);
  return ctx.pdf.renderPdf(renderMonthlyReportHtml(model));
}
