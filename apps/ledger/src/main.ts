import { createLogger, loadConfig, onShutdown, runMain, startTracing } from '@finance/platform';
import { ledgerConfigSchema } from './config.js';
import { startLedgerService } from './index.js';

runMain(async () => {
  const config = loadConfig(ledgerConfigSchema);
  const logger = createLogger('ledger', config.LOG_LEVEL);
  // Spans exported over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set; flushed after the stop.
  const tracing = await startTracing('ledger');
  const service = await startLedgerService(config, logger);
  // Readiness off for SHUTDOWN_DRAIN_MS, then a stop that lets calls and background work in flight finish.
  onShutdown(logger, tracing.around(service), config);
});
