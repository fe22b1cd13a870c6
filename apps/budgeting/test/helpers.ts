import { createGrpcClient, createLogger, type GrpcClient, type MikroORM } from '@finance/platform';
import { budgetingV1, type ledgerV1 } from '@finance/proto';
import {
  date,
  recordTransaction,
  startCoreServices,
  testLogLevel,
  type AuthClient,
  type CoreServices,
  type LedgerClient,
} from '@finance/test-services';
import type { TcpProxy, TestDatabase } from '@finance/testing';
import type { RunningAuthService } from '@finance/auth';
import type { RunningLedgerService } from '@finance/ledger';
import { budgetingConfigSchema, startBudgetingService, type BudgetingConfig, type RunningBudgetingService } from '../src/index.js';
import { openBudgetingDatabase } from '../src/persistence/database.js';

export { createCategory, date, EXPENSE, INCOME, iso, minor, registerUser, rejected, updateProfile } from '@finance/test-services';

export const { BudgetPeriod, BudgetStatus } = budgetingV1;
export const MONTHLY = budgetingV1.BudgetPeriod.BUDGET_PERIOD_MONTHLY;

export interface BudgetingHarness {
  db: TestDatabase;
  config: BudgetingConfig;
  namespace: string;
  auth: RunningAuthService;
  ledger: RunningLedgerService;
  budgeting: RunningBudgetingService;
  authClient: AuthClient;
  ledgerClient: LedgerClient;
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

/**
 * Real auth, ledger (@finance/test-services) and budgeting services in-process, on one fresh
 * database and one event namespace, with real gRPC clients. Budgeting asks auth and the ledger
 * through proxies and hears their events on NATS.
 */
export async function startBudgetingHarness(): Promise<BudgetingHarness> {
  const core: CoreServices = await startCoreServices();
  try {
    const config = budgetingConfigSchema.parse({
      ...core.env,
      BUDGETING_GRPC_ADDR: '127.0.0.1:0',
      AUTH_GRPC_ADDR: core.authAddress,
      LEDGER_GRPC_ADDR: core.ledgerAddress,
    });
    let pinned: Date | undefined;
    const budgeting = await startBudgetingService(config, createLogger('budgeting-test', testLogLevel), { now: () => pinned ?? new Date() });
    const client = createGrpcClient(budgetingV1.BudgetingServiceService, budgeting.address, { deadlineMs: 15_000 });
    const orm = await openBudgetingDatabase(core.db.url, createLogger('budgeting-test-db', testLogLevel));
    return {
      db: core.db,
      config,
      namespace: core.namespace,
      auth: core.auth,
      ledger: core.ledger,
      budgeting,
      authClient: core.authClient,
      ledgerClient: core.ledgerClient,
      client,
      authProxy: core.authProxy,
      ledgerProxy: core.ledgerProxy,
      orm,
      setNow(instant) {
        pinned = instant;
      },
      async close() {
        client.$channel.close();
        await budgeting.stop();
        await orm.close();
        await core.close();
      },
    };
  } catch (err) {
    await core.close();
    throw err;
  }
}

export function newBudget(userId: string, overrides: Partial<budgetingV1.CreateBudgetRequest> = {}): budgetingV1.CreateBudgetRequest {
  return { userId, amount: '500.00', period: MONTHLY, startDate: date('2026-01-01'), endDate: undefined, currency: 'USD', ...overrides };
}

export async function createBudget(h: BudgetingHarness, userId: string, overrides: Partial<budgetingV1.CreateBudgetRequest> = {}) {
  const { budget } = await h.client.createBudget(newBudget(userId, overrides));
  return budget!;
}

/** Records an expense (or, with transactionType, income) in the ledger. */
export const spend = (h: BudgetingHarness, userId: string, amount: string, day: string, extra: Partial<ledgerV1.CreateTransactionRequest> = {}) =>
  recordTransaction(h, userId, amount, day, extra);

export async function countRows(h: BudgetingHarness, table: 'budget' | 'deleted_category', userId: string): Promise<number> {
  const [row] = await h.orm.em.fork().execute<{ n: number }[]>(`select count(*)::int as n from budgeting.${table} where user_id = ?`, [userId]);
  return row!.n;
}
