import { isoDate, type IsoDate } from '@finance/calendar';
import { minorToDb, money } from '@finance/money';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { ContributionView } from '../application/views.js';
import type { HeldContribution } from '../domain/contributions.js';
import type { KeysetCursor } from '../domain/pagination.js';
import type { DatedAmount } from '../domain/progress.js';
import { pgArray } from './goal.queries.js';

// Contributions and the transactions they hold a part of, in plain SQL. A contribution's amount is
// in its transaction's currency and its date is the transaction's (contributed_transaction); its goal
// amount is in its goal's currency (goal), with the rate and the published day it was converted at.

interface ContributionRow {
  id: string;
  goal_id: string;
  transaction_id: string;
  amount_minor: string;
  currency: string;
  goal_amount_minor: string;
  goal_currency: string;
  rate: string;
  rate_date: string;
  transaction_date: string;
  created_at: Date | string;
  created_key: string;
}

const SELECT = `
  select c.id, c.goal_id, c.transaction_id, c.amount_minor::text as amount_minor, t.currency,
         c.goal_amount_minor::text as goal_amount_minor, g.currency as goal_currency, c.rate, c.rate_date::text as rate_date,
         t.transaction_date::text as transaction_date, c.created_at,
         to_char(c.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as created_key
    from goals.contribution c
    join goals.contributed_transaction t on t.transaction_id = c.transaction_id
    join goals.goal g on g.id = c.goal_id`;

function toView(row: ContributionRow): ContributionView {
  return {
    id: row.id,
    goalId: row.goal_id,
    transactionId: row.transaction_id,
    amount: money(row.amount_minor, row.currency),
    goalAmount: money(row.goal_amount_minor, row.goal_currency),
    rate: row.rate,
    rateDate: isoDate(row.rate_date),
    transactionDate: isoDate(row.transaction_date),
    createdAt: new Date(row.created_at),
  };
}

/**
 * Serialises, per ledger transaction, everything that changes how much of it is contributed:
 * contributions (which ask the ledger under it) and the handling of its updated and deleted events
 * (transaction-scoped: released at commit or rollback). Taken after the user's lock, before any goal row.
 */
export async function lockTransaction(em: EntityManager, transactionId: string): Promise<void> {
  await em.execute('select pg_advisory_xact_lock(hashtextextended(?, 0))', [`goals.transaction.${transactionId}`]);
}

export interface StoredTransaction {
  transactionId: string;
  userId: string;
  amountMinor: bigint;
  currency: string;
  date: IsoDate;
}

/** The transaction as goals last recorded it, or undefined when no goal holds a part of it. */
export async function findContributedTransaction(em: EntityManager, transactionId: string): Promise<StoredTransaction | undefined> {
  const rows = await em.execute<{ transaction_id: string; user_id: string; amount_minor: string; currency: string; transaction_date: string }[]>(
    `select transaction_id, user_id, amount_minor::text as amount_minor, currency, transaction_date::text as transaction_date
       from goals.contributed_transaction where transaction_id = ?`,
    [transactionId],
  );
  const row = rows[0];
  return row && { transactionId: row.transaction_id, userId: row.user_id, amountMinor: BigInt(row.amount_minor), currency: row.currency, date: isoDate(row.transaction_date) };
}

/** Records the transaction as the ledger describes it now (under its lock, so this is the latest). */
export async function upsertContributedTransaction(em: EntityManager, t: StoredTransaction, now: Date): Promise<void> {
  await em.execute(
    `insert into goals.contributed_transaction (transaction_id, user_id, amount_minor, currency, transaction_date, updated_at)
     values (?, ?, ?::bigint, ?, ?::date, ?)
     on conflict (transaction_id) do update
       set amount_minor = excluded.amount_minor, currency = excluded.currency, transaction_date = excluded.transaction_date,
           updated_at = excluded.updated_at`,
    [t.transactionId, t.userId, minorToDb(t.amountMinor), t.currency, t.date, now],
  );
}

/** Forgets the transaction; its contributions go with it (on delete cascade). */
export async function deleteContributedTransaction(em: EntityManager, transactionId: string): Promise<void> {
  await em.execute('delete from goals.contributed_transaction where transaction_id = ?', [transactionId]);
}

/** What the contributions of a transaction add up to, over all goals. */
export async function contributedOf(em: EntityManager, transactionId: string): Promise<bigint> {
  const rows = await em.execute<{ total: string }[]>('select coalesce(sum(amount_minor), 0)::text as total from goals.contribution where transaction_id = ?', [transactionId]);
  return BigInt(rows[0]!.total);
}

export async function isContributedTo(em: EntityManager, goalId: string, transactionId: string): Promise<boolean> {
  const rows = await em.execute('select 1 as found from goals.contribution where goal_id = ? and transaction_id = ?', [goalId, transactionId]);
  return rows.length > 0;
}

/** What a contribution adds to its goal: its amount converted into the goal's currency, and at what rate. */
export interface GoalValue {
  goalAmountMinor: bigint;
  rate: string;
  rateDate: IsoDate;
}

