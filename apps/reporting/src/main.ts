import { createLogger, loadConfig, onShutdown, runMain, startTracing } from '@finance/platform';
import { reportingConfigSchema } from './config.js';
import { startReportingService } from './index.js';

runMain(async () => {
  const config = loadConfig(reportingConfigSchema);
  const logger = createLogger('reporting', config.LOG_LEVEL);
  // Spans exported over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set; flushed after the stop.
  const tracing = await startTracing('reporting');
  const service = await startReportingService(config, logger);
  // Readiness off for SHUTDOWN_DRAIN_MS, then a stop that lets calls and background work in flight finish.
  onShutdown(logger, tracing.around(service), config);
});
