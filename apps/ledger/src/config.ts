import { z } from 'zod';
import { baseEnv } from '@finance/platform';
import { ownAddressEnv, ownMetricsEnv } from '@finance/platform/services';

export const ledgerConfigSchema = z.object({
  ...baseEnv,
  // LEDGER_GRPC_ADDR (bind) and AUTH_GRPC_ADDR (asked for a user's base currency when a
  // transaction comes without one), with the manifest's defaults.
  ...ownAddressEnv('ledger'),
  // METRICS_PORT (default: the manifest's ledger metricsPort) and METRICS_HOST: GET /metrics.
  ...ownMetricsEnv('ledger'),
  // Seconds between recurring scheduler passes (the first runs at start); 0 = no scheduler in this process.
  RECURRING_SCAN_INTERVAL_S: z.coerce.number().int().min(0).max(86_400).default(60),
  // Days before an occurrence its ledger.recurring.upcoming.v1 goes out.
  RECURRING_REMINDER_DAYS: z.coerce.number().int().min(0).max(366).default(3),
});

export type LedgerConfig = z.infer<typeof ledgerConfigSchema>;
