import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { EventContract, EventInput } from '@finance/events';
import { publishEvent as publishContractEvent } from '@finance/events/testing';
import { createGrpcClient, createLogger, type GrpcClient, type MikroORM } from '@finance/platform';
import { authV1, currencyV1, goalsV1, ledgerV1 } from '@finance/proto';
import {
  addStubUser,
  answerUserProfiles,
  createTestDatabase,
  date,
  deleteNamespaceStreams,
  GrpcStub,
  iso,
  randomNamespace,
  TcpProxy,
  testNatsUrl,
  type StubProfile,
  type TestDatabase,
} from '@finance/testing';
import { goalsConfigSchema, startGoalsService, type GoalsConfig, type RunningGoalsService } from '../src/index.js';
import { openGoalsDatabase } from '../src/persistence/database.js';

export { date, iso, rejected } from '@finance/testing';

export const { GoalStatus } = goalsV1;
export const EXPENSE = ledgerV1.TransactionType.TRANSACTION_TYPE_EXPENSE;
export const INCOME = ledgerV1.TransactionType.TRANSACTION_TYPE_INCOME;

/** TEST_LOG_LEVEL (default silent): `TEST_LOG_LEVEL=debug` shows the service's log. */
const testLogLevel = (process.env.TEST_LOG_LEVEL ?? 'silent') as 'silent';

export type AuthStub = GrpcStub<typeof authV1.AuthServiceService>;
export type CurrencyStub = GrpcStub<typeof currencyV1.CurrencyServiceService>;

/**
 * Real rows of the ECB file (/work/shared/data/rates/eurofxref-hist.csv, EUR 1 = value), for the
 * dates the tests use; 2026-04-13 (a Monday) is the currency service's latest day. RUB is absent as
 * in the file since its suspension (2022-03-01), so it has no usable rate.
 */
export const ECB_ROWS: Record<string, Record<string, string>> = {
  '2026-04-13': { USD: '1.1684', JPY: '186.75', GBP: '0.87058', CHF: '0.9242', KRW: '1740.86' },
  '2026-04-10': { USD: '1.1711', JPY: '186.43', GBP: '0.87105', CHF: '0.9241' },
  '2026-04-01': { USD: '1.1605', JPY: '183.73', GBP: '0.87113', CHF: '0.9191' },
  '2026-03-31': { USD: '1.1498', JPY: '183.39', GBP: '0.86833', CHF: '0.9194' },
  '2026-03-16': { USD: '1.1478', JPY: '182.66', GBP: '0.86408', CHF: '0.9041', KRW: '1711.08' },
  '2026-03-13': { USD: '1.1476', JPY: '182.85', GBP: '0.86503', CHF: '0.9034' },
  '2026-03-02': { USD: '1.1698', JPY: '184.19', GBP: '0.8739', CHF: '0.9117' },
};
const ECB_DAYS = Object.keys(ECB_ROWS).sort().reverse();

/**
 * The currency service's GetRateTable as it answers from those rows: the table of the last published
 * day on or before the date asked (none before the first row), with the latest day.
 */
export function answerRateTables(stub: CurrencyStub): void {
  stub.on('getRateTable', (req) => {
    const asked = iso(req.date) ?? ECB_DAYS[0]!;
    const day = ECB_DAYS.find((d) => d <= asked);
    const rates = day ? Object.fromEntries(Object.entries(ECB_ROWS[day]!).map(([code, value]) => [code, { value, published: date(day) }])) : {};
    return { date: date(asked), rateDate: day ? date(day) : undefined, latestDate: date(ECB_DAYS[0]!), rates, maxStaleDays: 14 };
  });
}

/**
 * The real ledger, as `npm start` runs it: its built entry point (apps/ledger/dist/main.js) in a
 * child process. Not imported: an app never imports another app, tests included (.dependency-cruiser.cjs);
 * only e2e/ wires services in-process. Contributions therefore link real transactions, and the
 * ledger's own outbox relay publishes its transaction events into the test's namespace.
 */
export interface LedgerProcess {
  address: string;
  stop(): Promise<void>;
}

const ROOT = resolve(import.meta.dirname, '../../..');
const LEDGER_MAIN = resolve(ROOT, 'apps/ledger/dist/main.js');

