// Budgeting service: budgets, their periods and spending analysis (API.md, "Version 2"), and the
// budget alerts at 80 and 100 % (Version 4; README "Budget alerts").
import { connectNats, OutboxRelay } from '@finance/events';
import { budgetingEventStreams } from '@finance/events/contracts/budgeting';
import { createLogger, createMetrics, graceBefore, loadConfig, migrateOnStart, startGrpcServer, startMetricsServer, type Logger } from '@finance/platform';
import { createServiceClient } from '@finance/platform/services';
import { createRateBook } from '@finance/rates';
import { userProfileOf } from '@finance/platform/user-profile';
import type { BudgetingContext } from './application/context.js';
import { cachedTimezones, ThresholdChecker } from './application/thresholds.js';
import { budgetingConfigSchema, type BudgetingConfig } from './config.js';
import { errors } from './domain/errors.js';
import { openBudgetingDatabase } from './persistence/database.js';
import { subscribeToCategoryDeleted } from './transport/events/on-category-deleted.subscriber.js';
import { subscribeToTransactionEvents } from './transport/events/on-transaction-changed.subscriber.js';
import { subscribeToUserDeleted } from './transport/events/on-user-deleted.subscriber.js';
import { budgetingGrpcRegistration } from './transport/grpc/budgeting.grpc.js';
import { ledgerPort } from './transport/grpc/ledger.client.js';

export { budgetingConfigSchema, type BudgetingConfig };

export interface RunningBudgetingService {
  /** host:port the gRPC server listens on (the port is real even when 0 was asked for). */
  address: string;
  /** host:port its Prometheus metrics are served on (GET /metrics; METRICS_PORT, METRICS_HOST). */
  metricsAddress: string;
  /** Readiness off (gRPC health of the service NOT_SERVING), still serving: the drain before stop (onShutdown). */
  drain(): void;
  /** Refuses new calls, finishes those in flight and the background work in hand, closes; by `deadline` (epoch ms) when given. */
  stop(deadline?: number): Promise<void>;
}

export interface BudgetingServiceOptions {
  /** The clock ("today" when a request names no date; created_at/updated_at). Tests pin it. */
  now?: () => Date;
  /**
   * Whether this process runs the threshold checker (default true). Checks are still queued without
   * it (another replica works them); test files that count every call to their stubs turn it off.
   */
  thresholdChecker?: boolean;
  /** Delay before a failed threshold check is tried again (default 5 s). Tests shorten it. */
  thresholdRetryMs?: number;
}

/** Ledger calls one GetBudgetStatus runs at once. */
const STATUS_CONCURRENCY = 8;

/**
 * Composition: database + migrations, outbox relay, auth, ledger and currency clients, event
 * consumers, the threshold checker (budget alerts), gRPC server.
 */
export async function startBudgetingService(
  config: BudgetingConfig,
  logger: Logger = createLogger('budgeting', config.LOG_LEVEL),
  options: BudgetingServiceOptions = {},
): Promise<RunningBudgetingService> {
  // This service's own registry (tests run several services in one process), served on METRICS_PORT.
  const metrics = createMetrics();
  const orm = await openBudgetingDatabase(config.DATABASE_URL, logger);
  await migrateOnStart(orm, config);
  const now = options.now ?? (() => new Date());

  const nats = connectNats({ url: config.NATS_URL, name: 'budgeting', logger, metrics });
  // Budget alerts (budgeting.budget.threshold_crossed.v1) leave through the outbox, so one written
  // while NATS is down goes out when it returns.
  const relay = new OutboxRelay({ orm, nats, namespace: config.EVENT_NAMESPACE, logger, streams: budgetingEventStreams });
  relay.start();
  const onUserDeleted = subscribeToUserDeleted({ nats, orm, namespace: config.EVENT_NAMESPACE, logger, now });
  const onCategoryDeleted = subscribeToCategoryDeleted({ nats, orm, namespace: config.EVENT_NAMESPACE, logger, now });

  const auth = createServiceClient('auth', config, { deadlineMs: 3000, metrics });
  const ledger = createServiceClient('ledger', config, { deadlineMs: 5000, metrics });
  const currency = createServiceClient('currency', config, { deadlineMs: 3000, metrics });
  const ctx: BudgetingContext = {
    orm,
    users: { profileOf: (userId) => userProfileOf(auth, userId, errors.userNotFound) },
    ledger: ledgerPort(ledger),
    // One rate book for the process: its cache (past days kept, the latest day 10 minutes) is what
    // keeps conversion off the network.
    rates: createRateBook(currency),
    now,
    statusConcurrency: STATUS_CONCURRENCY,
  };
  const timezones = cachedTimezones(ctx.users);
  const checker = new ThresholdChecker(ctx, {
    logger,
    timezones,
    eventsWritten: () => relay.wake(),
    ...(options.thresholdRetryMs === undefined ? {} : { retryMs: options.thresholdRetryMs }),
  });
  if (options.thresholdChecker !== false) {
    ctx.thresholdChecksRequested = () => checker.wake();
    checker.start();
  }
  const onTransaction = subscribeToTransactionEvents({ nats, orm, namespace: config.EVENT_NAMESPACE, logger, ctx, timezones, checker });

  const grpcServer = await startGrpcServer({
    metrics,
    address: config.BUDGETING_GRPC_ADDR,
    services: [budgetingGrpcRegistration(ctx)],
    logger,
  });
  logger.info({ address: grpcServer.address }, 'budgeting service listening');
  const metricsServer = await startMetricsServer({ registry: metrics, host: config.METRICS_HOST, port: config.METRICS_PORT, logger });

  return {
    address: grpcServer.address,
    metricsAddress: metricsServer.address,
    drain: () => grpcServer.drain(),
    async stop(deadline?: number) {
      await grpcServer.stop(graceBefore(deadline));
      await metricsServer.close();
      for (const consumer of onTransaction) await consumer.stop();
      await checker.stop();
      await onCategoryDeleted.stop();
      await onUserDeleted.stop();
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
export function start(env: NodeJS.ProcessEnv, logger?: Logger): Promise<RunningBudgetingService> {
  const config = loadConfig(budgetingConfigSchema, env);
  return startBudgetingService(config, logger ?? createLogger('budgeting', config.LOG_LEVEL));
}
