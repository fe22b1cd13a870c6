import { createLogger, loadConfig, onShutdown, runMain, startTracing } from '@finance/platform';
import { authConfigSchema } from './config.js';
import { startAuthService } from './index.js';

runMain(async () => {
  const config = loadConfig(authConfigSchema);
  const logger = createLogger('auth', config.LOG_LEVEL);
  // Spans exported over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set; flushed after the stop.
  const tracing = await startTracing('auth');
  const service = await startAuthService(config, logger);
  // Readiness off for SHUTDOWN_DRAIN_MS, then a stop that lets calls and background work in flight finish.
  onShutdown(logger, tracing.around(service), config);
});