async function startLedgerProcess(env: Record<string, string>): Promise<LedgerProcess> {
  if (!existsSync(LEDGER_MAIN)) throw new Error(`${LEDGER_MAIN} is missing: build first (npm run build, or turbo run build)`);
  // LOG_LEVEL info: the "listening" line tells the port it bound (127.0.0.1:0 = a free one).
  const child: ChildProcess = spawn(process.execPath, [LEDGER_MAIN], { env: { ...process.env, ...env, LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolveExit) => child.once('exit', (code) => resolveExit(code)));
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const address = await new Promise<string>((resolveAddress, reject) => {
    const timer = setTimeout(() => reject(new Error(`the ledger did not start within 20 s: ${stderr}`)), 20_000);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the ledger exited (${code}) before listening: ${stderr}`));
    });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (process.env.TEST_LOG_LEVEL && process.env.TEST_LOG_LEVEL !== 'silent') process.stderr.write(`[ledger] ${line}\n`);
      try {
        const entry = JSON.parse(line) as { msg?: string; address?: string };
        if (entry.msg === 'ledger service listening' && entry.address) {
          clearTimeout(timer);
          resolveAddress(entry.address);
        }
      } catch {
        // not a log line of ours
      }
    });
  });
  let stopping: Promise<void> | undefined;
  return {
    address,
    stop: () =>
      (stopping ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
        await exited;
      })()),
  };
}

export interface GoalsHarness {
  db: TestDatabase;
  config: GoalsConfig;
  namespace: string;
  goals: RunningGoalsService;
  /** Auth as goals and the ledger meet it: GetUser answers `profiles`. */
  auth: AuthStub;
  profiles: Map<string, StubProfile>;
  ledger: LedgerProcess;
  /** Goals reaches the ledger only through this, so that a test can cut it. */
  ledgerProxy: TcpProxy;
  /** The currency service as goals meets it: GetRateTable answers ECB_ROWS (answerRateTables). */
  currency: CurrencyStub;
  /** Goals reaches the currency service only through this, so that a test can cut it. */
  currencyProxy: TcpProxy;
  /** The real ledger, straight (for the test's own transactions). */
  ledgerClient: GrpcClient<typeof ledgerV1.LedgerServiceService>;
  client: GrpcClient<typeof goalsV1.GoalsServiceService>;
  /** The goals schema seen directly, for assertions. */
  orm: MikroORM;
  /** Pins goals' clock ("today", created_at); undefined = the real clock. */
  setNow(instant: Date | undefined): void;
  close(): Promise<void>;
}

/**
 * The goals service in-process on one fresh database and one event namespace (real PostgreSQL and
 * NATS), the real ledger beside it (a child process on the same database and namespace), a scripted
 * auth stub for both, a scripted currency service answering real ECB rates, and real gRPC clients.
 */
export async function startGoalsHarness(): Promise<GoalsHarness> {
  const db = await createTestDatabase();
  const namespace = randomNamespace();
  const stoppers: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stoppers.reverse()) await stop();
  };
  try {
    const auth = await GrpcStub.start(authV1.AuthServiceService);
    stoppers.push(() => auth.stop());
    const profiles = new Map<string, StubProfile>();
    answerUserProfiles(auth, profiles);
    const shared = { DATABASE_URL: db.url, NATS_URL: testNatsUrl(), EVENT_NAMESPACE: namespace, AUTH_GRPC_ADDR: auth.address };
    const ledger = await startLedgerProcess({ ...shared, LEDGER_GRPC_ADDR: '127.0.0.1:0', METRICS_PORT: '0' });
    stoppers.push(() => ledger.stop());
    const [ledgerHost, ledgerPort] = [ledger.address.slice(0, ledger.address.lastIndexOf(':')), Number(ledger.address.slice(ledger.address.lastIndexOf(':') + 1))];
    const ledgerProxy = await TcpProxy.start(ledgerHost === '0.0.0.0' ? '127.0.0.1' : ledgerHost, ledgerPort);
    stoppers.push(() => ledgerProxy.close());
    const ledgerClient = createGrpcClient(ledgerV1.LedgerServiceService, ledger.address, { deadlineMs: 15_000 });
    stoppers.push(async () => ledgerClient.$channel.close());
    const currency = await GrpcStub.start(currencyV1.CurrencyServiceService);
    stoppers.push(() => currency.stop());
    answerRateTables(currency);
    const currencyProxy = await TcpProxy.start('127.0.0.1', currency.port);
    stoppers.push(() => currencyProxy.close());
    const config = goalsConfigSchema.parse({
      ...shared,
      LOG_LEVEL: testLogLevel,
      GOALS_GRPC_ADDR: '127.0.0.1:0',
      METRICS_PORT: '0', // a free port: test files run in parallel
      LEDGER_GRPC_ADDR: `127.0.0.1:${ledgerProxy.port}`,
      CURRENCY_GRPC_ADDR: `127.0.0.1:${currencyProxy.port}`,
    });
    let pinned: Date | undefined;
    const goals = await startGoalsService(config, createLogger('goals-test', testLogLevel), { now: () => pinned ?? new Date() });
    stoppers.push(() => goals.stop());
    const client = createGrpcClient(goalsV1.GoalsServiceService, goals.address, { deadlineMs: 15_000 });
    stoppers.push(async () => client.$channel.close());
    const orm = await openGoalsDatabase(db.url, createLogger('goals-test-db', testLogLevel));
    stoppers.push(() => orm.close());
    return {
      db,
      config,
      namespace,
      goals,
      auth,
      profiles,
      ledger,
      ledgerProxy,
      currency,
      currencyProxy,
      ledgerClient,
      client,
      orm,
      setNow(instant) {
        pinned = instant;
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

/** A new user the auth stub knows (base currency USD, time zone UTC unless given); returns its id. */
export function registerUser(h: Pick<GoalsHarness, 'profiles'>, profile: Partial<StubProfile> = {}): string {
  return addStubUser(h.profiles, profile);
}

/** Publishes an event of another service's contract in the harness's namespace, as its producer would. */
export const publishEvent = <C extends EventContract<string, any>>(h: Pick<GoalsHarness, 'namespace'>, contract: C, input: EventInput<C>) =>
  publishContractEvent(testNatsUrl(), h.namespace, contract, input);

export function newGoal(userId: string, overrides: Partial<goalsV1.CreateGoalRequest> = {}): goalsV1.CreateGoalRequest {
  return { userId, name: 'Bike', targetAmount: '1000.00', deadline: undefined, currency: 'USD', ...overrides };
}

export async function createGoal(h: GoalsHarness, userId: string, overrides: Partial<goalsV1.CreateGoalRequest> = {}) {
  const { goal } = await h.client.createGoal(newGoal(userId, overrides));
  return goal!;
}

/** A real transaction in the ledger (an expense of `amount` USD on 2026-03-15 unless told otherwise). */
export async function createTransaction(h: GoalsHarness, userId: string, amount: string, overrides: Partial<ledgerV1.CreateTransactionRequest> = {}) {
  const { transaction } = await h.ledgerClient.createTransaction({
    userId,
    amount,
    transactionType: EXPENSE,
    date: date('2026-03-15'),
    description: 'To savings',
    currency: 'USD',
    ...overrides,
  });
  return transaction!;
}

export async function contribute(h: GoalsHarness, userId: string, goalId: string, transactionId: string, amount?: string) {
  return h.client.contribute({ userId, goalId, transactionId, ...(amount === undefined ? {} : { amount }) });
}

export function updateRequest(userId: string, id: string, fields: Partial<goalsV1.UpdateGoalRequest> = {}): goalsV1.UpdateGoalRequest {
  return { userId, id, deadline: undefined, clearDeadline: false, status: GoalStatus.GOAL_STATUS_UNSPECIFIED, ...fields };
}

/** The goal's current amount as "<minor units> <currency>". */
export async function currentOf(h: GoalsHarness, userId: string, goalId: string): Promise<string> {
  const { goal } = await h.client.getGoal({ userId, id: goalId });
  return minor(goal!.currentAmount)!;
}

export async function countRows(h: GoalsHarness, table: 'goal' | 'contribution' | 'contributed_transaction', userId: string): Promise<number> {
  const [row] = await h.orm.em.fork().execute<{ n: number }[]>(`select count(*)::int as n from goals.${table} where user_id = ?`, [userId]);
  return row!.n;
}

/** The rates a contribution was converted at: "<rate> <rate date>". */
export const rateOf = (c: { rate: string; rateDate?: { year: number; month: number; day: number } | undefined } | undefined) => (c ? `${c.rate} ${iso(c.rateDate)}` : undefined);

/** A Money message as a readable string: "3000 USD" (minor units). */
export const minor = (m: { minorUnits: string; currency: string } | undefined) => (m ? `${m.minorUnits} ${m.currency}` : undefined);
