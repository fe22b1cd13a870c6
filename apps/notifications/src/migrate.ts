// `pnpm --filter @finance/notifications migrate`: applies the notifications schema's migrations and exits.
import { createLogger, loadConfig, migrateDatabase, runMain } from '@finance/platform';
import { notificationsConfigSchema } from './config.js';
import { openNotificationsDatabase } from './persistence/database.js';

runMain(async () => {
  const config = loadConfig(notificationsConfigSchema);
  const orm = await openNotificationsDatabase(config.DATABASE_URL, createLogger('notifications-migrate', config.LOG_LEVEL));
  await migrateDatabase(orm);
  await orm.close();
});
