// Goals service: savings goals and their contributions, links to real ledger transactions (API.md, "Version 3").
import { connectNats, OutboxRelay } from '@finance/events';
import { goalsEventStreams } from '@finance/events/contracts/goals';
import { createLogger, createMetrics, graceBefore, loadConfig, migrateOnStart, startGrpcServer, startMetricsServer, type Logger } from '@finance/platform';
import { createServiceClient } from '@finance/platform/services';
import { userProfileOf } from '@finance/platform/user-profile';
import type { GoalsContext } from './application/context.js';
import { goalsConfigSchema, type GoalsConfig } from './config.js';
import { errors } from './domain/errors.js';
import { openGoalsDatabase } from './persistence/database.js';
import { subscribeToTransactionDeleted } from './transport/events/on-transaction-deleted.subscriber.js';
import { subscribeToTransactionUpdated } from './transport/events/on-transaction-updated.subscriber.js';
import { subscribeToUserDeleted } from './transport/events/on-user-deleted.subscriber.js';
import { ratesPort } from './transport/grpc/currency.client.js';
import { goalsGrpcRegistration } from './transport/grpc/goals.grpc.js';
import { ledgerPort } from './transport/grpc/ledger.client.js';

export { goalsConfigSchema, type GoalsConfig };

export interface RunningGoalsService {
  /** host:port the gRPC server listens on (the port is real even when 0 was asked for). */
  address: string;
  /** host:port its Prometheus metrics are served on (GET /metrics; METRICS_PORT, METRICS_HOST). */
  metricsAddress: string;
  /** Readiness off (gRPC health of the service NOT_SERVING), still serving: the drain before stop (onShutdown). */
  drain(): void;
  /** Refuses new calls, finishes those in flight and the background work in hand, closes; by `deadline` (epoch ms) when given. */
  stop(deadline?: number): Promise<void>;
}

export interface GoalsServiceOptions {
  /** The clock ("today", created_at/updated_at). Tests pin it. */
  now?: () => Date;
}

/** Composition: database + migrations, outbox relay, auth, ledger and currency clients, event consumers, gRPC server. */
export async function startGoalsService(
  config: GoalsConfig,
  logger: Logger = createLogger('goals', config.LOG_LEVEL),
  options: GoalsServiceOptions = {},
): Promise<RunningGoalsService> {
  // This service's own registry (tests run several services in one process), served on METRICS_PORT.
  const metrics = createMetrics();
  const orm = await openGoalsDatabase(config.DATABASE_URL, logger);
  await migrateOnStart(orm, config);
  const now = options.now ?? (() => new Date());

  const nats = connectNats({ url: config.NATS_URL, name: 'goals', logger, metrics });
  const relay = new OutboxRelay({ orm, nats, namespace: config.EVENT_NAMESPACE, logger, streams: goalsEventStreams });
  relay.start();
  // One rate book for the process (contributions and the updated-transaction consumer): its cache
  // keeps conversion off the network in the steady state (past days are asked once).
  const currency = createServiceClient('currency', config, { deadlineMs: 3000, metrics });
  const rates = ratesPort(currency);
  const consumerOptions = { nats, orm, namespace: config.EVENT_NAMESPACE, logger, now };
  const consumers = [
    subscribeToUserDeleted(consumerOptions),
    subscribeToTransactionDeleted(consumerOptions),
    subscribeToTransactionUpdated({ ...consumerOptions, rates }),
  ];

  const auth = createServiceClient('auth', config, { deadlineMs: 3000, metrics });
  const ledger = createServiceClient('ledger', config, { deadlineMs: 5000, metrics });
  const ctx: GoalsContext = {
    orm,
    users: { profileOf: (userId) => userProfileOf(auth, userId, errors.userNotFound) },
    ledger: ledgerPort(ledger),
    rates,
    now,
    eventsWritten: () => relay.wake(),
  };

  const grpcServer = await startGrpcServer({
    metrics,
    address: config.GOALS_GRPC_ADDR,
    services: [goalsGrpcRegistration(ctx)],
    logger,
  });
  logger.info({ address: grpcServer.address }, 'goals service listening');
  const metricsServer = await startMetricsServer({ registry: metrics, host: config.METRICS_HOST, port: config.METRICS_PORT, logger });

  return {
    address: grpcServer.address,
    metricsAddress: metricsServer.address,
    drain: () => grpcServer.drain(),
    async stop(deadline?: number) {
      await grpcServer.stop(graceBefore(deadline));
      await metricsServer.close();
      for (const consumer of consumers) await consumer.stop();
      await relay.stop();
      await nats.close();
      auth.close();
      ledger.close();
      currency.close();
      await orm.close();
    },
  };
}

/**
 * The service as the manifest's tooling (the e2e stack) starts it: configuration read from `env`
 * exactly as main.ts reads process.env.
 */
export function start(env: NodeJS.ProcessEnv, logger?: Logger): Promise<RunningGoalsService> {
  const config = loadConfig(goalsConfigSchema, env);
  return startGoalsService(config, logger ?? createLogger('goals', config.LOG_LEVEL));
}
