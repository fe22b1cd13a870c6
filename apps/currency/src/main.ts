import { createLogger, loadConfig, onShutdown, runMain } from '@finance/platform';
import { currencyConfigSchema } from './config.js';
import { startCurrencyService } from './index.js';

runMain(async () => {
  const config = loadConfig(currencyConfigSchema);
  const logger = createLogger('currency', config.LOG_LEVEL);
  const service = await startCurrencyService(config, logger);
  onShutdown(logger, () => service.stop());
});
