import { toCalendarDate } from '@finance/calendar';
import type { Money } from '@finance/money';
import type { AsyncServiceImplementation, GrpcServiceRegistration } from '@finance/platform';
import { reportingV1 } from '@finance/proto';
import type { ReportingContext } from '../../application/context.js';
import { exportTransactionsCsv } from '../../application/export.js';
import { importTransactionsCsv } from '../../application/import.js';
import { renderMonthlyReport } from '../../application/monthly-report.js';
import { getBudgetStatus, getIncomeVsExpense, getSpending } from '../../application/reports.js';
import type { BudgetStatusView } from '../../domain/budget-status.js';
import type { IncomeExpenseNet } from '../../domain/income-vs-expense.js';
import type { Interval, IntervalKind } from '../../domain/intervals.js';
import type { SpendingItem } from '../../domain/spending.js';

const { Interval: ProtoInterval, BudgetStatus: ProtoStatus } = reportingV1;

const KINDS: Partial<Record<reportingV1.Interval, IntervalKind>> = {
  // Unspecified is a month (the proto and API.md say so).
  [ProtoInterval.INTERVAL_UNSPECIFIED]: 'month',
  [ProtoInterval.INTERVAL_DAY]: 'day',
  [ProtoInterval.INTERVAL_WEEK]: 'week',
  [ProtoInterval.INTERVAL_MONTH]: 'month',
  [ProtoInterval.INTERVAL_YEAR]: 'year',
};

const PROTO_KINDS: Record<IntervalKind, reportingV1.Interval> = {
  day: ProtoInterval.INTERVAL_DAY,
  week: ProtoInterval.INTERVAL_WEEK,
  month: ProtoInterval.INTERVAL_MONTH,
  year: ProtoInterval.INTERVAL_YEAR,
};

const toMoney = (m: Money) => ({ minorUnits: m.minor.toString(), currency: m.currency });
const periodBounds = (p: Interval) => ({ periodStart: toCalendarDate(p.start), periodEnd: toCalendarDate(p.end) });
const toTotals = (t: IncomeExpenseNet) => ({ income: toMoney(t.income), expense: toMoney(t.expense), net: toMoney(t.net) });

function toSpendingItem(item: SpendingItem): reportingV1.SpendingItem {
  const out: reportingV1.SpendingItem = { total: toMoney(item.total), count: item.count.toString() };
  if (item.categoryId !== null) out.categoryId = item.categoryId;
  if (item.categoryName !== undefined) out.categoryName = item.categoryName;
  return out;
}

function toBudgetStatusItem(item: BudgetStatusView): reportingV1.BudgetStatusItem {
  const out: reportingV1.BudgetStatusItem = {
    budgetId: item.budgetId,
    name: item.name,
    amount: toMoney(item.amount),
    spent: toMoney(item.spent),
    remaining: toMoney(item.remaining),
    percentUsed: item.percentUsed,
    status: item.status === 'over' ? ProtoStatus.BUDGET_STATUS_OVER : ProtoStatus.BUDGET_STATUS_UNDER,
    ...periodBounds(item.period),
    excludedCurrencies: item.excludedCurrencies,
  };
  if (item.categoryId !== null) out.categoryId = item.categoryId;
  return out;
}

/** proto ⇄ use cases, nothing more. */
export function reportingGrpcService(ctx: ReportingContext): AsyncServiceImplementation<typeof reportingV1.ReportingServiceService> {
  return {
    getSpending: async (req) => {
      const report = await getSpending(ctx, { userId: req.userId, from: req.from, to: req.to });
      return {
        from: toCalendarDate(report.from),
        to: toCalendarDate(report.to),
        currency: report.currency,
        total: toMoney(report.total),
        items: report.items.map(toSpendingItem),
        excludedCurrencies: report.excludedCurrencies,
      };
    },
    getIncomeVsExpense: async (req) => {
      const report = await getIncomeVsExpense(ctx, { userId: req.userId, from: req.from, to: req.to, interval: KINDS[req.interval] });
      return {
        currency: report.currency,
        items: report.items.map((i) => ({ ...periodBounds(i.period), ...toTotals(i) })),
        totals: toTotals(report.totals),
        excludedCurrencies: report.excludedCurrencies,
        interval: PROTO_KINDS[report.interval],
      };
    },
    exportTransactionsCsv: async function* (req) {
      for await (const bytes of exportTransactionsCsv(ctx, { userId: req.userId, from: req.from, to: req.to })) {
        yield { data: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) };
      }
    },
    importTransactionsCsv: async (req) => {
      const answer = await importTransactionsCsv(ctx, { userId: req.userId, data: req.data, dryRun: req.dryRun, idempotencyKey: req.idempotencyKey });
      return {
        imported: answer.imported.toString(),
        skippedDuplicates: answer.skippedDuplicates.toString(),
        errors: answer.errors.map((e) => ({ line: String(e.line), message: e.message })),
        replayed: answer.replayed,
      };
    },
    renderMonthlyReport: async (req) => ({ pdf: await renderMonthlyReport(ctx, { userId: req.userId, year: req.year, month: req.month }) }),
    getBudgetStatus: async (req) => {
      const report = await getBudgetStatus(ctx, { userId: req.userId, date: req.date });
      return { date: toCalendarDate(report.date), items: report.items.map(toBudgetStatusItem) };
    },
  };
}

/** The reporting service as startGrpcServer registers it (the composition root sees no generated types). */
export function reportingGrpcRegistration(ctx: ReportingContext): GrpcServiceRegistration {
  return { definition: reportingV1.ReportingServiceService, implementation: reportingGrpcService(ctx) };
}
