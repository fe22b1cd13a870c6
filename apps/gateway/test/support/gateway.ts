import { createLogger } from '@finance/platform';
import type { FastifyInstance } from 'fastify';
import { buildGateway, loadGatewayConfig, type BuildGatewayOptions } from '../../src/index.js';
import { FakeAuthService } from './fake-auth-service.js';

export interface TestGateway {
  app: FastifyInstance;
  fake: FakeAuthService;
  close(): Promise<void>;
}

/** A gateway wired to a fresh fake AuthService over real gRPC. `env` overrides configuration. */
export async function startTestGateway(env: Record<string, string> = {}, extra: Partial<BuildGatewayOptions> = {}): Promise<TestGateway> {
  const fake = await FakeAuthService.start();
  const config = loadGatewayConfig({ AUTH_GRPC_ADDR: fake.address, LOG_LEVEL: 'silent', ...env });
  const app = await buildGateway({ config, logger: createLogger('gateway-test', 'silent'), ...extra });
  return {
    app,
    fake,
    close: async () => {
      await app.close();
      await fake.stop();
    },
  };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
