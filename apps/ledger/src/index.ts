import { connectNats, OutboxRelay } from '@finance/events';
import { ledgerEventStreams } from '@finance/events/contracts/ledger';
import { createLogger, createMetrics, graceBefore, loadConfig, migrateOnStart, startGrpcServer, startMetricsServer, type Logger } from '@finance/platform';
import { createServiceClient } from '@finance/platform/services';
import { userProfileOf } from '@finance/platform/user-profile';
import type { LedgerContext } from './application/context.js';
import { pruneExpiredIdempotencyKeys } from './application/idempotency.js';
import { startScheduler } from './application/scheduler.js';
import { ledgerConfigSchema, type LedgerConfig } from './config.js';
import { errors } from './domain/errors.js';
import { openLedgerDatabase } from './persistence/database.js';
import { subscribeToUserDeleted } from './transport/events/on-user-deleted.subscriber.js';
import { subscribeToUserUpdated } from './transport/events/on-user-updated.subscriber.js';
import { ledgerGrpcRegistration } from './transport/grpc/ledger.grpc.js';

export { ledgerConfigSchema, type LedgerConfig };
// For scripts (bench/) and tests that drive the recurring scheduler themselves.
export { runSchedulerPass, type SchedulerPassResult, type SchedulerSettings } from './application/scheduler.js';
export type { LedgerContext } from './application/context.js';
export { openLedgerDatabase } from './persistence/database.js';

/**
 * What runSchedulerPass needs, for a script or test that opened the ledger database itself
 * (openLedgerDatabase): a pass asks auth nothing, and a running ledger's outbox relay is woken by the
 * outbox trigger's NOTIFY, so there is nothing to nudge here.
 */
export function schedulerContext(orm: LedgerContext['orm'], now: () => Date = () => new Date()): LedgerContext {
  const noAuth = async (): Promise<never> => {
    throw new Error('a scheduler pass does not ask auth');
  };
  return { orm, users: { baseCurrencyOf: noAuth, profileOf: noAuth }, eventsWritten: () => undefined, now };
}

export interface RunningLedgerService {
  /** host:port the gRPC server listens on (the port is real even when 0 was asked for). */
  address: string;
  /** host:port its Prometheus metrics are served on (GET /metrics; METRICS_PORT, METRICS_HOST). */
  metricsAddress: string;
  /** Readiness off (gRPC health of the service NOT_SERVING), still serving: the drain before stop (onShutdown). */
  drain(): void;
  /** Refuses new calls, finishes those in flight and the background work in hand, closes; by `deadline` (epoch ms) when given. */
  stop(deadline?: number): Promise<void>;
}

const PRUNE_EVERY_MS = 15 * 60 * 1000;

/**
 * Composition: database + migrations, outbox relay, auth client, user-deleted and user-updated
 * consumers, the recurring scheduler (unless RECURRING_SCAN_INTERVAL_S is 0), gRPC server.
 */
export async function startLedgerService(config: LedgerConfig, logger: Logger = createLogger('ledger', config.LOG_LEVEL)): Promise<RunningLedgerService> {
  // This service's own registry (tests run several services in one process), served on METRICS_PORT.
  const metrics = createMetrics();
  const orm = await openLedgerDatabase(config.DATABASE_URL, logger);
  await migrateOnStart(orm, config);

  const nats = connectNats({ url: config.NATS_URL, name: 'ledger', logger, metrics });
  const relay = new OutboxRelay({ orm, nats, namespace: config.EVENT_NAMESPACE, logger, streams: ledgerEventStreams });
  relay.start();

  const auth = createServiceClient('auth', config, { deadlineMs: 3000, metrics });
  const ctx: LedgerContext = {
    orm,
    users: {
      baseCurrencyOf: async (userId) => (await userProfileOf(auth, userId, errors.userNotFound)).baseCurrency,
      profileOf: (userId) => userProfileOf(auth, userId, errors.userNotFound),
    },
    eventsWritten: () => relay.wake(),
    now: () => new Date(),
  };
  const onUserDeleted = subscribeToUserDeleted({ nats, orm, namespace: config.EVENT_NAMESPACE, logger, now: ctx.now });
  const onUserUpdated = subscribeToUserUpdated({ nats, orm, namespace: config.EVENT_NAMESPACE, logger, now: ctx.now });
  const scheduler =
    config.RECURRING_SCAN_INTERVAL_S > 0
      ? startScheduler(ctx, { intervalS: config.RECURRING_SCAN_INTERVAL_S, reminderDays: config.RECURRING_REMINDER_DAYS }, logger, metrics)
      : undefined;

  const prune = () =>
    pruneExpiredIdempotencyKeys(orm, ctx.now()).then(
      (n) => n && logger.debug({ pruned: n }, 'expired idempotency keys pruned'),
      (err: unknown) => logger.warn({ err }, 'pruning idempotency keys failed'),
    );
  let pruning = prune();
  const pruneTimer = setInterval(() => {
    pruning = prune();
  }, PRUNE_EVERY_MS);
  pruneTimer.unref();

  const grpcServer = await startGrpcServer({
    metrics,
    address: config.LEDGER_GRPC_ADDR,
    services: [ledgerGrpcRegistration(ctx)],
    logger,
    // ImportTransactions carries a whole file's rows: a 10 MiB CSV is about 12–14 MiB of protobuf.
    maxReceiveMessageBytes: 32 * 1024 * 1024,
  });
  logger.info({ address: grpcServer.address }, 'ledger service listening');
  const metricsServer = await startMetricsServer({ registry: metrics, host: config.METRICS_HOST, port: config.METRICS_PORT, logger });

  return {
    address: grpcServer.address,
    metricsAddress: metricsServer.address,
    drain: () => grpcServer.drain(),
    async stop(deadline?: number) {
      clearInterval(pruneTimer);
      await grpcServer.stop(graceBefore(deadline));
      await metricsServer.close();
      await scheduler?.stop();
      await pruning;
      await onUserDeleted.stop();
      await onUserUpdated.stop();
      await relay.stop();
      await nats.close();
      auth.close();
      await orm.close();
    },
  };
}

/**
 * The service as the manifest's tooling (the e2e stack) starts it: configuration read from `env`
 * exactly as main.ts reads process.env.
 */
export function start(env: NodeJS.ProcessEnv, logger?: Logger): Promise<RunningLedgerService> {
  const config = loadConfig(ledgerConfigSchema, env);
  return startLedgerService(config, logger ?? createLogger('ledger', config.LOG_LEVEL));
}
