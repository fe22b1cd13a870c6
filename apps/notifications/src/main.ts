import { createLogger, loadConfig, onShutdown, runMain } from '@finance/platform';
import { notificationsConfigSchema } from './config.js';
import { startNotificationsService } from './index.js';

runMain(async () => {
  const config = loadConfig(notificationsConfigSchema);
  const logger = createLogger('notifications', config.LOG_LEVEL);
  const service = await startNotificationsService(config, logger);
  onShutdown(logger, () => service.stop());
});
