import { createLogger } from '@finance/platform';
import { createGrpcClient } from '@finance/platform';
import { authV1 } from '@finance/proto';
import { createTestDatabase, randomNamespace, testNatsUrl, type TestDatabase } from '@finance/testing';
import { authConfigSchema, startAuthService, type AuthConfig, type RunningAuthService } from '../src/index.js';

export interface AuthHarness {
  db: TestDatabase;
  config: AuthConfig;
  /** The environment `config` was parsed from: a restart parses it again with changes. */
  env: Record<string, string>;
  service: RunningAuthService;
  client: ReturnType<typeof createGrpcClient<typeof authV1.AuthServiceService>>;
  close(): Promise<void>;
}

/** The auth service in-process on a fresh database and event namespace, with a real gRPC client. */
export async function startAuthHarness(env: Record<string, string> = {}): Promise<AuthHarness> {
  const db = await createTestDatabase();
  const rawEnv: Record<string, string> = {
    DATABASE_URL: db.url,
    NATS_URL: testNatsUrl(),
    EVENT_NAMESPACE: randomNamespace(),
    AUTH_GRPC_ADDR: '127.0.0.1:0',
    METRICS_PORT: '0', // a free port: test files run in parallel
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...env,
  };
  const config = authConfigSchema.parse(rawEnv);
  const service = await startAuthService(config, createLogger('auth-test', process.env.TEST_LOG_LEVEL ?? 'silent'));
  const client = createGrpcClient(authV1.AuthServiceService, service.address);
  return {
    db,
    config,
    env: rawEnv,
    service,
    client,
    async close() {
      client.$channel.close();
      await service.stop();
      await db.drop();
    },
  };
}

let counter = 0;
/** A unique, valid registration. */
export function newAccount(prefix = 'user') {
  const tag = `${prefix}${Date.now().toString(36)}${(counter++).toString(36)}`;
  return { email: `${tag}@example.com`, username: tag, password: 'correct horse 1' };
}
