import { randomUUID } from 'node:crypto';
import { createGrpcClient, createLogger, type GrpcClient, type MikroORM } from '@finance/platform';
import { ledgerV1 } from '@finance/proto';
import type { RunningAuthService } from '@finance/auth';
import { sharedServiceEnv, startTestAuthService, testLogLevel, type AuthClient } from '@finance/test-auth';
import { createTestDatabase, date, deleteNamespaceStreams, randomNamespace, TcpProxy, testNatsUrl, type TestDatabase } from '@finance/testing';
import { ledgerConfigSchema, startLedgerService, type LedgerConfig, type RunningLedgerService } from '../src/index.js';
import { openLedgerDatabase } from '../src/persistence/database.js';

export const { TransactionType, SumGrouping } = ledgerV1;
export const EXPENSE = ledgerV1.TransactionType.TRANSACTION_TYPE_EXPENSE;
export const INCOME = ledgerV1.TransactionType.TRANSACTION_TYPE_INCOME;

export interface LedgerHarness {
  db: TestDatabase;
  config: LedgerConfig;
  namespace: string;
  auth: RunningAuthService;
  ledger: RunningLedgerService;
  authClient: AuthClient;
  client: GrpcClient<typeof ledgerV1.LedgerServiceService>;
  /** The ledger schema seen directly, for assertions and for holding locks. */
  orm: MikroORM;
  /** Present when started with `authProxy`: the ledger reaches auth only through it. */
  authProxy?: TcpProxy;
  close(): Promise<void>;
}

/**
 * A real auth service and the ledger service in-process, on one fresh database and one event
 * namespace, with real gRPC clients. Users are registered through auth; the ledger asks auth
 * for base currencies and hears auth.user.deleted.v1 on NATS.
 */
export async function startLedgerHarness(opts: { authProxy?: boolean } = {}): Promise<LedgerHarness> {
  const db = await createTestDatabase();
  const namespace = randomNamespace();
  const common = sharedServiceEnv(db.url, namespace);
  const { auth, authClient, stop: stopAuth } = await startTestAuthService(common);
  const authPort = Number(auth.address.slice(auth.address.lastIndexOf(':') + 1));
  const authProxy = opts.authProxy ? await TcpProxy.start('127.0.0.1', authPort) : undefined;
  const config = ledgerConfigSchema.parse({
    ...common,
    LEDGER_GRPC_ADDR: '127.0.0.1:0',
    AUTH_GRPC_ADDR: authProxy ? `127.0.0.1:${authProxy.port}` : auth.address,
  });
  const ledger = await startLedgerService(config, createLogger('ledger-test', testLogLevel));
  const client = createGrpcClient(ledgerV1.LedgerServiceService, ledger.address, { deadlineMs: 15_000 });
  const orm = await openLedgerDatabase(db.url, createLogger('ledger-test-db', testLogLevel));
  return {
    db,
    config,
    namespace,
    auth,
    ledger,
    authClient,
    client,
    orm,
    ...(authProxy ? { authProxy } : {}),
    async close() {
      client.$channel.close();
      await ledger.stop();
      await stopAuth();
      await authProxy?.close();
      await orm.close();
      await db.drop();
      await deleteNamespaceStreams(testNatsUrl(), namespace);
    },
  };
}

export { registerUser } from '@finance/test-auth';
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

export async function countRows(h: LedgerHarness, table: 'transaction' | 'category' | 'idempotency_key', userId: string): Promise<number> {
  const [row] = await h.orm.em.fork().execute<{ n: number }[]>(`select count(*)::int as n from ledger.${table} where user_id = ?`, [userId]);
  return row!.n;
}
