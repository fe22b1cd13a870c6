import { createLogger, loadConfig, onShutdown, runMain } from '@finance/platform';
import { goalsConfigSchema } from './config.js';
import { startGoalsService } from './index.js';

runMain(async () => {
  const config = loadConfig(goalsConfigSchema);
  const logger = createLogger('goals', config.LOG_LEVEL);
  const service = await startGoalsService(config, logger);
  onShutdown(logger, () => service.stop());
});
