import { randomUUID } from 'node:crypto';
import type { RunningAuthService } from '@finance/auth';
import { ledgerConfigSchema, startLedgerService, type RunningLedgerService } from '@finance/ledger';
import { createGrpcClient, createLogger, type GrpcClient } from '@finance/platform';
import { ledgerV1 } from '@finance/proto';
import { sharedServiceEnv, startTestAuthService, testLogLevel, type AuthClient, type SharedServiceEnv } from '@finance/test-auth';
import { createTestDatabase, date, deleteNamespaceStreams, randomNamespace, TcpProxy, testNatsUrl, type TestDatabase } from '@finance/testing';

export type LedgerClient = GrpcClient<typeof ledgerV1.LedgerServiceService>;

export const EXPENSE = ledgerV1.TransactionType.TRANSACTION_TYPE_EXPENSE;
export const INCOME = ledgerV1.TransactionType.TRANSACTION_TYPE_INCOME;

export interface CoreServices {
  db: TestDatabase;
  namespace: string;
  env: SharedServiceEnv;
  auth: RunningAuthService;
  ledger: RunningLedgerService;
  /** Direct clients (not through the proxies), for arranging data and for assertions. */
  authClient: AuthClient;
  ledgerClient: LedgerClient;
  /**
   * TCP proxies in front of auth and the ledger. Give the services under test `authAddress` and
   * `ledgerAddress` (which go through them), so that a test can take auth or the ledger away with
   * `cut()` and give it back with `restore()`.
   */
  authProxy: TcpProxy;
  ledgerProxy: TcpProxy;
  authAddress: string;
  ledgerAddress: string;
  /** Stops both services and the proxies, drops the database and deletes the namespace's streams. */
  close(): Promise<void>;
}

const portOf = (address: string) => Number(address.slice(address.lastIndexOf(':') + 1));

/** `127.0.0.1:<port>` of a proxy, as a *_GRPC_ADDR value. */
export const proxiedAddress = (proxy: TcpProxy) => `127.0.0.1:${proxy.port}`;

/**
 * Real auth and ledger services in-process on one fresh database and one event namespace (real
 * PostgreSQL and NATS), with real gRPC clients. The ledger asks auth directly; the service under
 * test should reach both through the proxies. Users are registered through auth, categories and
 * transactions through the ledger, exactly as in production.
 */
export async function startCoreServices(): Promise<CoreServices> {
  const db = await createTestDatabase();
  const namespace = randomNamespace();
  const env = sharedServiceEnv(db.url, namespace);
  const stoppers: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stoppers.reverse()) await stop();
  };
  try {
    const { auth, authClient, stop: stopAuth } = await startTestAuthService(env);
    stoppers.push(stopAuth);
    const ledger = await startLedgerService(
      ledgerConfigSchema.parse({ ...env, LEDGER_GRPC_ADDR: '127.0.0.1:0', AUTH_GRPC_ADDR: auth.address }),
      createLogger('ledger-test', testLogLevel),
    );
    stoppers.push(() => ledger.stop());
    const authProxy = await TcpProxy.start('127.0.0.1', portOf(auth.address));
    stoppers.push(() => authProxy.close());
    const ledgerProxy = await TcpProxy.start('127.0.0.1', portOf(ledger.address));
    stoppers.push(() => ledgerProxy.close());
    const ledgerClient = createGrpcClient(ledgerV1.LedgerServiceService, ledger.address, { deadlineMs: 15_000 });
    stoppers.push(async () => ledgerClient.$channel.close());
    return {
      db,
      namespace,
      env,
      auth,
      ledger,
      authClient,
      ledgerClient,
      authProxy,
      ledgerProxy,
      authAddress: proxiedAddress(authProxy),
      ledgerAddress: proxiedAddress(ledgerProxy),
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

export async function createCategory(h: { ledgerClient: LedgerClient }, userId: string, name = `Cat ${randomUUID().slice(0, 8)}`) {
  const { category } = await h.ledgerClient.createCategory({ userId, name, color: '#336699' });
  return category!;
}

/** Records an expense of `amount` USD on `day` in the ledger (or anything else, through `extra`). */
export async function recordTransaction(
  h: { ledgerClient: LedgerClient },
  userId: string,
  amount: string,
  day: string,
  extra: Partial<ledgerV1.CreateTransactionRequest> = {},
) {
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
