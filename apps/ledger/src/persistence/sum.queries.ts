import type { EntityManager } from '@mikro-orm/postgresql';
import type { SumRequest, SumGrouping } from '../domain/sums.js';
import type { TransactionType } from '../domain/transaction.js';

export interface SumRowData {
  type: TransactionType;
  /** CATEGORY and DAY_CATEGORY groupings: the category, null for uncategorized. */
  categoryId: string | null;
  /** Time groupings (and DAY_CATEGORY): the first day of the period (weeks start on Monday). */
  periodStart: string | null;
  currency: string;
  /** Exact sum of minor units (numeric in PostgreSQL, so it cannot overflow there). */
  total: string;
  count: string;
}

// Fixed SQL per grouping (never built from input). `date::timestamp` truncates without a time
// zone, so no session setting can move a date into the neighbouring period.
const GROUP_EXPRESSION: Record<SumGrouping, { category: string; period: string }> = {
  category: { category: 't.category_id', period: 'null::date' },
  day: { category: 'null::uuid', period: 't.date' },
  week: { category: 'null::uuid', period: "date_trunc('week', t.date::timestamp)::date" },
  month: { category: 'null::uuid', period: "date_trunc('month', t.date::timestamp)::date" },
  year: { category: 'null::uuid', period: "date_trunc('year', t.date::timestamp)::date" },
  day_category: { category: 't.category_id', period: 't.date' },
};

/**
 * Totals per (type, group, currency), grouped in PostgreSQL from the daily totals the triggers keep
 * (migrations.ts): at most one row per day and group is read, never the transactions themselves.
 */
export async function sumTransactionsInSql(em: EntityManager, userId: string, req: SumRequest): Promise<SumRowData[]> {
  const group = GROUP_EXPRESSION[req.grouping];
  const where = ['t.user_id = ?', 't.date >= ?::date', 't.date <= ?::date'];
  const params: unknown[] = [userId, req.from, req.to];
  if (req.type) {
    where.push('t.transaction_type = ?');
    params.push(req.type);
  }
  if (req.categoryIds.length) {
    where.push(`t.category_id in (${req.categoryIds.map(() => '?').join(', ')})`);
    params.push(...req.categoryIds);
  }
  if (req.currencies.length) {
    where.push(`t.currency in (${req.currencies.map(() => '?').join(', ')})`);
    params.push(...req.currencies);
  }
  const rows = await em.execute<{ transaction_type: TransactionType; category_id: string | null; period_start: string | null; currency: string; total: string; count: string }[]>(
    `select t.transaction_type, ${group.category} as category_id, (${group.period})::text as period_start, t.currency,
            sum(t.total_minor)::text as total, sum(t.count)::text as count
       from ledger.daily_total t
      where ${where.join(' and ')}
      group by 1, 2, 3, 4
      order by 3 nulls first, 2 nulls first, 1, 4`,
    params,
  );
  return rows.map((r) => ({ type: r.transaction_type, categoryId: r.category_id, periodStart: r.period_start, currency: r.currency, total: r.total, count: r.count }));
}
