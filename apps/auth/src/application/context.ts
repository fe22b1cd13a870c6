import type { MikroORM } from '@mikro-orm/postgresql';
import type { KeyStore } from './key-store.js';

export interface AuthSettings {
  issuer: string;
  audience: string;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  maxFailedLogins: number;
  failedLoginWindowMs: number;
}

/** What every use case needs; built once in the composition root. */
export interface AuthContext {
  orm: MikroORM;
  keys: KeyStore;
  settings: AuthSettings;
  /** Nudges the outbox relay after a commit that wrote an event. */
  eventsWritten(): void;
  now(): Date;
}
