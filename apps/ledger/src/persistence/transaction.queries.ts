import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { IsoDate } from '@finance/calendar';
import type { TransactionCursor } from '../domain/pagination.js';
import type { TransactionFilter, TransactionType } from '../domain/transaction.js';
import type { StreamedTransactionView, TransactionView } from '../application/views.js';

// Reads of transactions with their category, in plain SQL: the list is the hot path, and rows go
// straight to views without entity hydration. Every query is filtered by user_id.

interface TransactionRow {
  id: string;
  amount_minor: string;
  currency: string;
  transaction_type: TransactionType;
  date: string;
  description: string;
  category_id: string | null;
  category_name: string | null;
  category_color: string | null;
  category_icon: string | null;
  /** Milliseconds since the epoch, as int8 text. */
  created_ms: string;
  updated_ms: string;
}

// Timestamps travel as epoch milliseconds, truncated as a JS Date holds them: a Date from a number
// is cheap, while node-postgres parsing timestamptz text (a regex per value) took about a third of
// the client-side time of a page.
const epochMs = (column: string) => `floor(extract(epoch from ${column}) * 1000)::int8::text`;

const SELECT = `
  select t.id, t.amount_minor::text as amount_minor, t.currency, t.transaction_type,
         t.date::text as date, t.description, t.category_id,
         c.name as category_name, c.color as category_color, c.icon as category_icon,
         ${epochMs('t.created_at')} as created_ms, ${epochMs('t.updated_at')} as updated_ms
    from ledger.transaction t
    left join ledger.category c on c.id = t.category_id`;

/** `userId` is the one every query filters by: not read back from each row. */
function toView(userId: string, row: TransactionRow): TransactionView {
  return {
    id: row.id,
    userId,
    amountMinor: row.amount_minor,
    currency: row.currency,
    type: row.transaction_type,
    date: row.date,
    description: row.description,
    categoryId: row.category_id,
    category:
      row.category_id === null
        ? null
        : { id: row.category_id, name: row.category_name!, color: row.category_color!, icon: row.category_icon },
    createdAt: new Date(Number(row.created_ms)),
    updatedAt: new Date(Number(row.updated_ms)),
  };
}

export async function findTransactionView(em: EntityManager, userId: string, id: string): Promise<TransactionView | undefined> {
  const rows = await em.execute<TransactionRow[]>(`${SELECT} where t.user_id = ? and t.id = ?`, [userId, id]);
  return rows[0] && toView(userId, rows[0]);
}

/**
 * One page of the user's transactions, newest date first, id as the tie-breaker, starting
 * strictly after `after`. Fetches `limit` rows; the caller asks for one more than it shows.
 *
 * The hottest query of the service, so it skips the ORM's query path (parameters inlined into a
 * fresh SQL text, logging, the Kysely layer: ~40 % of the page's client CPU) and runs on the ORM's
 * own pg pool as a named prepared statement, one per combination of filters. It reads no entity and
 * runs in no transaction, so nothing of the unit of work is lost.
 */
export async function selectTransactionPage(
  orm: MikroORM,
  userId: string,
  filter: TransactionFilter,
  after: TransactionCursor | undefined,
  limit: number,
): Promise<TransactionView[]> {
  const where = ['t.user_id = $1'];
  const values: unknown[] = [userId];
  let shape = 0; // which optional conditions are in; names the prepared statement
  const add = (bit: number, condition: (n: number) => string, ...given: unknown[]) => {
    shape |= bit;
    where.push(condition(values.length + 1));
    values.push(...given);
  };
  if (filter.from) add(1, (n) => `t.date >= $${n}::date`, filter.from);
  if (filter.to) add(2, (n) => `t.date <= $${n}::date`, filter.to);
  if (filter.type) add(4, (n) => `t.transaction_type = $${n}`, filter.type);
  if (filter.categoryId) add(8, (n) => `t.category_id = $${n}::uuid`, filter.categoryId);
  if (filter.descriptionPattern) add(16, (n) => `t.description ilike $${n} escape '\\'`, filter.descriptionPattern);
  // A row comparison matches the index order (date desc, id desc): an index range scan.
  if (after) add(32, (n) => `(t.date, t.id) < ($${n}::date, $${n + 1}::uuid)`, after.date, after.id);
  values.push(limit);
  const pool = await orm.em.getConnection().getNativeClient();
  const { rows } = await pool.query<TransactionRow>({
    name: `ledger_transaction_page_${shape}`,
    text: `${SELECT} where ${where.join(' and ')} order by t.date desc, t.id desc limit $${values.length}`,
    values,
  });
  return rows.map((row) => toView(userId, row));
}

