import { connectNats, OutboxRelay } from '@finance/events';
import { ledgerEventStreams } from '@finance/events/contracts/ledger';
import { createLogger, loadConfig, migrateDatabase, startGrpcServer, type Logger } from '@finance/platform';
import { createServiceClient } from '@finance/platform/services';
import { userProfileOf } from '@finance/platform/user-profile';
import type { LedgerContext } from './application/context.js';
import { pruneExpiredIdempotencyKeys } from './application/idempotency.js';
import { ledgerConfigSchema, type LedgerConfig } from './config.js';
import { errors } from './domain/errors.js';
import { openLedgerDatabase } from './persistence/database.js';
import { subscribeToUserDeleted } from './transport/events/on-user-deleted.subscriber.js';
import { ledgerGrpcRegistration } from './transport/grpc/ledger.grpc.js';

export { ledgerConfigSchema, type LedgerConfig };

export interface RunningLedgerService {
  /** host:port the gRPC server listens on (the port is real even when 0 was asked for). */
  address: string;
  stop(): Promise<void>;
}

const PRUNE_EVERY_MS = 15 * 60 * 1000;

/** Composition: database + migrations, outbox relay, auth client, user-deleted consumer, gRPC server. */
export async function startLedgerService(config: LedgerConfig, logger: Logger = createLogger('ledger', config.LOG_LEVEL)): Promise<RunningLedgerService> {
  const orm = await openLedgerDatabase(config.DATABASE_URL, logger);
  await migrateDatabase(orm);

  const nats = connectNats({ url: config.NATS_URL, name: 'ledger', logger });
  const relay = new OutboxRelay({ orm, nats, namespace: config.EVENT_NAMESPACE, logger, streams: ledgerEventStreams });
  relay.start();

  const auth = createServiceClient('auth', config, { deadlineMs: 3000 });
  const ctx: LedgerContext = {
    orm,
    users: { baseCurrencyOf: async (userId) => (await userProfileOf(auth, userId, errors.userNotFound)).baseCurrency },
    eventsWritten: () => relay.wake(),
    now: () => new Date(),
  };
  const onUserDeleted = subscribeToUserDeleted({ nats, orm, namespace: config.EVENT_NAMESPACE, logger, now: ctx.now });

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
    address: config.LEDGER_GRPC_ADDR,
    services: [ledgerGrpcRegistration(ctx)],
    logger,
  });
  logger.info({ address: grpcServer.address }, 'ledger service listening');

  return {
    address: grpcServer.address,
    async stop() {
      clearInterval(pruneTimer);
      await grpcServer.stop();
      await pruning;
      await onUserDeleted.stop();
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
