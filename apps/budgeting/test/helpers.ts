import { randomUUID } from 'node:crypto';
import { authConfigSchema, startAuthService, type RunningAuthService } from '@finance/auth';
import { ledgerConfigSchema, startLedgerService, type RunningLedgerService } from '@finance/ledger';
import { createGrpcClient, createLogger, fromGrpcError, isServiceError, type GrpcClient, type MikroORM } from '@finance/platform';
import { authV1, budgetingV1, ledgerV1 } from '@finance/proto';
import { createTestDatabase, deleteNamespaceStreams, randomNamespace, TcpProxy, testNatsUrl, type TestDatabase } from '@finance/testing';
import { budgetingConfigSchema, startBudgetingService, type BudgetingConfig, type RunningBudgetingService } from '../src/index.js';
import { openBudgetingDatabase } from '../src/persistence/database.js';

export const { BudgetPeriod, BudgetStatus } = budgetingV1;
export const MONTHLY = budgetingV1.BudgetPeriod.BUDGET_PERIOD_MONTHLY;
export const EXPENSE = ledgerV1.TransactionType.TRANSACTION_TYPE_EXPENSE;
export const INCOME = ledgerV1.TransactionType.TRANSACTION_TYPE_INCOME;

const logLevel = (process.env.TEST_LOG_LEVEL ?? 'silent') as 'silent';

export interface BudgetingHarness {
  db: TestDatabase;
  config: BudgetingConfig;
  namespace: string;
  auth: RunningAuthService;
  ledger: RunningLedgerService;
  budgeting: RunningBudgetingService;
  authClient: GrpcClient<typeof authV1.AuthServiceService>;
  ledgerClient: GrpcClient<typeof ledgerV1.LedgerServiceService>;
  client: GrpcClient<typeof budgetingV1.BudgetingServiceService>;
  /** The budgeting service reaches auth and the ledger only through these, so tests can cut them. */
  authProxy: TcpProxy;
  ledgerProxy: TcpProxy;
  /** The budgeting schema seen directly, for assertions. */
  orm: MikroORM;
  /** Pins budgeting's clock ("today", created_at); undefined = the real clock. */
  setNow(instant: Date | undefined): void;
  close(): Promise<void>;
}

const portOf = (address: string) => Number(address.slice(address.lastIndexOf(':') + 1));

/**
 * Real auth, ledger and budgeting services in-process, on one fresh database and one event
 * namespace, with real gRPC clients. Users are registered through auth, categories and
 * transactions through the ledger; budgeting asks both and hears their events on NATS.
 */
export async function startBudgetingHarness(): Promise<BudgetingHarness> {
  const db = await createTestDatabase();
  const namespace = randomNamespace();
  const common = { DATABASE_URL: db.url, NATS_URL: testNatsUrl(), EVENT_NAMESPACE: namespace, LOG_LEVEL: logLevel };
  const auth = await startAuthService(authConfigSchema.parse({ ...common, AUTH_GRPC_ADDR: '127.0.0.1:0' }), createLogger('auth-test', logLevel));
  const ledger = await startLedgerService(
    ledgerConfigSchema.parse({ ...common, LEDGER_GRPC_ADDR: '127.0.0.1:0', AUTH_GRPC_ADDR: auth.address }),
    createLogger('ledger-test', logLevel),
  );
  const authProxy = await TcpProxy.start('127.0.0.1', portOf(auth.address));
  const ledgerProxy = await TcpProxy.start('127.0.0.1', portOf(ledger.address));
  const config = budgetingConfigSchema.parse({
    ...common,
    BUDGETING_GRPC_ADDR: '127.0.0.1:0',
    AUTH_GRPC_ADDR: `127.0.0.1:${authProxy.port}`,
    LEDGER_GRPC_ADDR: `127.0.0.1:${ledgerProxy.port}`,
  });
  let pinned: Date | undefined;
  const budgeting = await startBudgetingService(config, createLogger('budgeting-test', logLevel), { now: () => pinned ?? new Date() });
  const authClient = createGrpcClient(authV1.AuthServiceService, auth.address);
  const ledgerClient = createGrpcClient(ledgerV1.LedgerServiceService, ledger.address, { deadlineMs: 15_000 });
  const client = createGrpcClient(budgetingV1.BudgetingServiceService, budgeting.address, { deadlineMs: 15_000 });
  const orm = await openBudgetingDatabase(db.url, createLogger('budgeting-test-db', logLevel));
  return {
    db,
    config,
    namespace,
    auth,
    ledger,
    budgeting,
    authClient,
    ledgerClient,
    client,
    authProxy,
    ledgerProxy,
    orm,
    setNow(instant) {
      pinned = instant;
    },
    async close() {
      client.$channel.close();
      ledgerClient.$channel.close();
      authClient.$channel.close();
      await budgeting.stop();
      await ledger.stop();
      await auth.stop();
      await authProxy.close();
      await ledgerProxy.close();
      await orm.close();
      await db.drop();
      await deleteNamespaceStreams(testNatsUrl(), namespace);
    },
  };
}

