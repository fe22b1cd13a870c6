import { createLogger, loadConfig, onShutdown, runMain } from '@finance/platform';
import { reportingConfigSchema } from './config.js';
import { startReportingService } from './index.js';

runMain(async () => {
  const config = loadConfig(reportingConfigSchema);
  const logger = createLogger('reporting', config.LOG_LEVEL);
  const service = await startReportingService(config, logger);
  onShutdown(logger, () => service.stop());
});
