import { randomUUID } from 'node:crypto';
import type { EventContract, EventInput } from '@finance/events';
import { publishEvent as publishContractEvent } from '@finance/events/testing';
import { createGrpcClient, createLogger, type GrpcClient, type MikroORM } from '@finance/platform';
import { authV1, ledgerV1 } from '@finance/proto';
import {
  addStubUser,
  answerUserProfiles,
  createTestDatabase,
  date,
  deleteNamespaceStreams,
  GrpcStub,
  randomNamespace,
  TcpProxy,
  testNatsUrl,
  updateStubUser,
  type StubProfile,
  type TestDatabase,
} from '@finance/testing';
import { ledgerConfigSchema, schedulerContext as ledgerSchedulerContext, startLedgerService, type LedgerConfig, type RunningLedgerService } from '../src/index.js';
import { openLedgerDatabase } from '../src/persistence/database.js';

export const { TransactionType, SumGrouping } = ledgerV1;
export const EXPENSE = ledgerV1.TransactionType.TRANSACTION_TYPE_EXPENSE;
export const INCOME = ledgerV1.TransactionType.TRANSACTION_TYPE_INCOME;

/** TEST_LOG_LEVEL (default silent): `TEST_LOG_LEVEL=debug` shows the service's log. */
const testLogLevel = (process.env.TEST_LOG_LEVEL ?? 'silent') as 'silent';

export type AuthStub = GrpcStub<typeof authV1.AuthServiceService>;

/** What the auth stub answers about a user. */
export type Profile = StubProfile;

export interface LedgerHarness {
  db: TestDatabase;
  config: LedgerConfig;
  namespace: string;
  ledger: RunningLedgerService;
  /** Auth as the ledger meets it: a scripted stub (GetUser answers `profiles`; see scriptAuth). */
  auth: AuthStub;
  /** The users the auth stub knows, by id (registerUser adds to it). */
  profiles: Map<string, Profile>;
  client: GrpcClient<typeof ledgerV1.LedgerServiceService>;
  /** The ledger schema seen directly, for assertions and for holding locks. */
  orm: MikroORM;
  /** Present when started with `authProxy`: the ledger reaches the auth stub only through it. */
  authProxy?: TcpProxy;
  close(): Promise<void>;
}

/**
 * The stub's standing script: GetUser answers the profile of a known user; for an unknown one it
 * answers what auth answers for a deleted account (UNAUTHENTICATED, AUTH_USER_NOT_FOUND). Any other
 * RPC is unscripted. A test that scripts its own answers calls this again afterwards.
 */
export function scriptAuth(h: Pick<LedgerHarness, 'auth' | 'profiles'>): void {
  h.auth.reset();
  answerUserProfiles(h.auth, h.profiles);
}

/**
 * The ledger service in-process on one fresh database and one event namespace (real PostgreSQL and
 * NATS), with a scripted auth stub in place of the auth service and a real gRPC client. Users are
 * random ids the stub knows (registerUser); events other services publish are published by the
 * test itself (publishEvent).
 */
export async function startLedgerHarness(opts: { authProxy?: boolean; env?: Partial<Record<keyof LedgerConfig, string>> } = {}): Promise<LedgerHarness> {
  const db = await createTestDatabase();
  const namespace = randomNamespace();
  const stoppers: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stoppers.reverse()) await stop();
  };
  try {
    const auth = await GrpcStub.start(authV1.AuthServiceService);
    stoppers.push(() => auth.stop());
    const authProxy = opts.authProxy ? await TcpProxy.start('127.0.0.1', auth.port) : undefined;
    if (authProxy) stoppers.push(() => authProxy.close());
    const config = ledgerConfigSchema.parse({
      DATABASE_URL: db.url,
      NATS_URL: testNatsUrl(),
      EVENT_NAMESPACE: namespace,
      LOG_LEVEL: testLogLevel,
      LEDGER_GRPC_ADDR: '127.0.0.1:0',
      METRICS_PORT: '0', // a free port: test files run in parallel
      AUTH_GRPC_ADDR: authProxy ? `127.0.0.1:${authProxy.port}` : auth.address,
      // No recurring scheduler unless a test asks for one: tests run passes themselves (schedulerContext).
      RECURRING_SCAN_INTERVAL_S: '0',
      ...opts.env,
    });
    const ledger = await startLedgerService(config, createLogger('ledger-test', testLogLevel));
    stoppers.push(() => ledger.stop());
    const client = createGrpcClient(ledgerV1.LedgerServiceService, ledger.address, { deadlineMs: 15_000 });
    stoppers.push(async () => client.$channel.close());
    const orm = await openLedgerDatabase(db.url, createLogger('ledger-test-db', testLogLevel));
    stoppers.push(() => orm.close());
    const h: LedgerHarness = {
      db,
      config,
      namespace,
      ledger,
      auth,
      profiles: new Map(),
      client,
      orm,
      ...(authProxy ? { authProxy } : {}),
      async close() {
        await stopAll();
        await db.drop();
        await deleteNamespaceStreams(testNatsUrl(), namespace);
      },
    };
    scriptAuth(h);
    return h;
  } catch (err) {
    // A half-started harness must not keep jest alive or leave a database behind.
    await stopAll().catch(() => undefined);
    await db.drop().catch(() => undefined);
    throw err;
  }
}

