import { z } from 'zod';
import { baseEnv } from '@finance/platform';
import { ownAddressEnv } from '@finance/platform/services';

export const goalsConfigSchema = z.object({
  ...baseEnv,
  // GOALS_GRPC_ADDR (bind), LEDGER_GRPC_ADDR (contributions: GetTransaction) and AUTH_GRPC_ADDR
  // (base currencies and time zones: GetUser).
  ...ownAddressEnv('goals'),
});

export type GoalsConfig = z.infer<typeof goalsConfigSchema>;
