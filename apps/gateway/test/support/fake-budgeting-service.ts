import { randomUUID } from 'node:crypto';
import { formatMoney, money, MoneyError, parseMoney, percentOf, roundHalfEven, type Money } from '@finance/money';
import { DomainError, invalidField, type AsyncServiceImplementation } from '@finance/platform';
import { budgetingV1, type commonV1 } from '@finance/proto';
import { GrpcFake } from './grpc-fake.js';

const { BudgetPeriod, BudgetStatus } = budgetingV1;

export interface StoredBudget {
  id: string;
  userId: string;
  name: string;
  amount: Money;
  period: budgetingV1.BudgetPeriod;
  /** YYYY-MM-DD */
  startDate: string;
  endDate: string | undefined;
  categoryId: string | undefined;
  createdAt: Date;
  updatedAt: Date;
}

/** An expense as the fake reads it from wherever the test keeps them (the fake ledger). */
export interface Expense {
  date: string;
  amount: Money;
  categoryId: string | undefined;
}

const PERIOD_LABEL: Record<number, string> = {
  [BudgetPeriod.BUDGET_PERIOD_DAILY]: 'Daily',
  [BudgetPeriod.BUDGET_PERIOD_WEEKLY]: 'Weekly',
  [BudgetPeriod.BUDGET_PERIOD_MONTHLY]: 'Monthly',
  [BudgetPeriod.BUDGET_PERIOD_YEARLY]: 'Yearly',
};

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 200;
const HISTORY = 6;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// Codes, paths and details as the budgeting service's (apps/budgeting/src/domain/errors.ts), so the
// gateway is tested against the answers it will really get.
const INVALID = 'BUDGETING_INVALID_FIELDS';
const notFound = () => new DomainError('not_found', 'BUDGETING_BUDGET_NOT_FOUND', 'Budget not found.');
const invalid = (path: string, message: string) => invalidField(INVALID, path, message);

// ---------------------------------------------------------------------------------------------
// Calendar arithmetic on YYYY-MM-DD (UTC days)

const DAY_MS = 86_400_000;
const dayNumber = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / DAY_MS;
const fromDayNumber = (n: number) => new Date(n * DAY_MS).toISOString().slice(0, 10);
const daysInMonth = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

function dateText(date: commonV1.DateMessage | undefined, path: string): string {
  if (!date) throw invalid(path, 'is required (YYYY-MM-DD)');
  const { year, month, day } = date;
  if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    throw invalid(path, 'is not a valid calendar date (YYYY-MM-DD, years 1 to 9999)');
  }
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function toProtoDate(text: string): commonV1.DateMessage {
  const [year, month, day] = text.split('-').map(Number) as [number, number, number];
  return { year, month, day };
}

/** Day number on which period `k` of a budget anchored at `anchor` starts (apps/budgeting/src/domain/periods.ts). */
function periodStart(period: budgetingV1.BudgetPeriod, anchor: string, k: number): number {
  const [y, m, d] = anchor.split('-').map(Number) as [number, number, number];
  switch (period) {
    case BudgetPeriod.BUDGET_PERIOD_DAILY:
      return dayNumber(anchor) + k;
    case BudgetPeriod.BUDGET_PERIOD_WEEKLY:
      return dayNumber(anchor) + 7 * k;
    case BudgetPeriod.BUDGET_PERIOD_MONTHLY: {
      const index = y * 12 + (m - 1) + k;
      const year = Math.floor(index / 12);
      const month = index - year * 12 + 1;
      return Date.UTC(year, month - 1, Math.min(d, daysInMonth(year, month))) / DAY_MS;
    }
    default: {
      const year = y + k;
      return Date.UTC(year, m - 1, Math.min(d, daysInMonth(year, m))) / DAY_MS;
    }
  }
}

interface Period {
  index: number;
  start: string;
  end: string;
}

/** The period of `budget` that contains `date`, or undefined outside the budget. */
function periodContaining(budget: StoredBudget, date: string): Period | undefined {
  if (date < budget.startDate || (budget.endDate !== undefined && date > budget.endDate)) return undefined;
  const target = dayNumber(date);
  let k = 0;
  while (periodStart(budget.period, budget.startDate, k + 1) <= target) k++;
  return periodAt(budget, k);
}

