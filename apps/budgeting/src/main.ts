import { createLogger, loadConfig, onShutdown, runMain } from '@finance/platform';
import { budgetingConfigSchema } from './config.js';
import { startBudgetingService } from './index.js';

runMain(async () => {
  const config = loadConfig(budgetingConfigSchema);
  const logger = createLogger('budgeting', config.LOG_LEVEL);
  const service = await startBudgetingService(config, logger);
  onShutdown(logger, () => service.stop());
});
