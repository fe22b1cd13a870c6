import { createLogger, loadConfig, onShutdown, runMain, startTracing } from '@finance/platform';
import { notificationsConfigSchema } from './config.js';
import { startNotificationsService } from './index.js';

runMain(async () => {
  const config = loadConfig(notificationsConfigSchema);
  const logger = createLogger('notifications', config.LOG_LEVEL);
  // Spans exported over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set; flushed after the stop.
  const tracing = await startTracing('notifications');
  const service = await startNotificationsService(config, logger);
  // Readiness off for SHUTDOWN_DRAIN_MS, then a stop that lets calls and background work in flight finish.
  onShutdown(logger, tracing.around(service), config);
});