function periodAt(budget: StoredBudget, k: number): Period {
  const end = fromDayNumber(periodStart(budget.period, budget.startDate, k + 1) - 1);
  return { index: k, start: fromDayNumber(periodStart(budget.period, budget.startDate, k)), end: budget.endDate !== undefined && budget.endDate < end ? budget.endDate : end };
}

/**
 * An in-memory BudgetingService that keeps the contract (API.md / budgeting.proto) strictly enough
 * for the gateway to be tested against it over real gRPC: other users' budgets are NOT_FOUND,
 * amounts are parsed with the currency's precision, category ids are checked against the user's
 * categories, end_date must not precede start_date, cursors are opaque and checked, and the analysis
 * is computed from the expenses `expensesOf` returns (periods anchored at start_date, as the service).
 */
export class FakeBudgetingService extends GrpcFake {
  readonly budgets = new Map<string, StoredBudget>();
  /** "Today" in every user's time zone, for requests without a date. */
  today = '2026-03-15';
  /** The user's base currency, for budgets without one (the real service asks auth). */
  baseCurrencyOf: (userId: string) => string = () => 'USD';
  /** The user's category with this id, if any (the real service asks the ledger). */
  categoryOf: (userId: string, id: string) => { name: string } | undefined = () => undefined;
  /** The user's expenses (the real service asks the ledger's SumTransactions). */
  expensesOf: (userId: string) => Expense[] = () => [];
  /** Rewrites an answer before it is sent, to test how the gateway takes a broken one. */
  tamper: ((rpc: string, response: any) => any) | undefined;
  private clockMs = Date.parse('2026-03-01T09:00:00.000Z');

  static async start(): Promise<FakeBudgetingService> {
    const fake = new FakeBudgetingService();
    await fake.serve(budgetingV1.BudgetingServiceService, fake.implementation(), 'fake-budgeting');
    return fake;
  }

  /** A deterministic clock: every write is one second after the previous one. */
  private now(): Date {
    this.clockMs += 1000;
    return new Date(this.clockMs);
  }

  seedBudget(
    userId: string,
    fields: Partial<Omit<StoredBudget, 'id' | 'userId' | 'amount' | 'createdAt' | 'updatedAt'>> & { amount?: string; currency?: string } = {},
  ): StoredBudget {
    const now = this.now();
    const budget: StoredBudget = {
      id: randomUUID(),
      userId,
      name: fields.name ?? 'Monthly budget',
      amount: parseMoney(fields.amount ?? '500.00', fields.currency ?? 'USD'),
      period: fields.period ?? BudgetPeriod.BUDGET_PERIOD_MONTHLY,
      startDate: fields.startDate ?? '2026-01-01',
      endDate: fields.endDate,
      categoryId: fields.categoryId,
      createdAt: now,
      updatedAt: now,
    };
    this.budgets.set(budget.id, budget);
    return budget;
  }

