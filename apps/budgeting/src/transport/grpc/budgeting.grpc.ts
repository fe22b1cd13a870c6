import { toCalendarDate } from '@finance/calendar';
import type { Money } from '@finance/money';
import type { AsyncServiceImplementation, GrpcServiceRegistration } from '@finance/platform';
import { budgetingV1 } from '@finance/proto';
import { getBudgetStatus } from '../../application/analysis.js';
import { createBudget, deleteBudget, getBudget, listBudgets, updateBudget } from '../../application/budgets.js';
import type { BudgetingContext } from '../../application/context.js';
import type { AnalysedBudget, BudgetView } from '../../application/views.js';
import type { BudgetAnalysis, BudgetStatus } from '../../domain/analysis.js';
import { errors } from '../../domain/errors.js';
import type { BudgetPeriodKind, Period } from '../../domain/periods.js';

const { BudgetPeriod: ProtoPeriod, BudgetStatus: ProtoStatus } = budgetingV1;

const PERIODS: Partial<Record<budgetingV1.BudgetPeriod, BudgetPeriodKind>> = {
  [ProtoPeriod.BUDGET_PERIOD_DAILY]: 'daily',
  [ProtoPeriod.BUDGET_PERIOD_WEEKLY]: 'weekly',
  [ProtoPeriod.BUDGET_PERIOD_MONTHLY]: 'monthly',
  [ProtoPeriod.BUDGET_PERIOD_YEARLY]: 'yearly',
};

const PROTO_PERIODS: Record<BudgetPeriodKind, budgetingV1.BudgetPeriod> = {
  daily: ProtoPeriod.BUDGET_PERIOD_DAILY,
  weekly: ProtoPeriod.BUDGET_PERIOD_WEEKLY,
  monthly: ProtoPeriod.BUDGET_PERIOD_MONTHLY,
  yearly: ProtoPeriod.BUDGET_PERIOD_YEARLY,
};

/** UNSPECIFIED = not given; a number outside the enum is an invalid field, not "not given". */
function periodFromProto(value: budgetingV1.BudgetPeriod): BudgetPeriodKind | undefined {
  if (value === ProtoPeriod.BUDGET_PERIOD_UNSPECIFIED) return undefined;
  const kind = PERIODS[value];
  if (!kind) throw errors.invalidField('period', 'must be one of daily, weekly, monthly, yearly');
  return kind;
}

function statusToProto(status: BudgetStatus): budgetingV1.BudgetStatus {
  return status === 'over' ? ProtoStatus.BUDGET_STATUS_OVER : ProtoStatus.BUDGET_STATUS_UNDER;
}

const toMoney = (m: Money) => ({ minorUnits: m.minor.toString(), currency: m.currency });
const periodBounds = (p: Period) => ({ periodStart: toCalendarDate(p.start), periodEnd: toCalendarDate(p.end) });

function toBudget(b: BudgetView): budgetingV1.Budget {
  return {
    id: b.id,
    name: b.name,
    amount: toMoney(b.amount),
    period: PROTO_PERIODS[b.period],
    startDate: toCalendarDate(b.startDate),
    endDate: b.endDate === null ? undefined : toCalendarDate(b.endDate),
    categoryId: b.categoryId ?? undefined,
    createdAt: b.createdAt,
    updatedAt: b.updatedAt,
  };
}

function toAnalysis(a: BudgetAnalysis): budgetingV1.BudgetAnalysis {
  return {
    ...periodBounds(a.period),
    spent: toMoney(a.spent),
    remaining: toMoney(a.remaining),
    percentUsed: a.percentUsed,
    status: statusToProto(a.status),
    dailyAverage: toMoney(a.dailyAverage),
    projectedSpend: toMoney(a.projectedSpend),
    daysInPeriod: a.daysInPeriod,
    daysElapsed: a.daysElapsed,
    history: a.history.map((h) => ({ ...periodBounds(h.period), spent: toMoney(h.spent), status: statusToProto(h.status) })),
    excludedCurrencies: a.excludedCurrencies,
  };
}

function toAnalysed(a: AnalysedBudget): { budget: budgetingV1.Budget; analysis: budgetingV1.BudgetAnalysis | undefined } {
  return { budget: toBudget(a.budget), analysis: a.analysis && toAnalysis(a.analysis) };
}

/** proto ⇄ use cases, nothing more. */
export function budgetingGrpcService(ctx: BudgetingContext): AsyncServiceImplementation<typeof budgetingV1.BudgetingServiceService> {
  return {
    createBudget: async (req) => {
      const budget = await createBudget(ctx, {
        userId: req.userId,
        amount: req.amount,
        period: periodFromProto(req.period),
        startDate: req.startDate,
        endDate: req.endDate,
        categoryId: req.categoryId,
        currency: req.currency,
        name: req.name,
      });
      return { budget: toBudget(budget) };
    },
    getBudget: async (req) => toAnalysed(await getBudget(ctx, { userId: req.userId, id: req.id, date: req.date })),
    listBudgets: async (req) => {
      const page = await listBudgets(ctx, { userId: req.userId, limit: req.page?.limit, cursor: req.page?.cursor });
      return { items: page.items.map(toBudget), page: { nextCursor: page.nextCursor } };
    },
    updateBudget: async (req) => {
      const budget = await updateBudget(ctx, {
        userId: req.userId,
        id: req.id,
        amount: req.amount,
        period: periodFromProto(req.period),
        startDate: req.startDate,
        endDate: req.endDate,
        clearEndDate: req.clearEndDate,
        categoryId: req.categoryId,
        currency: req.currency,
        name: req.name,
      });
      return { budget: toBudget(budget) };
    },
    deleteBudget: async (req) => {
      await deleteBudget(ctx, { userId: req.userId, id: req.id });
      return {};
    },
    getBudgetStatus: async (req) => {
      const { date, items } = await getBudgetStatus(ctx, { userId: req.userId, date: req.date });
      return { date: toCalendarDate(date), items: items.map(toAnalysed) };
    },
  };
}

/** The budgeting service as startGrpcServer registers it (the composition root sees no generated types). */
export function budgetingGrpcRegistration(ctx: BudgetingContext): GrpcServiceRegistration {
  return { definition: budgetingV1.BudgetingServiceService, implementation: budgetingGrpcService(ctx) };
}
