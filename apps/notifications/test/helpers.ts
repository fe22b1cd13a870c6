import { randomUUID } from 'node:crypto';
import type { EventContract, EventInput } from '@finance/events';
import { publishEvent as publishContractEvent } from '@finance/events/testing';
import { createGrpcClient, createLogger, type GrpcClient, type MikroORM } from '@finance/platform';
import { authV1, notificationsV1 } from '@finance/proto';
import { createTestDatabase, deleteNamespaceStreams, GrpcStub, randomNamespace, stubError, testNatsUrl, type TestDatabase } from '@finance/testing';
import type { NotificationPreferences } from '../src/domain/notification.js';
import { notificationsConfigSchema, startNotificationsService, type NotificationsConfig, type RunningNotificationsService } from '../src/index.js';
import { openNotificationsDatabase } from '../src/persistence/database.js';
import { SmtpSink } from './smtp-sink.js';

export { date, iso, rejected } from '@finance/testing';
export { SmtpSink, type ReceivedMail } from './smtp-sink.js';

/** TEST_LOG_LEVEL (default silent): `TEST_LOG_LEVEL=debug` shows the service's log. */
const testLogLevel = (process.env.TEST_LOG_LEVEL ?? 'silent') as 'silent';

export type AuthStub = GrpcStub<typeof authV1.AuthServiceService>;

/** A user as auth knows it (GetUser). */
export interface AuthUser {
  email: string;
  timezone: string;
  preferences: NotificationPreferences;
}

export const ALL_ON: NotificationPreferences = { email: true, budget_alerts: true, recurring_reminders: true, goal_milestones: true };

export interface NotificationsHarness {
  db: TestDatabase;
  config: NotificationsConfig;
  namespace: string;
  service: RunningNotificationsService;
  /** Auth as notifications meets it: GetUser answers `users` (unknown → UNAUTHENTICATED, as for an erased account). */
  auth: AuthStub;
  users: Map<string, AuthUser>;
  smtp: SmtpSink;
  client: GrpcClient<typeof notificationsV1.NotificationsServiceService>;
  /** The notifications schema seen directly, for assertions. */
  orm: MikroORM;
  setNow(instant: Date | undefined): void;
  /** Another instance of the service on the same database, namespace and SMTP server (a replica). */
  startReplica(overrides?: Record<string, string>): Promise<RunningNotificationsService>;
  close(): Promise<void>;
}

/** Fast retries for tests: an e-mail retried after 200 ms doubling to 1 s, a failed event after 200 ms. */
export const TEST_MAIL_ENV = { MAIL_SCAN_INTERVAL_MS: '100', MAIL_RETRY_BASE_MS: '200', MAIL_RETRY_MAX_MS: '1000', SMTP_TIMEOUT_MS: '2000' };

/**
 * The notifications service in-process on one fresh database and event namespace (real PostgreSQL
 * and NATS), a scripted auth, and a real SMTP server in-process behind a cuttable proxy.
 */
export async function startNotificationsHarness(env: Record<string, string> = {}): Promise<NotificationsHarness> {
  const db = await createTestDatabase();
  const namespace = randomNamespace();
  const stoppers: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stoppers.reverse()) await stop();
  };
  try {
    const auth = await GrpcStub.start(authV1.AuthServiceService);
    stoppers.push(() => auth.stop());
    const users = new Map<string, AuthUser>();
    auth.on('getUser', ({ userId }) => {
      const user = users.get(userId);
      if (!user) throw stubError('unauthenticated', 'AUTH_USER_NOT_FOUND', 'The account of this token no longer exists.');
      const p = user.preferences;
      return {
        user: {
          id: userId,
          email: user.email,
          username: `u${userId.slice(0, 8)}`,
          isActive: true,
          baseCurrency: 'USD',
          timezone: user.timezone,
          notificationPreferences: { email: p.email, budgetAlerts: p.budget_alerts, recurringReminders: p.recurring_reminders, goalMilestones: p.goal_milestones },
          createdAt: undefined,
          updatedAt: undefined,
        },
      };
    });
    const smtp = await SmtpSink.start();
    stoppers.push(() => smtp.close());
    const raw = {
      DATABASE_URL: db.url,
      NATS_URL: testNatsUrl(),
      EVENT_NAMESPACE: namespace,
      AUTH_GRPC_ADDR: auth.address,
      LOG_LEVEL: testLogLevel,
      NOTIFICATIONS_GRPC_ADDR: '127.0.0.1:0',
      METRICS_PORT: '0', // a free port: test files run in parallel
      SMTP_URL: smtp.url,
      ...TEST_MAIL_ENV,
      ...env,
    };
    const config = notificationsConfigSchema.parse(raw);
    let pinned: Date | undefined;
    const options = { now: () => pinned ?? new Date(), eventRetryDelayMs: () => 200 };
    const service = await startNotificationsService(config, createLogger('notifications-test', testLogLevel), options);
    stoppers.push(() => service.stop());
    const client = createGrpcClient(notificationsV1.NotificationsServiceService, service.address, { deadlineMs: 15_000 });
    stoppers.push(async () => client.$channel.close());
    const orm = await openNotificationsDatabase(db.url, createLogger('notifications-test-db', testLogLevel));
    stoppers.push(() => orm.close());
    return {
      db,
      config,
      namespace,
      service,
      auth,
      users,
      smtp,
      client,
      orm,
      setNow(instant) {
        pinned = instant;
      },
      async startReplica(overrides = {}) {
        const replica = await startNotificationsService(notificationsConfigSchema.parse({ ...raw, ...overrides }), createLogger('notifications-replica', testLogLevel), options);
        let stopped: Promise<void> | undefined;
        const stop = () => (stopped ??= replica.stop());
        stoppers.push(stop);
        return { ...replica, stop };
      },
      async close() {
        await stopAll();
        await db.drop();
        await deleteNamespaceStreams(testNatsUrl(), namespace);
      },
    };
  } catch (err) {
    // A half-started harness must not keep jest alive or leave a database behind.
    await stopAll().catch(() => undefined);
    await db.drop().catch(() => undefined);
    throw err;
  }
}

/** A new user auth knows (every preference on unless given); returns its id and address. */
export function registerUser(h: Pick<NotificationsHarness, 'users'>, preferences: Partial<NotificationPreferences> = {}, timezone = 'UTC'): { userId: string; email: string } {
  const userId = randomUUID();
  const email = `${userId.slice(0, 8)}@example.com`;
  h.users.set(userId, { email, timezone, preferences: { ...ALL_ON, ...preferences } });
  return { userId, email };
}

/** Publishes an event of another service's contract in the harness's namespace, as its producer would. */
export const publishEvent = <C extends EventContract<string, any>>(h: Pick<NotificationsHarness, 'namespace'>, contract: C, input: EventInput<C>) =>
  publishContractEvent(testNatsUrl(), h.namespace, contract, input);

/** The user's notifications as the API lists them (newest first), kind and title only. */
export async function titlesOf(h: NotificationsHarness, userId: string): Promise<string[]> {
  const { items } = await h.client.listNotifications({ userId, page: { limit: 200, cursor: '' }, unreadOnly: false });
  return items.map((n) => n.title);
}

export async function countRows(h: NotificationsHarness, table: 'notification' | 'email_outbox' | 'user_profile', userId: string): Promise<number> {
  const [row] = await h.orm.em.fork().execute<{ n: number }[]>(`select count(*)::int as n from notifications.${table} where user_id = ?`, [userId]);
  return row!.n;
}