  /** GetBudgetStatus's items: every budget of the user active on `date` (YYYY-MM-DD), oldest first, with its analysis. */
  statusOn(userId: string, date: string): budgetingV1.BudgetStatusItem[] {
    const items: budgetingV1.BudgetStatusItem[] = [];
    for (const row of [...this.budgets.values()].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())) {
      if (row.userId !== userId) continue;
      const analysis = this.analysis(row, date);
      if (analysis) items.push({ budget: this.toBudget(row), analysis });
    }
    return items;
  }

  private own(userId: string, id: string): StoredBudget {
    const found = this.budgets.get(id);
    if (!found || found.userId !== userId) throw notFound();
    return found;
  }

  private amount(text: string, currency: string): Money {
    try {
      return parseMoney(text, currency, { requirePositive: true });
    } catch (err) {
      if (err instanceof MoneyError) throw invalid(err.reason === 'unknown_currency' ? 'currency' : 'amount', err.message);
      throw err;
    }
  }

  private period(period: budgetingV1.BudgetPeriod): budgetingV1.BudgetPeriod {
    if (period === BudgetPeriod.BUDGET_PERIOD_UNSPECIFIED || !(period in BudgetPeriod)) throw invalid('period', 'is required: one of daily, weekly, monthly, yearly');
    return period;
  }

  /** A category named in a request: malformed, someone else's or missing are all the same invalid field. */
  private category(userId: string, id: string): { id: string; name: string } {
    const found = UUID.test(id) ? this.categoryOf(userId, id.toLowerCase()) : undefined;
    if (!found) throw invalid('category_id', 'is not one of your categories');
    return { id: id.toLowerCase(), name: found.name };
  }

  private name(name: string): string {
    const trimmed = name.trim();
    if ([...trimmed].length < 1 || [...trimmed].length > 100) throw invalid('name', 'must be 1 to 100 characters (surrounding spaces are ignored)');
    return trimmed;
  }

  private order(start: string, end: string | undefined): void {
    if (end !== undefined && end < start) throw invalid('end_date', 'must not be before start_date');
  }

  private toBudget(row: StoredBudget): budgetingV1.Budget {
    return {
      id: row.id,
      name: row.name,
      amount: { minorUnits: row.amount.minor.toString(), currency: row.amount.currency },
      period: row.period,
      startDate: toProtoDate(row.startDate),
      endDate: row.endDate === undefined ? undefined : toProtoDate(row.endDate),
      categoryId: row.categoryId,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    };
  }

  private wire(m: Money): commonV1.Money {
    return { minorUnits: m.minor.toString(), currency: m.currency };
  }

  private spent(budget: StoredBudget, period: Period): { spent: Money; excluded: Set<string> } {
    let minor = 0n;
    const excluded = new Set<string>();
    for (const e of this.expensesOf(budget.userId)) {
      if (e.date < period.start || e.date > period.end) continue;
      if (budget.categoryId !== undefined && e.categoryId !== budget.categoryId) continue;
      if (e.amount.currency === budget.amount.currency) minor += e.amount.minor;
      else excluded.add(e.amount.currency);
    }
    return { spent: money(minor, budget.amount.currency), excluded };
  }

  private status(spent: Money, amount: Money): budgetingV1.BudgetStatus {
    return spent.minor > amount.minor ? BudgetStatus.BUDGET_STATUS_OVER : BudgetStatus.BUDGET_STATUS_UNDER;
  }

  private analysis(budget: StoredBudget, date: string): budgetingV1.BudgetAnalysis | undefined {
    const period = periodContaining(budget, date);
    if (!period) return undefined;
    const { spent, excluded } = this.spent(budget, period);
    const currency = budget.amount.currency;
    const daysInPeriod = dayNumber(period.end) - dayNumber(period.start) + 1;
    const daysElapsed = dayNumber(date) - dayNumber(period.start) + 1;
    const dailyAverage = roundHalfEven(spent.minor, BigInt(daysElapsed));
    const history: budgetingV1.PeriodSpending[] = [];
    for (let k = period.index - 1; k >= 0 && history.length < HISTORY; k--) {
      const earlier = periodAt(budget, k);
      const s = this.spent(budget, earlier).spent;
      history.push({ periodStart: toProtoDate(earlier.start), periodEnd: toProtoDate(earlier.end), spent: this.wire(s), status: this.status(s, budget.amount) });
    }
    return {
      periodStart: toProtoDate(period.start),
      periodEnd: toProtoDate(period.end),
      spent: this.wire(spent),
      remaining: this.wire(money(budget.amount.minor - spent.minor, currency)),
      percentUsed: percentOf(spent, budget.amount),
      status: this.status(spent, budget.amount),
      dailyAverage: this.wire(money(dailyAverage, currency)),
      projectedSpend: this.wire(money(dailyAverage * BigInt(daysInPeriod), currency)),
      daysInPeriod,
      daysElapsed,
      history,
      excludedCurrencies: [...excluded].sort(),
    };
  }

  private implementation(): AsyncServiceImplementation<typeof budgetingV1.BudgetingServiceService> {
    const rpc =
      <Req, Res>(name: string, body: (request: Req) => Res) =>
      async (request: Req, context: { requestId: string }): Promise<Res> => {
        await this.enter(name, request, context);
        if (!UUID.test((request as { userId: string }).userId)) throw invalid('user_id', 'must be a UUID');
        const response = body(request);
        return this.tamper ? (this.tamper(name, response) as Res) : response;
      };

    return {
      createBudget: rpc('createBudget', (req: budgetingV1.CreateBudgetRequest): budgetingV1.CreateBudgetResponse => {
        const currency = req.currency ?? this.baseCurrencyOf(req.userId);
        const period = this.period(req.period);
        const startDate = dateText(req.startDate, 'start_date');
        const endDate = req.endDate && dateText(req.endDate, 'end_date');
        this.order(startDate, endDate);
        const category = req.categoryId === undefined || req.categoryId === '' ? undefined : this.category(req.userId, req.categoryId);
        const now = this.now();
        const row: StoredBudget = {
          id: randomUUID(),
          userId: req.userId,
          amount: this.amount(req.amount, currency),
          period,
          startDate,
          endDate,
          categoryId: category?.id,
          // The service's default: the category's name, else the period ("Monthly budget").
          name: req.name === undefined ? (category?.name ?? `${PERIOD_LABEL[period]} budget`) : this.name(req.name),
          createdAt: now,
          updatedAt: now,
        };
        this.budgets.set(row.id, row);
        return { budget: this.toBudget(row) };
      }),

      getBudget: rpc('getBudget', (req: budgetingV1.GetBudgetRequest): budgetingV1.GetBudgetResponse => {
        const row = this.own(req.userId, req.id);
        const date = req.date ? dateText(req.date, 'date') : this.today;
        return { budget: this.toBudget(row), analysis: this.analysis(row, date) };
      }),

      listBudgets: rpc('listBudgets', (req: budgetingV1.ListBudgetsRequest): budgetingV1.ListBudgetsResponse => {
        const limit = req.page?.limit || DEFAULT_LIMIT;
        if (limit < 1 || limit > MAX_LIMIT) throw invalid('limit', 'must be between 1 and 200');
        const cursor = req.page?.cursor ?? '';
        let after: [string, string] | undefined;
        if (cursor) {
          try {
            const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
            if (Array.isArray(key) && key.length === 3 && key[0] === 'b') after = [String(key[1]), String(key[2])];
          } catch {
            // refused below
          }
          if (!after) throw invalidField('BUDGETING_INVALID_CURSOR', 'cursor', 'is not a cursor this list returned');
        }
        // Oldest first, by (created_at, id), as the service.
        const key = (b: StoredBudget): [string, string] => [b.createdAt.toISOString(), b.id];
        const rows = [...this.budgets.values()]
          .filter((b) => b.userId === req.userId)
          .sort((a, b) => (key(a).join() < key(b).join() ? -1 : 1))
          .filter((b) => after === undefined || key(b).join() > after.join());
        const page = rows.slice(0, limit);
        const last = page.at(-1);
        const nextCursor = rows.length > limit && last ? Buffer.from(JSON.stringify(['b', ...key(last)])).toString('base64url') : '';
        return { items: page.map((b) => this.toBudget(b)), page: { nextCursor } };
      }),

      updateBudget: rpc('updateBudget', (req: budgetingV1.UpdateBudgetRequest): budgetingV1.UpdateBudgetResponse => {
        const row = this.own(req.userId, req.id);
        if (req.clearEndDate && req.endDate) throw invalid('end_date', 'must be absent when clear_end_date is set');
        const currency = req.currency ?? row.amount.currency;
        const next: StoredBudget = {
          ...row,
          amount: req.amount !== undefined || req.currency !== undefined ? this.amount(req.amount ?? formatMoney(row.amount), currency) : row.amount,
          period: req.period === BudgetPeriod.BUDGET_PERIOD_UNSPECIFIED ? row.period : this.period(req.period),
          startDate: req.startDate ? dateText(req.startDate, 'start_date') : row.startDate,
          endDate: req.clearEndDate ? undefined : req.endDate ? dateText(req.endDate, 'end_date') : row.endDate,
          categoryId: req.categoryId === undefined ? row.categoryId : req.categoryId === '' ? undefined : this.category(req.userId, req.categoryId).id,
          name: req.name === undefined ? row.name : this.name(req.name),
          updatedAt: this.now(),
        };
        this.order(next.startDate, next.endDate);
        this.budgets.set(row.id, next);
        return { budget: this.toBudget(next) };
      }),

      deleteBudget: rpc('deleteBudget', (req: budgetingV1.DeleteBudgetRequest) => {
        this.own(req.userId, req.id);
        this.budgets.delete(req.id);
        return {};
      }),

      getBudgetStatus: rpc('getBudgetStatus', (req: budgetingV1.GetBudgetStatusRequest): budgetingV1.GetBudgetStatusResponse => {
        const date = req.date ? dateText(req.date, 'date') : this.today;
        return { date: toProtoDate(date), items: this.statusOn(req.userId, date) };
      }),
    };
  }
}
