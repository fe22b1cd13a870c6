import { isoDate, type IsoDate } from '@finance/calendar';
import { minorToDb, money } from '@finance/money';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { BudgetView } from '../application/views.js';
import type { BudgetState } from '../domain/budget.js';
import type { BudgetCursor } from '../domain/pagination.js';
import type { BudgetPeriodKind } from '../domain/periods.js';

// Budgets in plain SQL: rows go straight to views (dates as YYYY-MM-DD text, amounts as exact
// bigint text), and every query is filtered by user_id.

interface BudgetRow {
  id: string;
  user_id: string;
  name: string;
  amount_minor: string;
  currency: string;
  period: BudgetPeriodKind;
  start_date: string;
  end_date: string | null;
  category_id: string | null;
  created_at: Date | string;
  updated_at: Date | string;
  created_key: string;
}

const SELECT = `
  select id, user_id, name, amount_minor::text as amount_minor, currency, period,
         start_date::text as start_date, end_date::text as end_date, category_id, created_at, updated_at,
         to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as created_key
    from budgeting.budget`;

function toView(row: BudgetRow): BudgetView {
  return {
    id: row.id,
    userId: row.user_id,
    name: row.name,
    amount: money(row.amount_minor, row.currency),
    period: row.period,
    startDate: isoDate(row.start_date),
    endDate: row.end_date === null ? null : isoDate(row.end_date),
    categoryId: row.category_id,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
}

export interface BudgetListItem {
  view: BudgetView;
  /** created_at to the microsecond, UTC: the sort key the cursor carries. */
  createdKey: string;
}

export async function insertBudget(em: EntityManager, budget: { id: string; userId: string; state: BudgetState; now: Date }): Promise<BudgetView> {
  const { state } = budget;
  const rows = await em.execute<BudgetRow[]>(
    `insert into budgeting.budget (id, user_id, name, amount_minor, currency, period, start_date, end_date, category_id, created_at, updated_at)
     values (?, ?, ?, ?::bigint, ?, ?, ?::date, ?::date, ?, ?, ?)
     returning id, user_id, name, amount_minor::text as amount_minor, currency, period, start_date::text as start_date,
               end_date::text as end_date, category_id, created_at, updated_at, '' as created_key`,
    [
      budget.id,
      budget.userId,
      state.name,
      minorToDb(state.amount.minor),
      state.amount.currency,
      state.period,
      state.startDate,
      state.endDate,
      state.categoryId,
      budget.now,
      budget.now,
    ],
  );
  return toView(rows[0]!);
}

/**
 * The user's budget, or undefined (someone else's is as absent as an unknown one). `forUpdate` locks
 * the row; `forShare` keeps it from changing until the transaction ends (the threshold checker).
 */
export async function findBudget(em: EntityManager, userId: string, id: string, opts: { forUpdate?: boolean; forShare?: boolean } = {}): Promise<BudgetView | undefined> {
  const lock = opts.forUpdate ? ' for update' : opts.forShare ? ' for share' : '';
  const rows = await em.execute<BudgetRow[]>(`${SELECT} where user_id = ? and id = ?${lock}`, [userId, id]);
  return rows[0] && toView(rows[0]);
}

export async function updateBudget(em: EntityManager, userId: string, id: string, state: BudgetState, now: Date): Promise<BudgetView | undefined> {
  const rows = await em.execute<BudgetRow[]>(
    `update budgeting.budget
        set name = ?, amount_minor = ?::bigint, currency = ?, period = ?, start_date = ?::date, end_date = ?::date,
            category_id = ?, updated_at = ?
      where user_id = ? and id = ?
      returning id, user_id, name, amount_minor::text as amount_minor, currency, period, start_date::text as start_date,
                end_date::text as end_date, category_id, created_at, updated_at, '' as created_key`,
    [state.name, minorToDb(state.amount.minor), state.amount.currency, state.period, state.startDate, state.endDate, state.categoryId, now, userId, id],
  );
  return rows[0] && toView(rows[0]);
}

/** true when the user's budget existed. Its alert marks and threshold-check row go with it (on delete cascade). */
export async function deleteBudget(em: EntityManager, userId: string, id: string): Promise<boolean> {
  const result = await em.execute<{ affectedRows: number }>('delete from budgeting.budget where user_id = ? and id = ?', [userId, id], 'run');
  return result.affectedRows > 0;
}

/** One page of the user's budgets ordered by (created_at, id), strictly after `after`. */
export async function selectBudgetPage(em: EntityManager, userId: string, after: BudgetCursor | undefined, limit: number): Promise<BudgetListItem[]> {
  const params: unknown[] = [userId];
  let keyset = '';
  if (after) {
    keyset = 'and (created_at, id) > (?::timestamptz, ?::uuid)';
    params.push(after.createdKey, after.id);
  }
  params.push(limit);
  const rows = await em.execute<BudgetRow[]>(`${SELECT} where user_id = ? ${keyset} order by created_at, id limit ?`, params);
  return rows.map((row) => ({ view: toView(row), createdKey: row.created_key }));
}

/** The user's budgets active on `date` (start_date ≤ date ≤ end_date, or open-ended), oldest first. */
export async function selectActiveBudgets(em: EntityManager, userId: string, date: IsoDate): Promise<BudgetView[]> {
  const rows = await em.execute<BudgetRow[]>(
    `${SELECT} where user_id = ? and start_date <= ?::date and (end_date is null or end_date >= ?::date) order by created_at, id`,
    [userId, date, date],
  );
  return rows.map(toView);
}

/**
 * Serialises, per category, the writes that give a budget that category with the handling of its
 * deletion (transaction-scoped: released at commit or rollback).
 */
export async function lockCategory(em: EntityManager, categoryId: string): Promise<void> {
  await em.execute('select pg_advisory_xact_lock(hashtextextended(?, 0))', [`budgeting.category.${categoryId}`]);
}

export async function isCategoryDeleted(em: EntityManager, categoryId: string): Promise<boolean> {
  const rows = await em.execute<{ found: number }[]>('select 1 as found from budgeting.deleted_category where category_id = ?', [categoryId]);
  return rows.length > 0;
}

/** Records the category as deleted (once) and deletes the user's budgets of it; returns how many. */
export async function deleteBudgetsOfCategory(em: EntityManager, userId: string, categoryId: string, now: Date): Promise<number> {
  await em.execute(
    'insert into budgeting.deleted_category (category_id, user_id, deleted_at) values (?, ?, ?) on conflict (category_id) do nothing',
    [categoryId, userId, now],
  );
  const result = await em.execute<{ affectedRows: number }>('delete from budgeting.budget where user_id = ? and category_id = ?', [userId, categoryId], 'run');
  return result.affectedRows;
}

export interface ErasedBudgetRows {
  budgets: number;
  alerts: number;
  thresholdChecks: number;
  deletedCategories: number;
}

/**
 * Deletes every row of the user: alert marks (through their budgets), threshold-check rows,
 * budgets, and the record of the user's deleted categories; returns how many of each.
 */
export async function deleteUserBudgetData(em: EntityManager, userId: string): Promise<ErasedBudgetRows> {
  const run = async (sql: string) => (await em.execute<{ affectedRows: number }>(sql, [userId], 'run')).affectedRows;
  // The budgets first, as every other writer takes them (DELETE /budgets/{id} locks the budget, then its
  // cascade the marks and the check row; the threshold checker and the consumers lock the budget before
  // its check row). Deleting the marks before locking the budgets deadlocked with a racing budget deletion.
  await em.execute('select id from budgeting.budget where user_id = ? order by id for update', [userId]);
  const alerts = await run('delete from budgeting.budget_alert a using budgeting.budget b where b.id = a.budget_id and b.user_id = ?');
  const thresholdChecks = await run('delete from budgeting.budget_threshold_check where user_id = ?');
  const budgets = await run('delete from budgeting.budget where user_id = ?');
  const deletedCategories = await run('delete from budgeting.deleted_category where user_id = ?');
  return { budgets, alerts, thresholdChecks, deletedCategories };
}
