import { createLogger, loadConfig, onShutdown, runMain, startTracing } from '@finance/platform';
import { goalsConfigSchema } from './config.js';
import { startGoalsService } from './index.js';

runMain(async () => {
  const config = loadConfig(goalsConfigSchema);
  const logger = createLogger('goals', config.LOG_LEVEL);
  // Spans exported over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set; flushed after the stop.
  const tracing = await startTracing('goals');
  const service = await startGoalsService(config, logger);
  // Readiness off for SHUTDOWN_DRAIN_MS, then a stop that lets calls and background work in flight finish.
  onShutdown(logger, tracing.around(service), config);
});
