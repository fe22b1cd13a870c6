import type { MikroORM } from '@mikro-orm/postgresql';
import type { IsoDate } from '@finance/calendar';
import type { Money } from '@finance/money';
import type { RateBook } from '@finance/rates';

/** What goals needs to know about a user, answered by the auth service. */
export interface UserProfile {
  /** ISO 4217; the currency of a goal created without one. */
  baseCurrency: string;
  /** IANA zone; "today" (and a goal's creation date) is the date there. */
  timezone: string;
}

/** Port: the auth service. Throws a DomainError when the user is gone or auth cannot answer. */
export interface UserDirectory {
  profileOf(userId: string): Promise<UserProfile>;
}

/** A transaction of the user as the ledger answers it. */
export interface LedgerTransaction {
  id: string;
  amount: Money;
  date: IsoDate;
}

/** Port: the ledger service, owner of transactions. Throws a DomainError when it cannot answer. */
export interface Ledger {
  /** The user's transaction; undefined when it is unknown or someone else's. */
  findTransaction(userId: string, transactionId: string): Promise<LedgerTransaction | undefined>;
}

/**
 * Port: the currency service's ECB rates, cached (a RateBook of @finance/rates). `convert` throws
 * RATE_UNAVAILABLE (invalid_argument) for a currency without a usable rate on the date, and the
 * service client's CURRENCY_UNAVAILABLE / CURRENCY_DEADLINE_EXCEEDED when the service cannot answer.
 */
export type Rates = RateBook;

/** What every use case needs; built once in the composition root. */
export interface GoalsContext {
  orm: MikroORM;
  users: UserDirectory;
  ledger: Ledger;
  rates: Rates;
  now(): Date;
  /** Wakes the outbox relay after a commit that wrote events (the insert trigger would too, later). */
  eventsWritten(): void;
}
