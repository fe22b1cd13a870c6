import { outboxEntities, outboxMigrations } from '@finance/events';
import { openDatabase, type Logger } from '@finance/platform';
import { goalsEntities } from './goals.entities.js';
import { goalsMigrations } from './migrations.js';

/**
 * The goals service's own schema: its entities plus the outbox tables (milestone events go out
 * through `outbox_message`; its consumers record handled events in `processed_event`), and their migrations.
 */
export function openGoalsDatabase(url: string, logger: Logger) {
  return openDatabase({
    url,
    schema: 'goals',
    entities: [...goalsEntities, ...outboxEntities],
    migrations: [...outboxMigrations('goals'), ...goalsMigrations],
    logger,
  });
}
