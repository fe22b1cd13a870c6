import type { MikroORM } from '@mikro-orm/postgresql';
import type { UserSnapshot } from './views.js';

/**
 * Port: the auth service. `snapshotOf` answers a user's e-mail address, time zone and preferences;
 * undefined when auth no longer knows the user (erased: its auth.user.deleted.v1 follows). Throws a
 * DomainError (AUTH_UNAVAILABLE, AUTH_DEADLINE_EXCEEDED) when auth cannot answer.
 */
export interface UserDirectory {
  snapshotOf(userId: string): Promise<UserSnapshot | undefined>;
}

/** What every use case needs; built once in the composition root. */
export interface NotificationsContext {
  orm: MikroORM;
  users: UserDirectory;
  now(): Date;
  /** The domain of the Message-ID of every e-mail (`<notification id>@<domain>`): MAIL_FROM's. */
  mailDomain: string;
  /** Tells the mail worker an e-mail was queued (it also finds it at its next scan). */
  emailQueued(): void;
}
