import { createLogger, loadConfig, onShutdown, runMain, startTracing } from '@finance/platform';
import { budgetingConfigSchema } from './config.js';
import { startBudgetingService } from './index.js';

runMain(async () => {
  const config = loadConfig(budgetingConfigSchema);
  const logger = createLogger('budgeting', config.LOG_LEVEL);
  // Spans exported over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set; flushed after the stop.
  const tracing = await startTracing('budgeting');
  const service = await startBudgetingService(config, logger);
  // Readiness off for SHUTDOWN_DRAIN_MS, then a stop that lets calls and background work in flight finish.
  onShutdown(logger, tracing.around(service), config);
});
