// `pnpm --filter @finance/goals migrate`: applies the goals schema's migrations and exits.
import { createLogger, loadConfig, migrateDatabase, runMain } from '@finance/platform';
import { goalsConfigSchema } from './config.js';
import { openGoalsDatabase } from './persistence/database.js';

runMain(async () => {
  const config = loadConfig(goalsConfigSchema);
  const orm = await openGoalsDatabase(config.DATABASE_URL, createLogger('goals-migrate', config.LOG_LEVEL));
  await migrateDatabase(orm);
  await orm.close();
});
