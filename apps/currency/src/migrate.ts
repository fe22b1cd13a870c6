// `pnpm --filter @finance/currency migrate`: applies the currency schema's migrations and exits
// (the bundled rates are loaded by the service itself on its first start).
import { createLogger, loadConfig, migrateDatabase, runMain } from '@finance/platform';
import { currencyConfigSchema } from './config.js';
import { openCurrencyDatabase } from './persistence/database.js';

runMain(async () => {
  const config = loadConfig(currencyConfigSchema);
  const orm = await openCurrencyDatabase(config.DATABASE_URL, createLogger('currency-migrate', config.LOG_LEVEL));
  await migrateDatabase(orm);
  await orm.close();
});
