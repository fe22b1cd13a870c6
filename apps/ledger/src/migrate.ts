// `pnpm --filter @finance/ledger migrate`: applies the ledger schema's migrations and exits.
import { createLogger, loadConfig, migrateDatabase, runMain } from '@finance/platform';
import { ledgerConfigSchema } from './config.js';
import { openLedgerDatabase } from './persistence/database.js';

runMain(async () => {
  const config = loadConfig(ledgerConfigSchema);
  const orm = await openLedgerDatabase(config.DATABASE_URL, createLogger('ledger-migrate', config.LOG_LEVEL));
  await migrateDatabase(orm);
  await orm.close();
});