/** A new user the auth stub knows (base currency USD, time zone UTC unless given); returns its id. */
export function registerUser(h: Pick<LedgerHarness, 'profiles'>, profile: Partial<Profile> = {}): string {
  return addStubUser(h.profiles, profile);
}

/** Changes what the auth stub answers about a user, as a profile update in auth would. */
export function updateProfile(h: Pick<LedgerHarness, 'profiles'>, userId: string, fields: Partial<Profile>): void {
  updateStubUser(h.profiles, userId, fields);
}

/** Publishes an event of another service's contract in the harness's namespace, as its producer would. */
export const publishEvent = <C extends EventContract<string, any>>(h: Pick<LedgerHarness, 'namespace'>, contract: C, input: EventInput<C>) =>
  publishContractEvent(testNatsUrl(), h.namespace, contract, input);

export { date, iso, rejected } from '@finance/testing';

export function newTransaction(userId: string, overrides: Partial<ledgerV1.CreateTransactionRequest> = {}): ledgerV1.CreateTransactionRequest {
  return {
    userId,
    amount: '12.50',
    transactionType: EXPENSE,
    date: date('2026-03-15'),
    description: 'Lunch',
    currency: 'USD',
    ...overrides,
  };
}

export async function createCategory(h: LedgerHarness, userId: string, name = `Cat ${randomUUID().slice(0, 8)}`, color = '#336699') {
  const { category } = await h.client.createCategory({ userId, name, color });
  return category!;
}

/** Every transaction of a list, following next_cursor with the given page size. */
export async function listAll(h: LedgerHarness, request: Omit<ledgerV1.ListTransactionsRequest, 'page'>, limit = 200) {
  const items: ledgerV1.Transaction[] = [];
  let cursor = '';
  for (;;) {
    const { items: page, page: info } = await h.client.listTransactions({ ...request, page: { limit, cursor } });
    items.push(...page);
    cursor = info!.nextCursor;
    if (!cursor) return items;
  }
}

export type CountedTable = 'transaction' | 'category' | 'idempotency_key' | 'recurring_template' | 'recurring_occurrence' | 'recurring_reminder' | 'user_timezone';

export async function countRows(h: Pick<LedgerHarness, 'orm'>, table: CountedTable, userId: string): Promise<number> {
  const [row] = await h.orm.em.fork().execute<{ n: number }[]>(`select count(*)::int as n from ledger.${table} where user_id = ?`, [userId]);
  return row!.n;
}

/** What runSchedulerPass needs, on `orm` (the harness's own, or another one to play a second replica). */
export const schedulerContext = ledgerSchedulerContext;

/** Another connection pool on the harness's database: a second ledger replica as far as PostgreSQL can tell. */
export function openReplicaOrm(h: Pick<LedgerHarness, 'db'>): Promise<MikroORM> {
  return openLedgerDatabase(h.db.url, createLogger('ledger-test-replica', testLogLevel));
}

export const FREQUENCY = ledgerV1.Frequency;
export const WEEKEND = ledgerV1.WeekendRule;

export function newRecurring(userId: string, overrides: Partial<ledgerV1.CreateRecurringRequest> = {}): ledgerV1.CreateRecurringRequest {
  return {
    userId,
    amount: '1500.00',
    transactionType: EXPENSE,
    frequency: ledgerV1.Frequency.FREQUENCY_MONTHLY,
    startDate: date('2026-01-31'),
    endDate: undefined,
    description: 'Rent',
    currency: 'USD',
    weekend: ledgerV1.WeekendRule.WEEKEND_RULE_UNSPECIFIED,
    ...overrides,
  };
}

/** The user's transactions as (date, description, amount minor) rows, by date. */
export async function transactionRows(h: Pick<LedgerHarness, 'orm'>, userId: string) {
  return h.orm.em
    .fork()
    .execute<{ id: string; date: string; description: string; amount_minor: string }[]>(
      'select id, date::text as date, description, amount_minor::text as amount_minor from ledger.transaction where user_id = ? order by date, id',
      [userId],
    );
}

/** The created occurrences of a template, by date. */
export async function occurrenceRows(h: Pick<LedgerHarness, 'orm'>, templateId: string) {
  return h.orm.em
    .fork()
    .execute<{ occurrence_date: string; transaction_id: string }[]>(
      'select occurrence_date::text as occurrence_date, transaction_id from ledger.recurring_occurrence where template_id = ? order by occurrence_date',
      [templateId],
    );
}
