import type { Frequency, IsoDate, WeekendRule } from '@finance/calendar';
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

/**
 * A transaction as StreamTransactions sends it (the CSV export, the monthly report): only what they
 * read, straight from the row, so a batch of thousands costs no Date or category object per row.
 */
export interface StreamedTransactionView {
  id: string;
  /** Integer minor units, exact, as a decimal string. */
  amountMinor: string;
  currency: string;
  type: TransactionType;
  /**
   * YYYY-MM-DD from PostgreSQL's to_char of a `date` column: valid by construction, so it is typed
   * IsoDate without parsing it again (that was ~5 % of the ledger's CPU in a 1,000,000-row export).
   */
  date: IsoDate;
  description: string;
  /** null = uncategorized. */
  categoryName: string | null;
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

/** A recurring template as the ledger answers it. */
export interface RecurringView {
  id: string;
  userId: string;
  amountMinor: string;
  currency: string;
  type: TransactionType;
  description: string;
  categoryId: string | null;
  category: CategoryRefView | null;
  frequency: Frequency;
  weekend: WeekendRule;
  startDate: string;
  endDate: string | null;
  /** null = the schedule has no further occurrence. */
  nextOccurrenceDate: string | null;
  isActive: boolean;
  autoCreate: boolean;
  createdAt: Date;
  updatedAt: Date;
}

/** What ProcessRecurring answers (and stores for idempotent replays). */
export interface ProcessedOccurrenceView {
  transaction: TransactionView;
  nextOccurrenceDate: string | null;
}

export function processedOccurrenceToJson(view: ProcessedOccurrenceView): Record<string, unknown> {
  return { transaction: transactionViewToJson(view.transaction), next_occurrence_date: view.nextOccurrenceDate };
}

export function processedOccurrenceFromJson(json: Record<string, unknown>): ProcessedOccurrenceView {
  return {
    transaction: transactionViewFromJson(json.transaction as Record<string, unknown>),
    nextOccurrenceDate: (json.next_occurrence_date as string | null | undefined) ?? null,
  };
}
