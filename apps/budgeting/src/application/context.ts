import type { MikroORM } from '@mikro-orm/postgresql';
import type { IsoDate } from '@finance/calendar';
import type { RateBook } from '@finance/rates';
import type { DailySpending } from '../domain/analysis.js';

/** What budgeting needs to know about a user, answered by the auth service. */
export interface UserProfile {
  /** ISO 4217; the currency of a budget created without one. */
  baseCurrency: string;
  /** IANA zone; "today" is today there. */
  timezone: string;
}

/** Port: the auth service. Throws a DomainError when the user is gone or auth cannot answer. */
export interface UserDirectory {
  profileOf(userId: string): Promise<UserProfile>;
}

export interface CategoryRef {
  id: string;
  name: string;
}

/** Port: the ledger service, owner of categories and transactions. Throws a DomainError when it cannot answer. */
export interface Ledger {
  /** The user's category; undefined when it is unknown or someone else's. */
  findCategory(userId: string, categoryId: string): Promise<CategoryRef | undefined>;
  /**
   * Expense totals per day and currency over `from..to` (inclusive), of one category or, without
   * one, of every expense (uncategorized included).
   */
  expensesByDay(userId: string, query: { from: IsoDate; to: IsoDate; categoryId: string | null }): Promise<DailySpending[]>;
}

/**
 * Port: the currency service's ECB rates, cached (a RateBook of @finance/rates). Throws
 * RATE_UNAVAILABLE for a currency without a usable rate on the date, CURRENCY_UNAVAILABLE when the
 * service cannot answer.
 */
export type Rates = RateBook;

/** What every use case needs; built once in the composition root. */
export interface BudgetingContext {
  orm: MikroORM;
  users: UserDirectory;
  ledger: Ledger;
  rates: Rates;
  now(): Date;
  /** Ledger calls GetBudgetStatus runs at once. */
  statusConcurrency: number;
  /** Called after a commit that queued a threshold check (a budget created or changed): wakes the checker. */
  thresholdChecksRequested?: () => void;
}
