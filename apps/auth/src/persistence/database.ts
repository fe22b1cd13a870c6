import { outboxEntities, outboxMigrations } from '@finance/events';
import { openDatabase, type Logger } from '@finance/platform';
import { authEntities } from './auth.entities.js';
import { authMigrations } from './migrations.js';

/** The auth service's own schema: its entities plus the outbox tables, and their migrations. */
export function openAuthDatabase(url: string, logger: Logger) {
  return openDatabase({
    url,
    schema: 'auth',
    entities: [...authEntities, ...outboxEntities],
    migrations: [...outboxMigrations('auth'), ...authMigrations],
    logger,
  });
}
