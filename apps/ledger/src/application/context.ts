import type { MikroORM } from '@mikro-orm/postgresql';

/** Port: what the ledger needs to know about users, answered by the auth service. */
export interface UserDirectory {
  /** The user's base currency (ISO 4217); throws a DomainError when the user is gone or auth cannot answer. */
  baseCurrencyOf(userId: string): Promise<string>;
  /** Base currency and IANA time zone, in one question; throws like baseCurrencyOf. */
  profileOf(userId: string): Promise<{ baseCurrency: string; timezone: string }>;
}

/** What every use case needs; built once in the composition root. */
export interface LedgerContext {
  orm: MikroORM;
  users: UserDirectory;
  /** Nudges the outbox relay after a commit that wrote an event. */
  eventsWritten(): void;
  now(): Date;
}
