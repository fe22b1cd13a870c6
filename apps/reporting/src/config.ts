import { z } from 'zod';
import { baseEnv, shutdownEnv } from '@finance/platform';
import { ownAddressEnv, ownMetricsEnv } from '@finance/platform/services';
import { pdfEnv } from './pdf/browser-pool.js';

// Reporting owns no data and publishes nothing: of the shared variables it reads only LOG_LEVEL and SHUTDOWN_*
// (DATABASE_URL, NATS_URL and EVENT_NAMESPACE are not asked for, so they are not required either).
export const reportingConfigSchema = z.object({
  LOG_LEVEL: baseEnv.LOG_LEVEL,
  // SHUTDOWN_DRAIN_MS, SHUTDOWN_TIMEOUT_MS (graceful stop on SIGTERM).
  ...shutdownEnv,
  // REPORTING_GRPC_ADDR (bind); AUTH_GRPC_ADDR (base currencies: GetUser), LEDGER_GRPC_ADDR (sums:
  // SumTransactions; category names: ListCategories), BUDGETING_GRPC_ADDR (GetBudgetStatus),
  // CURRENCY_GRPC_ADDR (exchange rates: GetRateTable).
  ...ownAddressEnv('reporting'),
  // METRICS_PORT (default: the manifest's reporting metricsPort) and METRICS_HOST: GET /metrics.
  ...ownMetricsEnv('reporting'),
  // POST /import/csv: the most records one file may hold (more → REPORTING_IMPORT_TOO_MANY_ROWS, 413).
  IMPORT_MAX_ROWS: z.coerce.number().int().min(1).max(1_000_000).default(100_000),
  // GET /export/pdf: CHROMIUM_PATH, PDF_MAX_CONCURRENT, PDF_MAX_QUEUE (src/pdf/browser-pool.ts).
  ...pdfEnv,
});

export type ReportingConfig = z.infer<typeof reportingConfigSchema>;
