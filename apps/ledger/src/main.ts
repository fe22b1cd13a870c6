import { createLogger, loadConfig, onShutdown, runMain } from '@finance/platform';
import { ledgerConfigSchema } from './config.js';
import { startLedgerService } from './index.js';

runMain(async () => {
  const config = loadConfig(ledgerConfigSchema);
  const logger = createLogger('ledger', config.LOG_LEVEL);
  const service = await startLedgerService(config, logger);
  onShutdown(logger, () => service.stop());
});
