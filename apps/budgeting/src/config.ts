import { z } from 'zod';
import { baseEnv } from '@finance/platform';
import { ownAddressEnv, ownMetricsEnv } from '@finance/platform/services';

export const budgetingConfigSchema = z.object({
  ...baseEnv,
  // BUDGETING_GRPC_ADDR (bind), LEDGER_GRPC_ADDR (categories: GetCategory; spending:
  // SumTransactions), AUTH_GRPC_ADDR (base currencies and time zones: GetUser) and
  // CURRENCY_GRPC_ADDR (exchange rates: GetRateTable).
  ...ownAddressEnv('budgeting'),
  // METRICS_PORT (default: the manifest's budgeting metricsPort) and METRICS_HOST: GET /metrics.
  ...ownMetricsEnv('budgeting'),
});

export type BudgetingConfig = z.infer<typeof budgetingConfigSchema>;
