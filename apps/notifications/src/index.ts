// Notifications service: in-app notifications and their e-mails, made from other services' events (API.md, "Version 4").
import { connectNats } from '@finance/events';
import { createLogger, createMetrics, graceBefore, loadConfig, migrateOnStart, startGrpcServer, startMetricsServer, type Logger } from '@finance/platform';
import { createServiceClient } from '@finance/platform/services';
import type { NotificationsContext } from './application/context.js';
import { EmailWorker } from './application/email-worker.js';
import { notificationsConfigSchema, type NotificationsConfig } from './config.js';
import { openNotificationsDatabase } from './persistence/database.js';
import { subscribeToBudgetThresholdCrossed } from './transport/events/on-budget-threshold-crossed.subscriber.js';
import { subscribeToGoalMilestoneReached } from './transport/events/on-goal-milestone-reached.subscriber.js';
import { subscribeToRecurringUpcoming } from './transport/events/on-recurring-upcoming.subscriber.js';
import { subscribeToUserDeleted } from './transport/events/on-user-deleted.subscriber.js';
import { subscribeToUserUpdated } from './transport/events/on-user-updated.subscriber.js';
import type { SubscriberOptions } from './transport/events/subscriber-options.js';
import { userDirectory } from './transport/grpc/auth.client.js';
import { notificationsGrpcRegistration } from './transport/grpc/notifications.grpc.js';
import { mailDomainOf, smtpMailer, type SmtpMailer } from './transport/smtp/smtp.mailer.js';

export { notificationsConfigSchema, type NotificationsConfig };

export interface RunningNotificationsService {
  /** host:port the gRPC server listens on (the port is real even when 0 was asked for). */
  address: string;
  /** host:port its Prometheus metrics are served on (GET /metrics; METRICS_PORT, METRICS_HOST). */
  metricsAddress: string;
  /** Sends the e-mails due now (tests with MAIL_SCAN_INTERVAL_MS=0 drive the worker by hand). */
  deliverEmails(): Promise<void>;
  /** Readiness off (gRPC health of the service NOT_SERVING), still serving: the drain before stop (onShutdown). */
  drain(): void;
  /** Refuses new calls, finishes those in flight and the background work in hand, closes; by `deadline` (epoch ms) when given. */
  stop(deadline?: number): Promise<void>;
}

export interface NotificationsServiceOptions {
  /** The clock (created_at, read_at, e-mail retries, "today"). Tests pin it. */
  now?: () => Date;
  /** Redelivery delay after a failed event handler (tests shorten it). */
  eventRetryDelayMs?: (deliveryCount: number) => number;
}

/** Composition: database + migrations, auth client, mail worker, event consumers, gRPC server. */
export async function startNotificationsService(
  config: NotificationsConfig,
  logger: Logger = createLogger('notifications', config.LOG_LEVEL),
  options: NotificationsServiceOptions = {},
): Promise<RunningNotificationsService> {
  // This service's own registry (tests run several services in one process), served on METRICS_PORT.
  const metrics = createMetrics();
  const orm = await openNotificationsDatabase(config.DATABASE_URL, logger);
  await migrateOnStart(orm, config);
  const now = options.now ?? (() => new Date());

  const mailer: SmtpMailer = smtpMailer({ url: config.SMTP_URL, from: config.MAIL_FROM, timeoutMs: config.SMTP_TIMEOUT_MS });
  const worker = new EmailWorker({
    orm,
    mailer,
    now,
    retry: { baseMs: config.MAIL_RETRY_BASE_MS, maxMs: Math.max(config.MAIL_RETRY_BASE_MS, config.MAIL_RETRY_MAX_MS) },
    scanIntervalMs: config.MAIL_SCAN_INTERVAL_MS,
    logger: logger.child({ component: 'mail-worker' }),
    metrics,
  });
  worker.start();

  const auth = createServiceClient('auth', config, { deadlineMs: 3000, metrics });
  const ctx: NotificationsContext = {
    orm,
    users: userDirectory(auth),
    now,
    mailDomain: mailDomainOf(config.MAIL_FROM),
    emailQueued: () => worker.wake(),
  };

  const nats = connectNats({ url: config.NATS_URL, name: 'notifications', logger, metrics });
  const subscriber: SubscriberOptions = {
    consumer: { nats, orm, namespace: config.EVENT_NAMESPACE, logger, retryDelayMs: options.eventRetryDelayMs },
    ctx,
  };
  const consumers = [
    subscribeToUserDeleted(subscriber),
    subscribeToUserUpdated(subscriber),
    subscribeToBudgetThresholdCrossed(subscriber),
    subscribeToGoalMilestoneReached(subscriber),
    subscribeToRecurringUpcoming(subscriber),
  ];

  const grpcServer = await startGrpcServer({
    metrics,
    address: config.NOTIFICATIONS_GRPC_ADDR,
    services: [notificationsGrpcRegistration(ctx)],
    logger,
  });
  logger.info({ address: grpcServer.address }, 'notifications service listening');
  const metricsServer = await startMetricsServer({ registry: metrics, host: config.METRICS_HOST, port: config.METRICS_PORT, logger });

  return {
    address: grpcServer.address,
    metricsAddress: metricsServer.address,
    deliverEmails: () => worker.runOnce(),
    drain: () => grpcServer.drain(),
    async stop(deadline?: number) {
      await grpcServer.stop(graceBefore(deadline));
      await metricsServer.close();
      for (const consumer of consumers) await consumer.stop();
      // After the consumers: nothing queues an e-mail any more; the one in flight finishes.
      await worker.stop();
      await nats.close();
      auth.close();
      mailer.close();
      await orm.close();
    },
  };
}

/**
 * The service as the manifest's tooling (the e2e stack) starts it: configuration read from `env`
 * exactly as main.ts reads process.env.
 */
export function start(env: NodeJS.ProcessEnv, logger?: Logger): Promise<RunningNotificationsService> {
  const config = loadConfig(notificationsConfigSchema, env);
  return startNotificationsService(config, logger ?? createLogger('notifications', config.LOG_LEVEL));
}
