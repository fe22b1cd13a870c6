import { openDatabase, type Logger } from '@finance/platform';
import { currencyEntities } from './currency.entities.js';
import { currencyMigrations } from './migrations.js';

/** The currency service's own schema: the rate table and its migrations (no events, so no outbox). */
export function openCurrencyDatabase(url: string, logger: Logger) {
  return openDatabase({
    url,
    schema: 'currency',
    entities: [...currencyEntities],
    migrations: [...currencyMigrations],
    logger,
  });
}