/** A StreamTransactions row as node-postgres gives it in array mode: the columns of STREAM_SELECT in order. */
type StreamRow = [id: string, date: IsoDate, type: TransactionType, amountMinor: string, currency: string, categoryName: string | null, description: string];

// Only the columns the stream sends, every one as text (no timestamp, no per-row object from the
// driver: array rows), for the export's million-row reads.
// to_char, not date::text: its layout does not depend on the session's DateStyle, so the text is an
// IsoDate as it stands (StreamedTransactionView.date) and nothing parses it again.
const STREAM_SELECT = `
  select t.id, to_char(t.date, 'YYYY-MM-DD'), t.transaction_type, t.amount_minor::text, t.currency, c.name, t.description
    from ledger.transaction t
    left join ledger.category c on c.id = t.category_id`;

/**
 * One batch of the user's transactions in [from, to] (either bound optional), OLDEST first: (date,
 * id) ascending, starting strictly after `after`. The export's keyset read (StreamTransactions):
 * each batch is one index range scan (the (user_id, date desc, id desc) index read backwards), so
 * batch 1,000 costs what batch 1 does. A named prepared statement per shape, as for the page.
 */
export async function selectStreamBatchAscending(
  orm: MikroORM,
  userId: string,
  range: { from?: string | undefined; to?: string | undefined },
  after: TransactionCursor | undefined,
  limit: number,
): Promise<StreamedTransactionView[]> {
  const where = ['t.user_id = $1'];
  const values: unknown[] = [userId];
  let shape = 0;
  const add = (bit: number, condition: (n: number) => string, ...given: unknown[]) => {
    shape |= bit;
    where.push(condition(values.length + 1));
    values.push(...given);
  };
  if (range.from) add(1, (n) => `t.date >= $${n}::date`, range.from);
  if (range.to) add(2, (n) => `t.date <= $${n}::date`, range.to);
  if (after) add(4, (n) => `(t.date, t.id) > ($${n}::date, $${n + 1}::uuid)`, after.date, after.id);
  values.push(limit);
  const pool = await orm.em.getConnection().getNativeClient();
  const { rows } = await pool.query<StreamRow>({
    name: `ledger_transaction_stream_${shape}`,
    text: `${STREAM_SELECT} where ${where.join(' and ')} order by t.date asc, t.id asc limit $${values.length}`,
    values,
    rowMode: 'array',
  });
  const views = new Array<StreamedTransactionView>(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const [id, date, type, amountMinor, currency, categoryName, description] = rows[i]!;
    views[i] = { id, date, type, amountMinor, currency, categoryName, description };
  }
  return views;
}

/**
 * Moves the user's transactions of category `from` to `to` (null: uncategorized), stamping
 * updated_at; returns how many moved.
 */
export async function moveTransactionsToCategory(tx: EntityManager, userId: string, from: string, to: string | null, now: Date): Promise<number> {
  const moved = await tx.execute<{ id: string }[]>(
    'update ledger.transaction set category_id = ?, updated_at = ? where user_id = ? and category_id = ? returning id',
    [to, now, userId, from],
  );
  return moved.length;
}

/** Deletes every transaction of the user; returns how many. */
export async function deleteUserTransactions(em: EntityManager, userId: string): Promise<number> {
  return (await em.execute<{ affectedRows: number }>('delete from ledger.transaction where user_id = ?', [userId], 'run')).affectedRows;
}
