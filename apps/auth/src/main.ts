import { createLogger, loadConfig, onShutdown, runMain } from '@finance/platform';
import { authConfigSchema } from './config.js';
import { startAuthService } from './index.js';

runMain(async () => {
  const config = loadConfig(authConfigSchema);
  const logger = createLogger('auth', config.LOG_LEVEL);
  const service = await startAuthService(config, logger);
  onShutdown(logger, () => service.stop());
});