let counter = 0;

/** Registers a new user through auth; returns its id. */
export async function registerUser(h: BudgetingHarness, prefix = 'user'): Promise<string> {
  const tag = `${prefix}${Date.now().toString(36)}${(counter++).toString(36)}`;
  const { user } = await h.authClient.registerUser({ email: `${tag}@example.com`, username: tag, password: 'correct horse 1' });
  return user!.id;
}

/** What a caller of budgeting learns from a failed call (as the gateway renders it). */
export async function rejected(promise: Promise<unknown>) {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isServiceError(err)) throw new Error(`expected a gRPC error, got ${err === undefined ? 'success' : String(err)}`);
  return { status: err.code, ...fromGrpcError(err) };
}

export const date = (iso: string) => {
  const [year, month, day] = iso.split('-').map(Number);
  return { year: year!, month: month!, day: day! };
};

export const iso = (d: { year: number; month: number; day: number } | undefined) =>
  d ? `${String(d.year).padStart(4, '0')}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}` : undefined;

export function newBudget(userId: string, overrides: Partial<budgetingV1.CreateBudgetRequest> = {}): budgetingV1.CreateBudgetRequest {
  return { userId, amount: '500.00', period: MONTHLY, startDate: date('2026-01-01'), endDate: undefined, currency: 'USD', ...overrides };
}

export async function createBudget(h: BudgetingHarness, userId: string, overrides: Partial<budgetingV1.CreateBudgetRequest> = {}) {
  const { budget } = await h.client.createBudget(newBudget(userId, overrides));
  return budget!;
}

export async function createCategory(h: BudgetingHarness, userId: string, name = `Cat ${randomUUID().slice(0, 8)}`) {
  const { category } = await h.ledgerClient.createCategory({ userId, name, color: '#336699' });
  return category!;
}

/** Records an expense (or, with transactionType, income) in the ledger. */
export async function spend(h: BudgetingHarness, userId: string, amount: string, day: string, extra: Partial<ledgerV1.CreateTransactionRequest> = {}) {
  const { transaction } = await h.ledgerClient.createTransaction({
    userId,
    amount,
    transactionType: EXPENSE,
    date: date(day),
    description: '',
    currency: 'USD',
    ...extra,
  });
  return transaction!;
}

/** A Money message as a readable string: "30 USD" (minor units). */
export const minor = (m: { minorUnits: string; currency: string } | undefined) => (m ? `${m.minorUnits} ${m.currency}` : undefined);

export async function countRows(h: BudgetingHarness, table: 'budget' | 'deleted_category', userId: string): Promise<number> {
  const [row] = await h.orm.em.fork().execute<{ n: number }[]>(`select count(*)::int as n from budgeting.${table} where user_id = ?`, [userId]);
  return row!.n;
}

/** Changes the user's profile in auth (base currency, time zone). */
export async function updateProfile(h: BudgetingHarness, userId: string, fields: { baseCurrency?: string; timezone?: string }) {
  await h.authClient.updateUser({ userId, notificationPreferences: undefined, ...fields });
}
