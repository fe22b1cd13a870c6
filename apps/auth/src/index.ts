import { connectNats, OutboxRelay } from '@finance/events';
import { createLogger, createMetrics, graceBefore, loadConfig, migrateOnStart, startGrpcServer, startMetricsServer, type Logger } from '@finance/platform';
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
  /** host:port its Prometheus metrics are served on (GET /metrics; METRICS_PORT, METRICS_HOST). */
  metricsAddress: string;
  /** Readiness off (gRPC health of the service NOT_SERVING), still serving: the drain before stop (onShutdown). */
  drain(): void;
  /** Refuses new calls, finishes those in flight and the background work in hand, closes; by `deadline` (epoch ms) when given. */
  stop(deadline?: number): Promise<void>;
}

/** Composition: database + migrations, signing keys, outbox relay, gRPC server. */
export async function startAuthService(config: AuthConfig, logger: Logger = createLogger('auth', config.LOG_LEVEL)): Promise<RunningAuthService> {
  // This service's own registry (tests run several services in one process), served on METRICS_PORT.
  const metrics = createMetrics();
  const orm = await openAuthDatabase(config.DATABASE_URL, logger);
  await migrateOnStart(orm, config);

  const keys = new KeyStore(orm, {
    rotateAfterMs: config.SIGNING_KEY_ROTATION_SECONDS * 1000,
    // A retired key stays published until every token it signed has expired.
    publishRetiredForMs: config.ACCESS_TOKEN_TTL_SECONDS * 1000 * 2,
    sealingKey: config.SIGNING_KEY_ENCRYPTION_KEY,
  });
  await keys.refresh();
  const keyTimer = setInterval(() => keys.refresh().catch((err: unknown) => logger.error({ err }, 'signing key refresh failed')), 60 * 60 * 1000);
  keyTimer.unref();

  const nats = await connectNats({ url: config.NATS_URL, name: 'auth', logger, metrics });
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
    metrics,
    address: config.AUTH_GRPC_ADDR,
    services: [authGrpcRegistration(ctx)],
    logger,
  });
  logger.info({ address: grpcServer.address }, 'auth service listening');
  const metricsServer = await startMetricsServer({ registry: metrics, host: config.METRICS_HOST, port: config.METRICS_PORT, logger });

  return {
    address: grpcServer.address,
    metricsAddress: metricsServer.address,
    drain: () => grpcServer.drain(),
    async stop(deadline?: number) {
      clearInterval(keyTimer);
      await grpcServer.stop(graceBefore(deadline));
      await metricsServer.close();
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
