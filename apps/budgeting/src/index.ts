// Budgeting service: budgets, their periods and spending analysis (API.md, "Version 2").
import { connectNats } from '@finance/events';
import { createLogger, migrateDatabase, startGrpcServer, type Logger } from '@finance/platform';
import { budgetingV1 } from '@finance/proto';
import type { BudgetingContext } from './application/context.js';
import { budgetingConfigSchema, type BudgetingConfig } from './config.js';
import { openBudgetingDatabase } from './persistence/database.js';
import { subscribeToCategoryDeleted } from './transport/events/on-category-deleted.subscriber.js';
import { subscribeToUserDeleted } from './transport/events/on-user-deleted.subscriber.js';
import { authUserDirectory, createAuthClient } from './transport/grpc/auth.client.js';
import { budgetingGrpcService } from './transport/grpc/budgeting.grpc.js';
import { createLedgerClient, ledgerPort } from './transport/grpc/ledger.client.js';

export { budgetingConfigSchema, type BudgetingConfig };
// Pure budget arithmetic, for whoever needs the same periods (reports, notifications).
export * from './domain/periods.js';
export { analyzeBudget, analyzePeriod, budgetStatus, HISTORY_PERIODS, type BudgetAnalysis, type BudgetStatus, type DailySpending, type PeriodAnalysis, type PeriodSpending } from './domain/analysis.js';
export { BudgetingErrorCode } from './domain/errors.js';
export { localDate } from './domain/today.js';

export interface RunningBudgetingService {
  /** host:port the gRPC server listens on (the port is real even when 0 was asked for). */
  address: string;
  stop(): Promise<void>;
}

export interface BudgetingServiceOptions {
  /** The clock ("today" when a request names no date; created_at/updated_at). Tests pin it. */
  now?: () => Date;
}

/** Ledger calls one GetBudgetStatus runs at once. */
const STATUS_CONCURRENCY = 8;

/** Composition: database + migrations, auth and ledger clients, event consumers, gRPC server. */
export async function startBudgetingService(
  config: BudgetingConfig,
  logger: Logger = createLogger('budgeting', config.LOG_LEVEL),
  options: BudgetingServiceOptions = {},
): Promise<RunningBudgetingService> {
  const orm = await openBudgetingDatabase(config.DATABASE_URL, logger);
  await migrateDatabase(orm);
  const now = options.now ?? (() => new Date());

  const nats = connectNats({ url: config.NATS_URL, name: 'budgeting', logger });
  const onUserDeleted = subscribeToUserDeleted({ nats, orm, namespace: config.EVENT_NAMESPACE, logger });
  const onCategoryDeleted = subscribeToCategoryDeleted({ nats, orm, namespace: config.EVENT_NAMESPACE, logger, now });

  const auth = createAuthClient(config.AUTH_GRPC_ADDR);
  const ledger = createLedgerClient(config.LEDGER_GRPC_ADDR);
  const ctx: BudgetingContext = {
    orm,
    users: authUserDirectory(auth),
    ledger: ledgerPort(ledger),
    now,
    statusConcurrency: STATUS_CONCURRENCY,
  };

  const grpcServer = await startGrpcServer({
    address: config.BUDGETING_GRPC_ADDR,
    services: [{ definition: budgetingV1.BudgetingServiceService, implementation: budgetingGrpcService(ctx) }],
    logger,
  });
  logger.info({ address: grpcServer.address }, 'budgeting service listening');

  return {
    address: grpcServer.address,
    async stop() {
      await grpcServer.stop();
      await onCategoryDeleted.stop();
      await onUserDeleted.stop();
      await nats.close();
      auth.$channel.close();
      ledger.$channel.close();
      await orm.close();
    },
  };
}
