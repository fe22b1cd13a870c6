import { z } from 'zod';
import { baseEnv, env } from '@finance/platform';

export const ledgerConfigSchema = z.object({
  ...baseEnv,
  LEDGER_GRPC_ADDR: env.grpcAddress.default('127.0.0.1:50052'),
  /** Asked for a user's base currency when a transaction comes without one. */
  AUTH_GRPC_ADDR: env.grpcAddress.default('127.0.0.1:50051'),
});

export type LedgerConfig = z.infer<typeof ledgerConfigSchema>;
