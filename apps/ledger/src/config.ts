import { z } from 'zod';
import { baseEnv } from '@finance/platform';
import { ownAddressEnv } from '@finance/platform/services';

export const ledgerConfigSchema = z.object({
  ...baseEnv,
  // LEDGER_GRPC_ADDR (bind) and AUTH_GRPC_ADDR (asked for a user's base currency when a
  // transaction comes without one), with the manifest's defaults.
  ...ownAddressEnv('ledger'),
});

export type LedgerConfig = z.infer<typeof ledgerConfigSchema>;
