import { connectNats, OutboxRelay } from '@finance/events';
import { createLogger, loadConfig, migrateDatabase, startGrpcServer, type Logger } from '@finance/platform';
import { authEventStreams } from '@finance/events/contracts/auth';
import { KeyStore } from './application/key-store.js';
import type { AuthContext } from './application/context.js';
import { authConfigSchema, type AuthConfig } from './config.js';
import { openAuthDatabase } from './persistence/database.js';
import { authGrpcRegistration } from './transport/grpc/auth.grpc.js';

export { authConfigSchema, type AuthConfig };

export interface RunningAuthService {
  /** host:port the gRPC server listens on (the port is real even when 0 was asked for). */
  address: string;
  stop(): Promise<void>;
}

/** Composition: database + migrations, signing keys, outbox relay, gRPC server. */
export async function startAuthService(config: AuthConfig, logger: Logger = createLogger('auth', config.LOG_LEVEL)): Promise<RunningAuthService> {
  const orm = await openAuthDatabase(config.DATABASE_URL, logger);
  await migrateDatabase(orm);

  const keys = new KeyStore(orm, {
    rotateAfterMs: config.SIGNING_KEY_ROTATION_SECONDS * 1000,
    // A retired key stays published until every token it signed has expired.
    publishRetiredForMs: config.ACCESS_TOKEN_TTL_SECONDS * 1000 * 2,
    sealingKey: config.SIGNING_KEY_ENCRYPTION_KEY,
  });
  await keys.refresh();
  const keyTimer = setInterval(() => keys.refresh().catch((err: unknown) => logger.error({ err }, 'signing key refresh failed')), 60 * 60 * 1000);
  keyTimer.unref();

  const nats = await connectNats({ url: config.NATS_URL, name: 'auth', logger });
  const relay = new OutboxRelay({ orm, nats, namespace: config.EVENT_NAMESPACE, logger, streams: authEventStreams });
  relay.start();

  const ctx: AuthContext = {
    orm,
    keys,
    settings: {
      issuer: config.JWT_ISSUER,
      audience: config.JWT_AUDIENCE,
      accessTokenTtlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
      refreshTokenTtlSeconds: config.REFRESH_TOKEN_TTL_SECONDS,
      maxFailedLogins: config.LOGIN_MAX_FAILURES,
      failedLoginWindowMs: config.LOGIN_FAILURE_WINDOW_SECONDS * 1000,
    },
    eventsWritten: () => relay.wake(),
    now: () => new Date(),
  };

  const grpcServer = await startGrpcServer({
    address: config.AUTH_GRPC_ADDR,
    services: [authGrpcRegistration(ctx)],
    logger,
  });
  logger.info({ address: grpcServer.address }, 'auth service listening');

  return {
    address: grpcServer.address,
    async stop() {
      clearInterval(keyTimer);
      await grpcServer.stop();
      await relay.stop();
      await nats.close();
      await orm.close();
    },
  };
}

/**
 * The service as the manifest's tooling (the e2e stack) starts it: configuration read from `env`
 * exactly as main.ts reads process.env.
 */
export function start(env: NodeJS.ProcessEnv, logger?: Logger): Promise<RunningAuthService> {
  const config = loadConfig(authConfigSchema, env);
  return startAuthService(config, logger ?? createLogger('auth', config.LOG_LEVEL));
}
