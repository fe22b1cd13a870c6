import { outboxEntities, outboxMigrations } from '@finance/events';
import { openDatabase, type Logger } from '@finance/platform';
import { ledgerEntities } from './ledger.entities.js';
import { ledgerMigrations } from './migrations.js';

/** The ledger service's own schema: its entities plus the outbox tables, and their migrations. */
export function openLedgerDatabase(url: string, logger: Logger) {
  return openDatabase({
    url,
    schema: 'ledger',
    entities: [...ledgerEntities, ...outboxEntities],
    migrations: [...outboxMigrations('ledger'), ...ledgerMigrations],
    logger,
  });
}