export async function insertContribution(
  em: EntityManager,
  c: { id: string; goalId: string; userId: string; transactionId: string; amountMinor: bigint; value: GoalValue; now: Date },
): Promise<ContributionView> {
  await em.execute(
    `insert into goals.contribution (id, goal_id, user_id, transaction_id, amount_minor, goal_amount_minor, rate, rate_date, created_at)
     values (?, ?, ?, ?, ?::bigint, ?::bigint, ?, ?::date, ?)`,
    [c.id, c.goalId, c.userId, c.transactionId, minorToDb(c.amountMinor), minorToDb(c.value.goalAmountMinor), c.value.rate, c.value.rateDate, c.now],
  );
  const rows = await em.execute<ContributionRow[]>(`${SELECT} where c.id = ?`, [c.id]);
  return toView(rows[0]!);
}

/** The user's contribution to the goal, or undefined (another goal's or user's is as absent as an unknown one). */
export async function findContribution(em: EntityManager, userId: string, goalId: string, id: string): Promise<ContributionView | undefined> {
  const rows = await em.execute<ContributionRow[]>(`${SELECT} where c.user_id = ? and c.goal_id = ? and c.id = ?`, [userId, goalId, id]);
  return rows[0] && toView(rows[0]);
}

/** true when it existed. */
export async function deleteContributionRow(em: EntityManager, id: string): Promise<boolean> {
  const result = await em.execute<{ affectedRows: number }>('delete from goals.contribution where id = ?', [id], 'run');
  return result.affectedRows > 0;
}

export interface ContributionListItem {
  view: ContributionView;
  createdKey: string;
}

/** One page of a goal's contributions ordered by (created_at, id), strictly after `after`. */
export async function selectContributionPage(em: EntityManager, goalId: string, after: KeysetCursor | undefined, limit: number): Promise<ContributionListItem[]> {
  const params: unknown[] = [goalId];
  let keyset = '';
  if (after) {
    keyset = 'and (c.created_at, c.id) > (?::timestamptz, ?::uuid)';
    params.push(after.createdKey, after.id);
  }
  params.push(limit);
  const rows = await em.execute<ContributionRow[]>(`${SELECT} where c.goal_id = ? ${keyset} order by c.created_at, c.id limit ?`, params);
  return rows.map((row) => ({ view: toView(row), createdKey: row.created_key }));
}

/** Every contribution of a goal as progress needs it: what it adds to the goal (goal currency) and its transaction's date. */
export async function selectDatedContributions(em: EntityManager, goalId: string): Promise<DatedAmount[]> {
  const rows = await em.execute<{ goal_amount_minor: string; transaction_date: string }[]>(
    `select c.goal_amount_minor::text as goal_amount_minor, t.transaction_date::text as transaction_date
       from goals.contribution c join goals.contributed_transaction t on t.transaction_id = c.transaction_id
      where c.goal_id = ?`,
    [goalId],
  );
  return rows.map((r) => ({ date: isoDate(r.transaction_date), minor: BigInt(r.goal_amount_minor) }));
}

/** A transaction's contributions over all goals, newest first (the order they shrink in), with their goal amounts and currencies. */
export async function selectContributionsOfTransaction(em: EntityManager, transactionId: string): Promise<HeldContribution[]> {
  const rows = await em.execute<{ id: string; goal_id: string; amount_minor: string; goal_amount_minor: string; goal_currency: string }[]>(
    `select c.id, c.goal_id, c.amount_minor::text as amount_minor, c.goal_amount_minor::text as goal_amount_minor, g.currency as goal_currency
       from goals.contribution c join goals.goal g on g.id = c.goal_id
      where c.transaction_id = ? order by c.created_at desc, c.id desc`,
    [transactionId],
  );
  return rows.map((r) => ({ id: r.id, goalId: r.goal_id, minor: BigInt(r.amount_minor), goalMinor: BigInt(r.goal_amount_minor), goalCurrency: r.goal_currency }));
}

export async function deleteContributions(em: EntityManager, ids: readonly string[]): Promise<void> {
  if (ids.length) await em.execute('delete from goals.contribution where id = any(?::uuid[])', [pgArray(ids)]);
}

/** Sets a contribution's amount (transaction currency) and its goal value (goal currency, rate, published day). */
export async function rewriteContribution(em: EntityManager, id: string, amountMinor: bigint, value: GoalValue): Promise<void> {
  await em.execute('update goals.contribution set amount_minor = ?::bigint, goal_amount_minor = ?::bigint, rate = ?, rate_date = ?::date where id = ?', [
    minorToDb(amountMinor),
    minorToDb(value.goalAmountMinor),
    value.rate,
    value.rateDate,
    id,
  ]);
}

export interface ErasedGoalRows {
  goals: number;
  contributions: number;
  milestones: number;
  transactions: number;
}

/**
 * Deletes every row of the user: contributions, milestone marks (through their goals), goals and
 * the recorded transactions; returns how many of each.
 */
export async function deleteUserGoalData(em: EntityManager, userId: string): Promise<ErasedGoalRows> {
  const run = async (sql: string) => (await em.execute<{ affectedRows: number }>(sql, [userId], 'run')).affectedRows;
  const contributions = await run('delete from goals.contribution where user_id = ?');
  const milestones = await run('delete from goals.goal_milestone m using goals.goal g where g.id = m.goal_id and g.user_id = ?');
  const goals = await run('delete from goals.goal where user_id = ?');
  const transactions = await run('delete from goals.contributed_transaction where user_id = ?');
  return { goals, contributions, milestones, transactions };
}
