import { money, type Money } from '@finance/money';
import { DomainError, type AsyncServiceImplementation, type FieldError } from '@finance/platform';
import { budgetingV1, reportingV1, type commonV1 } from '@finance/proto';
import { GrpcFake } from './grpc-fake.js';

const { Interval, BudgetStatus } = reportingV1;

/** A transaction as the fake reads it from wherever the test keeps them (the fake ledger). */
export interface LedgerEntry {
  /** YYYY-MM-DD */
  date: string;
  amount: Money;
  type: 'income' | 'expense';
  categoryId: string | undefined;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// Codes, paths and messages as the reporting service's, so the gateway is tested against the
// answers it will really get. Every invalid field of a request is named in one answer.
// (apps/reporting/src/domain/errors.ts, range.ts, intervals.ts)
const INVALID = 'REPORTING_INVALID_FIELDS';
function invalidFields(errors: FieldError[]): DomainError {
  return new DomainError('invalid_argument', INVALID, errors.map((e) => `${e.path}: ${e.message}`).join('; '), { errors });
}
const ADJECTIVE: Record<number, string> = { 1: 'daily', 2: 'weekly', 3: 'monthly', 4: 'yearly' };
const grouped = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
function tooManyIntervals(interval: reportingV1.Interval, from: string, to: string, count: number, max: number): DomainError {
  const longer = [Interval.INTERVAL_WEEK, Interval.INTERVAL_MONTH, Interval.INTERVAL_YEAR]
    .filter((kind) => kind > interval)
    .map((kind) => ({ kind, n: intervalCount(kind, from, to) }))
    .find(({ n }) => n <= max);
  const names: Record<number, string> = { 2: 'week', 3: 'month', 4: 'year' };
  const advice = longer ? `choose a longer interval (${names[longer.kind]}: ${grouped(longer.n)} intervals) or a shorter range` : 'choose a shorter range';
  const message = `${from} to ${to} spans ${grouped(count)} ${ADJECTIVE[interval]} intervals, more than the ${grouped(max)} one report may have: ${advice}.`;
  return new DomainError('invalid_argument', 'REPORTING_TOO_MANY_INTERVALS', message, { errors: [{ path: 'interval', message }] });
}

// ---------------------------------------------------------------------------------------------
// Calendar arithmetic on YYYY-MM-DD (UTC days)

const DAY_MS = 86_400_000;
const dayNumber = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / DAY_MS;
const fromDayNumber = (n: number) => new Date(n * DAY_MS).toISOString().slice(0, 10);
const daysInMonth = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

function dateText(date: commonV1.DateMessage | undefined, path: string, errors: FieldError[]): string | undefined {
  if (!date) {
    errors.push({ path, message: 'is required (YYYY-MM-DD)' });
    return undefined;
  }
  const { year, month, day } = date;
  if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    errors.push({ path, message: 'is not a valid calendar date (YYYY-MM-DD, years 1 to 9999)' });
    return undefined;
  }
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function toProtoDate(text: string): commonV1.DateMessage {
  const [year, month, day] = text.split('-').map(Number) as [number, number, number];
  return { year, month, day };
}

/** The first day of the interval that contains `date`, and the first day of the next one. */
function intervalAround(interval: reportingV1.Interval, date: string): { start: string; next: string } {
  const [y, m] = date.split('-').map(Number) as [number, number];
  switch (interval) {
    case Interval.INTERVAL_DAY:
      return { start: date, next: fromDayNumber(dayNumber(date) + 1) };
    case Interval.INTERVAL_WEEK: {
      // Monday = 0 (ISO 8601 weeks).
      const monday = dayNumber(date) - ((new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7);
      return { start: fromDayNumber(monday), next: fromDayNumber(monday + 7) };
    }
    case Interval.INTERVAL_YEAR:
      return { start: `${String(y).padStart(4, '0')}-01-01`, next: `${String(y + 1).padStart(4, '0')}-01-01` };
    default: {
      const nextYear = m === 12 ? y + 1 : y;
      const nextMonth = m === 12 ? 1 : m + 1;
      return { start: `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-01`, next: `${String(nextYear).padStart(4, '0')}-${String(nextMonth).padStart(2, '0')}-01` };
    }
  }
}

interface Span {
  start: string;
  end: string;
}

function intervalsOverlapping(interval: reportingV1.Interval, from: string, to: string): Span[] {
  const spans: Span[] = [];
  let cursor = from;
  while (cursor <= to) {
    const { start, next } = intervalAround(interval, cursor);
    spans.push({ start, end: fromDayNumber(dayNumber(next) - 1) });
    cursor = next;
  }
  return spans;
}

/** How many intervals of each kind overlap [from, to], without listing them. */
function intervalCount(interval: reportingV1.Interval, from: string, to: string): number {
  const first = intervalAround(interval, from).start;
  switch (interval) {
    case Interval.INTERVAL_DAY:
      return dayNumber(to) - dayNumber(from) + 1;
    case Interval.INTERVAL_WEEK:
      return Math.floor((dayNumber(to) - dayNumber(first)) / 7) + 1;
    case Interval.INTERVAL_YEAR:
      return Number(to.slice(0, 4)) - Number(from.slice(0, 4)) + 1;
    default:
      return (Number(to.slice(0, 4)) - Number(from.slice(0, 4))) * 12 + Number(to.slice(5, 7)) - Number(from.slice(5, 7)) + 1;
  }
}

function statusOf(status: budgetingV1.BudgetStatus): reportingV1.BudgetStatus {
  if (status === budgetingV1.BudgetStatus.BUDGET_STATUS_UNDER) return BudgetStatus.BUDGET_STATUS_UNDER;
  if (status === budgetingV1.BudgetStatus.BUDGET_STATUS_OVER) return BudgetStatus.BUDGET_STATUS_OVER;
  return BudgetStatus.BUDGET_STATUS_UNSPECIFIED;
}

/**
 * An in-memory ReportingService that keeps the contract (API.md / reporting.proto) strictly enough
 * for the gateway to be tested against it over real gRPC: it computes spending and income vs
 * expense from the transactions `transactionsOf` returns (base currency only, other currencies
 * listed as excluded; intervals on Mondays, 1sts and January 1sts), refuses what the service refuses,
 * with its codes and messages (missing or impossible dates, from after to, an unknown interval, more
 * than `maxIntervals` intervals), and flattens the budget status `budgetStatusOf` gives (the fake
 * budgeting service, which resolves "today").
 */
export class FakeReportingService extends GrpcFake {
  /** "Today" in every user's time zone, for budget status requests without a date. */
  today = '2026-03-15';
  /** The most intervals one income-vs-expense answer may have (the service's MAX_INTERVALS). */
  maxIntervals = 1000;
  /** The user's base currency (the real service asks auth). */
  baseCurrencyOf: (userId: string) => string = () => 'USD';
  /** The user's category with this id, if any (the real service asks the ledger). */
  categoryOf: (userId: string, id: string) => { name: string } | undefined = () => undefined;
  /** The user's transactions (the real service asks the ledger's SumTransactions). */
  transactionsOf: (userId: string) => LedgerEntry[] = () => [];
  /** Budgeting's GetBudgetStatus items for the user on that date (the real service asks budgeting). */
  budgetStatusOf: (userId: string, date: string) => budgetingV1.BudgetStatusItem[] = () => [];
  /** Rewrites an answer before it is sent, to test how the gateway takes a broken one. */
  tamper: ((rpc: string, response: any) => any) | undefined;

  static async start(): Promise<FakeReportingService> {
    const fake = new FakeReportingService();
    await fake.serve(reportingV1.ReportingServiceService, fake.implementation(), 'fake-reporting');
    return fake;
  }

  /** from and to: both valid, from ≤ to; every problem named at once. */
  private range(req: { from?: commonV1.DateMessage | undefined; to?: commonV1.DateMessage | undefined }, errors: FieldError[]): { from: string; to: string } | undefined {
    const from = dateText(req.from, 'from', errors);
    const to = dateText(req.to, 'to', errors);
    if (from === undefined || to === undefined) return undefined;
    if (from > to) {
      errors.push({ path: 'from', message: 'must not be after to' });
      return undefined;
    }
    return { from, to };
  }

  /** The user's transactions of `type` dated within [from, to], split into counted (base currency) and excluded currencies. */
  private within(userId: string, type: LedgerEntry['type'], from: string, to: string, currency: string) {
    const counted: LedgerEntry[] = [];
    const excluded = new Set<string>();
    for (const t of this.transactionsOf(userId)) {
      if (t.type !== type || t.date < from || t.date > to) continue;
      if (t.amount.currency === currency) counted.push(t);
      else excluded.add(t.amount.currency);
    }
    return { counted, excluded };
  }

  private wire(minor: bigint, currency: string): commonV1.Money {
    const m = money(minor, currency);
    return { minorUnits: m.minor.toString(), currency: m.currency };
  }

  private implementation(): AsyncServiceImplementation<typeof reportingV1.ReportingServiceService> {
    const rpc =
      <Req, Res>(name: string, body: (request: Req) => Res) =>
      async (request: Req, context: { requestId: string }): Promise<Res> => {
        await this.enter(name, request, context);
        if (!UUID.test((request as { userId: string }).userId)) throw invalidFields([{ path: 'user_id', message: 'must be a UUID' }]);
        const response = body(request);
        return this.tamper ? (this.tamper(name, response) as Res) : response;
      };

    return {
      getSpending: rpc('getSpending', (req: reportingV1.GetSpendingRequest): reportingV1.GetSpendingResponse => {
        const errors: FieldError[] = [];
        const range = this.range(req, errors);
        if (errors.length || !range) throw invalidFields(errors);
        const currency = this.baseCurrencyOf(req.userId);
        const { counted, excluded } = this.within(req.userId, 'expense', range.from, range.to, currency);
        const groups = new Map<string, { categoryId: string | undefined; name: string | undefined; minor: bigint; count: number }>();
        for (const t of counted) {
          const category = t.categoryId === undefined ? undefined : this.categoryOf(req.userId, t.categoryId);
          const key = category ? t.categoryId! : '';
          const group = groups.get(key) ?? { categoryId: category ? t.categoryId : undefined, name: category?.name, minor: 0n, count: 0 };
          group.minor += t.amount.minor;
          group.count++;
          groups.set(key, group);
        }
        // Largest total first; ties by count (larger first), then name; uncategorized last.
        const items = [...groups.values()].sort(
          (a, b) =>
            (a.minor === b.minor ? 0 : a.minor > b.minor ? -1 : 1) ||
            b.count - a.count ||
            (a.name === undefined ? 1 : 0) - (b.name === undefined ? 1 : 0) ||
            (a.name ?? '').localeCompare(b.name ?? ''),
        );
        return {
          from: toProtoDate(range.from),
          to: toProtoDate(range.to),
          currency,
          total: this.wire(
            items.reduce((sum, g) => sum + g.minor, 0n),
            currency,
          ),
          items: items.map((g) => ({
            ...(g.categoryId === undefined ? {} : { categoryId: g.categoryId, categoryName: g.name }),
            total: this.wire(g.minor, currency),
            count: String(g.count),
          })),
          excludedCurrencies: [...excluded].sort(),
        };
      }),

      getIncomeVsExpense: rpc('getIncomeVsExpense', (req: reportingV1.GetIncomeVsExpenseRequest): reportingV1.GetIncomeVsExpenseResponse => {
        const errors: FieldError[] = [];
        const range = this.range(req, errors);
        const interval = req.interval === Interval.INTERVAL_UNSPECIFIED ? Interval.INTERVAL_MONTH : req.interval;
        if (!(interval in Interval) || interval === Interval.UNRECOGNIZED) errors.push({ path: 'interval', message: 'must be one of day, week, month, year' });
        if (errors.length || !range) throw invalidFields(errors);
        // Refused before any other service is asked.
        const count = intervalCount(interval, range.from, range.to);
        if (count > this.maxIntervals) throw tooManyIntervals(interval, range.from, range.to, count, this.maxIntervals);
        const currency = this.baseCurrencyOf(req.userId);
        const income = this.within(req.userId, 'income', range.from, range.to, currency);
        const expense = this.within(req.userId, 'expense', range.from, range.to, currency);
        const sum = (entries: LedgerEntry[], span: Span) =>
          entries.filter((t) => t.date >= span.start && t.date <= span.end).reduce((total, t) => total + t.amount.minor, 0n);
        const items = intervalsOverlapping(interval, range.from, range.to).map((span) => {
          const inMinor = sum(income.counted, span);
          const outMinor = sum(expense.counted, span);
          return {
            periodStart: toProtoDate(span.start),
            periodEnd: toProtoDate(span.end),
            income: this.wire(inMinor, currency),
            expense: this.wire(outMinor, currency),
            net: this.wire(inMinor - outMinor, currency),
          };
        });
        const all = { start: range.from, end: range.to };
        const totalIn = sum(income.counted, all);
        const totalOut = sum(expense.counted, all);
        return {
          currency,
          items,
          totals: { income: this.wire(totalIn, currency), expense: this.wire(totalOut, currency), net: this.wire(totalIn - totalOut, currency) },
          excludedCurrencies: [...new Set([...income.excluded, ...expense.excluded])].sort(),
          interval,
        };
      }),

      getBudgetStatus: rpc('getBudgetStatus', (req: reportingV1.GetBudgetStatusRequest): reportingV1.GetBudgetStatusResponse => {
        const errors: FieldError[] = [];
        const date = req.date ? dateText(req.date, 'date', errors) : this.today;
        if (errors.length || date === undefined) throw invalidFields(errors);
        const items = this.budgetStatusOf(req.userId, date).map(({ budget, analysis }): reportingV1.BudgetStatusItem => {
          if (!budget || !analysis) throw new Error('budgeting returned a status item without budget or analysis');
          return {
            budgetId: budget.id,
            name: budget.name,
            ...(budget.categoryId ? { categoryId: budget.categoryId } : {}),
            amount: budget.amount,
            spent: analysis.spent,
            remaining: analysis.remaining,
            percentUsed: analysis.percentUsed,
            status: statusOf(analysis.status),
            periodStart: analysis.periodStart,
            periodEnd: analysis.periodEnd,
            excludedCurrencies: analysis.excludedCurrencies,
          };
        });
        return { date: toProtoDate(date), items };
      }),
    };
  }
}
