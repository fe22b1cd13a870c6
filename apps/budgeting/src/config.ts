import { z } from 'zod';
import { baseEnv, env } from '@finance/platform';

export const budgetingConfigSchema = z.object({
  ...baseEnv,
  BUDGETING_GRPC_ADDR: env.grpcAddress.default('127.0.0.1:50053'),
  /** Categories (GetCategory) and spending (SumTransactions). */
  LEDGER_GRPC_ADDR: env.grpcAddress.default('127.0.0.1:50052'),
  /** Base currencies and time zones (GetUser). */
  AUTH_GRPC_ADDR: env.grpcAddress.default('127.0.0.1:50051'),
});

export type BudgetingConfig = z.infer<typeof budgetingConfigSchema>;
