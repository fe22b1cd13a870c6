import { createLogger, loadConfig, onShutdown, runMain, startTracing } from '@finance/platform';
import { currencyConfigSchema } from './config.js';
import { startCurrencyService } from './index.js';

runMain(async () => {
  const config = loadConfig(currencyConfigSchema);
  const logger = createLogger('currency', config.LOG_LEVEL);
  // Spans exported over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set; flushed after the stop.
  const tracing = await startTracing('currency');
  const service = await startCurrencyService(config, logger);
  // Readiness off for SHUTDOWN_DRAIN_MS, then a stop that lets calls and background work in flight finish.
  onShutdown(logger, tracing.around(service), config);
});
