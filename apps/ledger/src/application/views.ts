import type { TransactionType } from '../domain/transaction.js';

/** What a transaction embeds of its category. */
export interface CategoryRefView {
  id: string;
  name: string;
  color: string;
  icon: string | null;
}

/** A transaction as the ledger answers it (and stores it for idempotent replays). */
export interface TransactionView {
  id: string;
  userId: string;
  /** Integer minor units, exact, as a decimal string. */
  amountMinor: string;
  currency: string;
  type: TransactionType;
  /** YYYY-MM-DD, as PostgreSQL's `date::text` prints it. */
  date: string;
  description: string;
  categoryId: string | null;
  category: CategoryRefView | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface CategoryView {
  id: string;
  userId: string;
  name: string;
  color: string;
  icon: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** The JSON form stored with an idempotency key. */
export function transactionViewToJson(view: TransactionView): Record<string, unknown> {
  return { ...view, createdAt: view.createdAt.toISOString(), updatedAt: view.updatedAt.toISOString() };
}

export function transactionViewFromJson(json: Record<string, unknown>): TransactionView {
  const view = json as unknown as TransactionView & { createdAt: string; updatedAt: string };
  return { ...view, createdAt: new Date(view.createdAt), updatedAt: new Date(view.updatedAt) };
}
