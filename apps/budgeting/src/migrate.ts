// `pnpm --filter @finance/budgeting migrate`: applies the budgeting schema's migrations and exits.
import { createLogger, loadConfig, migrateDatabase, runMain } from '@finance/platform';
import { budgetingConfigSchema } from './config.js';
import { openBudgetingDatabase } from './persistence/database.js';

runMain(async () => {
  const config = loadConfig(budgetingConfigSchema);
  const orm = await openBudgetingDatabase(config.DATABASE_URL, createLogger('budgeting-migrate', config.LOG_LEVEL));
  await migrateDatabase(orm);
  await orm.close();
});
