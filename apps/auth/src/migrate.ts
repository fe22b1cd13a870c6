// `pnpm --filter @finance/auth migrate`: applies the auth schema's migrations and exits.
import { createLogger, loadConfig, migrateDatabase, runMain } from '@finance/platform';
import { authConfigSchema } from './config.js';
import { openAuthDatabase } from './persistence/database.js';

runMain(async () => {
  const config = loadConfig(authConfigSchema);
  const orm = await openAuthDatabase(config.DATABASE_URL, createLogger('auth-migrate', config.LOG_LEVEL));
  await migrateDatabase(orm);
  await orm.close();
});
