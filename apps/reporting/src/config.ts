import { z } from 'zod';
import { baseEnv, env } from '@finance/platform';

// Reporting owns no data and publishes nothing: of the shared variables it reads only LOG_LEVEL
// (DATABASE_URL, NATS_URL and EVENT_NAMESPACE are not asked for, so they are not required either).
export const reportingConfigSchema = z.object({
  LOG_LEVEL: baseEnv.LOG_LEVEL,
  REPORTING_GRPC_ADDR: env.grpcAddress.default('127.0.0.1:50054'),
  /** Base currencies and time zones (GetUser). */
  AUTH_GRPC_ADDR: env.grpcAddress.default('127.0.0.1:50051'),
  /** Sums (SumTransactions) and category names (ListCategories). */
  LEDGER_GRPC_ADDR: env.grpcAddress.default('127.0.0.1:50052'),
  /** Budget analyses (GetBudgetStatus). */
  BUDGETING_GRPC_ADDR: env.grpcAddress.default('127.0.0.1:50053'),
});

export type ReportingConfig = z.infer<typeof reportingConfigSchema>;
