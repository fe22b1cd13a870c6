import { createLogger } from '@finance/platform';
import type { FastifyInstance } from 'fastify';
import { buildGateway, loadGatewayConfig, type BuildGatewayOptions } from '../../src/index.js';
import { FakeAuthService } from './fake-auth-service.js';
import { FakeLedgerService } from './fake-ledger-service.js';

export interface TestGateway {
  app: FastifyInstance;
  /** The fake AuthService. */
  fake: FakeAuthService;
  ledger: FakeLedgerService;
  /** Closes the gateway and stops both fakes (those already stopped are skipped). */
  close(): Promise<void>;
}

/** A gateway wired to a fresh fake AuthService and fake LedgerService over real gRPC. `env` overrides configuration. */
export async function startTestGateway(env: Record<string, string> = {}, extra: Partial<BuildGatewayOptions> = {}): Promise<TestGateway> {
  const fake = await FakeAuthService.start();
  const ledger = await FakeLedgerService.start();
  // As the real ledger does, a transaction without currency takes the user's base currency from auth.
  ledger.baseCurrencyOf = (userId) => fake.users.get(userId)?.user.baseCurrency ?? 'USD';
  const config = loadGatewayConfig({ AUTH_GRPC_ADDR: fake.address, LEDGER_GRPC_ADDR: ledger.address, LOG_LEVEL: 'silent', ...env });
  const app = await buildGateway({ config, logger: createLogger('gateway-test', 'silent'), ...extra });
  return {
    app,
    fake,
    ledger,
    close: async () => {
      await app.close();
      await fake.stop();
      await ledger.stop();
    },
  };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
