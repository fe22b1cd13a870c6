import type { EntityManager } from '@mikro-orm/postgresql';
import { copyRows, copyTextValue } from '@finance/events';
import type { TransactionType } from '../domain/transaction.js';
import { executeBound } from './bound-query.js';

// The statements of an import (application/import.ts). Each handles a whole file at once, never a
// statement per row, and the ORM's unit of work (an entity per row) is not involved: the reads take
// the file's names and dates as ONE JSON or array bind parameter (executeBound, not inlined into the
// SQL text), and the rows are written by COPY. Every statement is filtered by, or writes, the one
// user_id.

/**
 * Serialises the imports of one user (transaction-scoped advisory lock, exclusive): two imports of
 * the same file at once run one after the other, and the second finds the first one's rows and
 * skips them all. Taken after the user's erasure lock (guardUserWrite), like every other lock.
 */
export async function lockUserImports(tx: EntityManager, userId: string): Promise<void> {
  await tx.execute("select pg_advisory_xact_lock(hashtextextended('ledger.import:' || ?, 0))", [userId]);
}

export interface CategoryByName {
  /** The name as asked (trimmed, as in the file). */
  wanted: string;
  /** lower(wanted) as PostgreSQL computes it: what the unique index compares. */
  key: string;
  /** The user's category with that name in any case, if there is one. */
  id: string | null;
  name: string | null;
}

/**
 * For each name, the user's category of that name case-insensitively (by the unique index's lower()),
 * locked FOR SHARE until the import commits: it can be neither renamed nor deleted while the import's
 * rows are being written (which would leave them pointing at a wrong or missing category). Locked in
 * id order, the order DeleteCategory locks categories in, so the two queue instead of deadlocking.
 */
export async function selectCategoriesByName(tx: EntityManager, userId: string, names: readonly string[]): Promise<CategoryByName[]> {
  if (names.length === 0) return [];
  return executeBound<CategoryByName>(
    tx,
    `with w as (select wanted, lower(wanted) as key from jsonb_array_elements_text($1::jsonb) as w(wanted)),
          c as materialized (
            select id, name, lower(name) as key from ledger.category
             where user_id = $2 and lower(name) in (select key from w)
             order by id
               for share)
     select w.wanted, w.key, c.id, c.name from w left join c on c.key = w.key`,
    [JSON.stringify(names), userId],
  );
}

/**
 * Creates the categories that do not exist yet, in the order given, race-safe: a name another
 * request created meanwhile (any case) is left alone by ON CONFLICT DO NOTHING on the (user_id,
 * lower(name)) index; the caller selects again. Returns how many this statement created.
 */
export async function insertMissingCategories(
  tx: EntityManager,
  userId: string,
  categories: readonly { id: string; name: string }[],
  color: string,
  now: Date,
): Promise<number> {
  if (categories.length === 0) return 0;
  const created = await executeBound<{ id: string }>(
    tx,
    `insert into ledger.category (id, user_id, name, color, icon, created_at, updated_at)
     select c.id, $1, c.name, $2, null, $3, $3
       from rows from (jsonb_to_recordset($4::jsonb) as (id uuid, name text)) with ordinality as c(id, name, n)
      order by c.n
     on conflict do nothing
     returning id`,
    [userId, color, now, JSON.stringify(categories)],
  );
  return created.length;
}

/** A stored transaction as the duplicate count compares it. */
export interface StoredImportKeyRow {
  date: string;
  transaction_type: TransactionType;
  amount_minor: string;
  currency: string;
  description: string;
  category_name: string | null;
}

/** The user's transactions on the given dates (one index range scan per date), with their category names. */
export async function selectStoredOnDates(tx: EntityManager, userId: string, dates: readonly string[]): Promise<StoredImportKeyRow[]> {
  if (dates.length === 0) return [];
  return executeBound<StoredImportKeyRow>(
    tx,
    `select t.date::text as date, t.transaction_type, t.amount_minor::text as amount_minor, t.currency, t.description, c.name as category_name
       from ledger.transaction t
       left join ledger.category c on c.id = t.category_id
      where t.user_id = $1 and t.date = any ($2::date[])`,
    [userId, dates],
  );
}

export interface ImportedTransactionRow {
  id: string;
  amount_minor: string;
  currency: string;
  transaction_type: TransactionType;
  date: string;
  description: string;
  category_id: string | null;
}

/**
 * Writes the rows with one COPY (copyRows, text format; `@finance/events`), made from `rows` as they
 * are sent: none of the ~100-byte lines waits for the others. COPY fires the same statement-level
 * triggers as an INSERT (the daily totals follow, from the transition table of all the rows, unless
 * the import deferred them: deferDailyTotals), and the composite foreign key still keeps every
 * category_id within the user's categories. Returns how many rows were written.
 */
export async function copyImportedTransactions(tx: EntityManager, userId: string, rows: Iterable<ImportedTransactionRow>, now: Date): Promise<number> {
  const user = copyTextValue(userId);
  const at = copyTextValue(now.toISOString());
  function* lines(): Generator<string> {
    for (const r of rows) {
      yield `${copyTextValue(r.id)}\t${user}\t${copyTextValue(r.amount_minor)}\t${copyTextValue(r.currency)}\t${copyTextValue(r.transaction_type)}\t${copyTextValue(r.date)}\t${copyTextValue(r.description)}\t${copyTextValue(r.category_id)}\t${at}\t${at}\n`;
    }
  }
  return copyRows(
    tx,
    'copy ledger.transaction (id, user_id, amount_minor, currency, transaction_type, date, description, category_id, created_at, updated_at) from stdin',
    lines(),
  );
}

/**
 * The daily totals stand aside for the rest of this transaction (the insert trigger returns at once,
 * see Migration20261206000001DeferredDailyTotals): the import adds its own groups by addDailyTotals
 * before it commits. Transaction-local: it ends with the commit or the rollback.
 */
export async function deferDailyTotals(tx: EntityManager): Promise<void> {
  await tx.execute("select set_config('ledger.daily_total_deferred', 'on', true)");
}

/** One group of an import's rows: the sum and count of its rows. */
export interface DailyTotalDelta {
  date: string;
  transaction_type: TransactionType;
  category_id: string | null;
  currency: string;
  /** Minor units, a decimal string. */
  total_minor: string;
  count: number;
}

/**
 * Adds an import's groups to the daily totals in one upsert, in key order like the trigger (so
 * concurrent writers lock shared rows in the same order), and puts the trigger back for anything
 * after it in the transaction.
 */
export async function addDailyTotals(tx: EntityManager, userId: string, groups: readonly DailyTotalDelta[]): Promise<void> {
  await tx.execute("select set_config('ledger.daily_total_deferred', 'off', true)");
  if (groups.length === 0) return;
  await executeBound(
    tx,
    `insert into ledger.daily_total as d (user_id, date, transaction_type, category_id, currency, total_minor, count)
     select $1::uuid, g.date, g.transaction_type, g.category_id, g.currency, g.total_minor, g.count
       from jsonb_to_recordset($2::jsonb) as g(date date, transaction_type text, category_id uuid, currency char(3), total_minor numeric, count bigint)
      order by 1, 2, 3, 4, 5
     on conflict (user_id, date, transaction_type, category_id, currency)
     do update set total_minor = d.total_minor + excluded.total_minor, count = d.count + excluded.count`,
    [userId, JSON.stringify(groups)],
  );
}
