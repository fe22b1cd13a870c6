import { outboxEntities, outboxMigrations } from '@finance/events';
import { openDatabase, type Logger } from '@finance/platform';
import { budgetingEntities } from './budgeting.entities.js';
import { budgetingMigrations } from './migrations.js';

/**
 * The budgeting service's own schema: its entities plus the outbox tables (it publishes nothing yet,
 * but its consumers record handled events in `processed_event`), and their migrations.
 */
export function openBudgetingDatabase(url: string, logger: Logger) {
  return openDatabase({
    url,
    schema: 'budgeting',
    entities: [...budgetingEntities, ...outboxEntities],
    migrations: [...outboxMigrations('budgeting'), ...budgetingMigrations],
    logger,
  });
}
