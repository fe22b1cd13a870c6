import type { EntityManager } from '@mikro-orm/postgresql';
import type { TransactionCursor } from '../domain/pagination.js';
import type { TransactionFilter, TransactionType } from '../domain/transaction.js';
import type { TransactionView } from '../application/views.js';

// Reads of transactions with their category, in plain SQL: the list is the hot path, and rows go
// straight to views without entity hydration. Every query is filtered by user_id.

interface TransactionRow {
  id: string;
  user_id: string;
  amount_minor: string;
  currency: string;
  transaction_type: TransactionType;
  date: string;
  description: string;
  category_id: string | null;
  category_name: string | null;
  category_color: string | null;
  category_icon: string | null;
  created_at: Date | string;
  updated_at: Date | string;
}

const SELECT = `
  select t.id, t.user_id, t.amount_minor::text as amount_minor, t.currency, t.transaction_type,
         t.date::text as date, t.description, t.category_id,
         c.name as category_name, c.color as category_color, c.icon as category_icon,
         t.created_at, t.updated_at
    from ledger.transaction t
    left join ledger.category c on c.id = t.category_id`;

function toView(row: TransactionRow): TransactionView {
  return {
    id: row.id,
    userId: row.user_id,
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
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
}

export async function findTransactionView(em: EntityManager, userId: string, id: string): Promise<TransactionView | undefined> {
  const rows = await em.execute<TransactionRow[]>(`${SELECT} where t.user_id = ? and t.id = ?`, [userId, id]);
  return rows[0] && toView(rows[0]);
}

/**
 * One page of the user's transactions, newest date first, id as the tie-breaker, starting
 * strictly after `after`. Fetches `limit` rows; the caller asks for one more than it shows.
 */
export async function selectTransactionPage(
  em: EntityManager,
  userId: string,
  filter: TransactionFilter,
  after: TransactionCursor | undefined,
  limit: number,
): Promise<TransactionView[]> {
  const where = ['t.user_id = ?'];
  const params: unknown[] = [userId];
  if (filter.from) {
    where.push('t.date >= ?::date');
    params.push(filter.from);
  }
  if (filter.to) {
    where.push('t.date <= ?::date');
    params.push(filter.to);
  }
  if (filter.type) {
    where.push('t.transaction_type = ?');
    params.push(filter.type);
  }
  if (filter.categoryId) {
    where.push('t.category_id = ?');
    params.push(filter.categoryId);
  }
  if (filter.descriptionPattern) {
    where.push(`t.description ilike ? escape '\\'`);
    params.push(filter.descriptionPattern);
  }
  if (after) {
    // A row comparison matches the index order (date desc, id desc): an index range scan.
    where.push('(t.date, t.id) < (?::date, ?::uuid)');
    params.push(after.date, after.id);
  }
  params.push(limit);
  const rows = await em.execute<TransactionRow[]>(`${SELECT} where ${where.join(' and ')} order by t.date desc, t.id desc limit ?`, params);
  return rows.map(toView);
}
