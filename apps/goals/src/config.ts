import { z } from 'zod';
import { baseEnv } from '@finance/platform';
import { ownAddressEnv, ownMetricsEnv } from '@finance/platform/services';

export const goalsConfigSchema = z.object({
  ...baseEnv,
  // GOALS_GRPC_ADDR (bind), LEDGER_GRPC_ADDR (contributions: GetTransaction), AUTH_GRPC_ADDR
  // (base currencies and time zones: GetUser) and CURRENCY_GRPC_ADDR (exchange rates: GetRateTable).
  ...ownAddressEnv('goals'),
  // METRICS_PORT (default: the manifest's goals metricsPort) and METRICS_HOST: GET /metrics.
  ...ownMetricsEnv('goals'),
});

export type GoalsConfig = z.infer<typeof goalsConfigSchema>;
