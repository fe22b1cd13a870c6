import { randomUUID } from 'node:crypto';
import type { EventContract, EventInput } from '@finance/events';
import { publishEvent as publishContractEvent } from '@finance/events/testing';
import { parseMoney } from '@finance/money';
import { createGrpcClient, createLogger, type GrpcClient, type MikroORM } from '@finance/platform';
import { authV1, budgetingV1, currencyV1, ledgerV1 } from '@finance/proto';
import {
  addStubUser,
  answerUserProfiles,
  createTestDatabase,
  date,
  deleteNamespaceStreams,
  GrpcStub,
  iso,
  randomNamespace,
  stubError,
  TcpProxy,
  testNatsUrl,
  updateStubUser,
  type StubProfile,
  type TestDatabase,
} from '@finance/testing';
import { budgetingConfigSchema, startBudgetingService, type BudgetingConfig, type RunningBudgetingService } from '../src/index.js';
import { openBudgetingDatabase } from '../src/persistence/database.js';

export { date, iso, rejected } from '@finance/testing';

export const { BudgetPeriod, BudgetStatus } = budgetingV1;
export const MONTHLY = budgetingV1.BudgetPeriod.BUDGET_PERIOD_MONTHLY;
export const EXPENSE = ledgerV1.TransactionType.TRANSACTION_TYPE_EXPENSE;
export const BY_DAY = ledgerV1.SumGrouping.SUM_GROUPING_DAY;

/** TEST_LOG_LEVEL (default silent): `TEST_LOG_LEVEL=debug` shows the service's log. */
const testLogLevel = (process.env.TEST_LOG_LEVEL ?? 'silent') as 'silent';

export type AuthStub = GrpcStub<typeof authV1.AuthServiceService>;
export type LedgerStub = GrpcStub<typeof ledgerV1.LedgerServiceService>;
export type CurrencyStub = GrpcStub<typeof currencyV1.CurrencyServiceService>;

/** What the auth stub answers about a user. */
export type Profile = StubProfile;

/** A category the ledger stub knows. */
export interface StubCategory {
  id: string;
  userId: string;
  name: string;
}

/** An expense the test "recorded": what the ledger stub sums. */
export interface Expense {
  userId: string;
  /** YYYY-MM-DD */
  day: string;
  minor: bigint;
  currency: string;
  categoryId: string | null;
}

export interface BudgetingHarness {
  db: TestDatabase;
  config: BudgetingConfig;
  namespace: string;
  budgeting: RunningBudgetingService;
  /** Auth as budgeting meets it: GetUser answers `profiles` (scriptAuth). */
  auth: AuthStub;
  /** The ledger as budgeting meets it: GetCategory answers `categories`, SumTransactions sums `expenses` (scriptLedger). */
  ledger: LedgerStub;
  /** The currency service as budgeting meets it: GetRateTable answers from ECB_ROWS (scriptCurrency). */
  currency: CurrencyStub;
  profiles: Map<string, Profile>;
  categories: Map<string, StubCategory>;
  expenses: Expense[];
  client: GrpcClient<typeof budgetingV1.BudgetingServiceService>;
  /** Budgeting reaches the stubs only through these, so that a test can cut them. */
  authProxy: TcpProxy;
  ledgerProxy: TcpProxy;
  currencyProxy: TcpProxy;
  /** The budgeting schema seen directly, for assertions. */
  orm: MikroORM;
  /** Pins budgeting's clock ("today", created_at); undefined = the real clock. */
  setNow(instant: Date | undefined): void;
  /** Budgeting's clock (pinned or real): for a second instance of the service in the same test. */
  now(): Date;
  close(): Promise<void>;
}

/**
 * The auth stub's standing script: GetUser answers the profile of a known user, and for an unknown
 * one what auth answers for a deleted account (UNAUTHENTICATED, AUTH_USER_NOT_FOUND).
 */
export function scriptAuth(h: Pick<BudgetingHarness, 'auth' | 'profiles'>): void {
  h.auth.reset();
  answerUserProfiles(h.auth, h.profiles);
}

/**
 * The ledger stub's standing script, a plain lookup over what the test arranged (the ledger's own
 * tests check the real lookups and sums):
 * - GetCategory: the category when it is the user's, else NOT_FOUND as the ledger answers;
 * - SumTransactions: the user's `expenses` within [from, to] (and among category_ids when given),
 *   one row per day and currency. It answers expenses whatever type was asked for: that budgeting
 *   asks for EXPENSE grouped by DAY is asserted on the request.
 */
export function scriptLedger(h: Pick<BudgetingHarness, 'ledger' | 'categories' | 'expenses'>): void {
  h.ledger.reset();
  h.ledger.on('getCategory', ({ userId, id }) => {
    const category = h.categories.get(id);
    if (!category || category.userId !== userId) throw stubError('not_found', 'LEDGER_CATEGORY_NOT_FOUND', 'Category not found.');
    return { category: { id, name: category.name, color: '#336699', createdAt: new Date(0), updatedAt: new Date(0) } };
  });
  h.ledger.on('sumTransactions', ({ userId, from, to, categoryIds }) => {
    const groups = new Map<string, { day: string; currency: string; minor: bigint; count: number }>();
    for (const e of h.expenses) {
      if (e.userId !== userId || e.day < iso(from)! || e.day > iso(to)!) continue;
      if (categoryIds.length && (e.categoryId === null || !categoryIds.includes(e.categoryId))) continue;
      const key = `${e.day} ${e.currency}`;
      const group = groups.get(key) ?? { day: e.day, currency: e.currency, minor: 0n, count: 0 };
      group.minor += e.minor;
      group.count += 1;
      groups.set(key, group);
    }
    const rows = [...groups.values()]
      .sort((a, b) => `${a.day} ${a.currency}`.localeCompare(`${b.day} ${b.currency}`))
      .map((g) => ({ transactionType: EXPENSE, periodStart: date(g.day), total: { minorUnits: String(g.minor), currency: g.currency }, count: String(g.count) }));
    return { rows };
  });
}

/**
 * Real rows of the ECB file (/work/shared/data/rates/eurofxref-hist.csv; EUR 1 = value), the
 * service's latest day being 2026-04-13. Weekends use the Friday before (2026-02-28/03-01 → 02-27);
 * KWD was never published; nothing before 2026-01-20 is listed here (no rate: RATE_UNAVAILABLE).
 */
export const ECB_ROWS: Record<string, Record<string, string>> = {
  '2026-04-13': { USD: '1.1684', JPY: '186.75', GBP: '0.87058', CHF: '0.9242' },
  '2026-03-06': { USD: '1.1561', JPY: '182.57', GBP: '0.86693', CHF: '0.9045' },
  '2026-03-05': { USD: '1.1618', JPY: '183.03', GBP: '0.8695', CHF: '0.9064' },
  '2026-03-04': { USD: '1.1649', JPY: '183.02', GBP: '0.8705', CHF: '0.9082' },
  '2026-03-03': { USD: '1.1606', JPY: '182.98', GBP: '0.8717', CHF: '0.9107' },
  '2026-03-02': { USD: '1.1698', JPY: '184.19', GBP: '0.8739', CHF: '0.9117' },
  '2026-02-27': { USD: '1.1805', JPY: '184.13', GBP: '0.8763', CHF: '0.9104' },
  '2026-01-20': { USD: '1.1728', JPY: '185.18', GBP: '0.8722', CHF: '0.9268' },
};

/** The currency stub's standing script: GetRateTable as the service answers it from ECB_ROWS (the last published day on or before the date). */
export function scriptCurrency(h: Pick<BudgetingHarness, 'currency'>): void {
  h.currency.reset();
  const days = Object.keys(ECB_ROWS).sort().reverse();
  h.currency.on('getRateTable', (req) => {
    const asked = iso(req.date) ?? days[0]!;
    const day = days.find((d) => d <= asked);
    const rates = day ? Object.fromEntries(Object.entries(ECB_ROWS[day]!).map(([code, value]) => [code, { value, published: date(day) }])) : {};
    return { date: date(asked), rateDate: day ? date(day) : undefined, latestDate: date(days[0]!), rates, maxStaleDays: 14 };
  });
}

export interface HarnessOptions {
  /**
   * Run the threshold checker (budget alerts), which calls auth, the ledger and currency in the
   * background after budget writes and ledger events. Off by default: the files that count every
   * call to the stubs would see its calls too. thresholds.test.ts and erasure-race.test.ts turn it on.
   */
  thresholds?: boolean;
  /** Where budgeting reaches NATS (default testNatsUrl()): a TcpProxy's URL for outages. */
  natsUrl?: string;
}

/**
 * The budgeting service in-process on one fresh database and one event namespace (real PostgreSQL
 * and NATS), with scripted stubs of auth, the ledger and currency behind TCP proxies, and a real gRPC
 * client. Budgeting's rate cache lives as long as the harness (as in a running service).
 * Events of other services are published by the test (publishEvent).
 */
export async function startBudgetingHarness(opts: HarnessOptions = {}): Promise<BudgetingHarness> {
  const db = await createTestDatabase();
  const namespace = randomNamespace();
  const stoppers: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stoppers.reverse()) await stop();
  };
  try {
    const auth = await GrpcStub.start(authV1.AuthServiceService);
    stoppers.push(() => auth.stop());
    const ledger = await GrpcStub.start(ledgerV1.LedgerServiceService);
    stoppers.push(() => ledger.stop());
    const authProxy = await TcpProxy.start('127.0.0.1', auth.port);
    stoppers.push(() => authProxy.close());
    const ledgerProxy = await TcpProxy.start('127.0.0.1', ledger.port);
    stoppers.push(() => ledgerProxy.close());
    const currency = await GrpcStub.start(currencyV1.CurrencyServiceService);
    stoppers.push(() => currency.stop());
    const currencyProxy = await TcpProxy.start('127.0.0.1', currency.port);
    stoppers.push(() => currencyProxy.close());
    const config = budgetingConfigSchema.parse({
      DATABASE_URL: db.url,
      NATS_URL: opts.natsUrl ?? testNatsUrl(),
      EVENT_NAMESPACE: namespace,
      LOG_LEVEL: testLogLevel,
      BUDGETING_GRPC_ADDR: '127.0.0.1:0',
      METRICS_PORT: '0', // a free port: test files run in parallel
      AUTH_GRPC_ADDR: `127.0.0.1:${authProxy.port}`,
      LEDGER_GRPC_ADDR: `127.0.0.1:${ledgerProxy.port}`,
      CURRENCY_GRPC_ADDR: `127.0.0.1:${currencyProxy.port}`,
    });
    let pinned: Date | undefined;
    const budgeting = await startBudgetingService(config, createLogger('budgeting-test', testLogLevel), {
      now: () => pinned ?? new Date(),
      thresholdChecker: opts.thresholds ?? false,
      thresholdRetryMs: 500,
    });
    stoppers.push(() => budgeting.stop());
    const client = createGrpcClient(budgetingV1.BudgetingServiceService, budgeting.address, { deadlineMs: 15_000 });
    stoppers.push(async () => client.$channel.close());
    const orm = await openBudgetingDatabase(db.url, createLogger('budgeting-test-db', testLogLevel));
    stoppers.push(() => orm.close());
    const h: BudgetingHarness = {
      db,
      config,
      namespace,
      budgeting,
      auth,
      ledger,
      currency,
      profiles: new Map(),
      categories: new Map(),
      expenses: [],
      client,
      authProxy,
      ledgerProxy,
      currencyProxy,
      orm,
      setNow(instant) {
        pinned = instant;
      },
      now: () => pinned ?? new Date(),
      async close() {
        await stopAll();
        await db.drop();
        await deleteNamespaceStreams(testNatsUrl(), namespace);
      },
    };
    scriptAuth(h);
    scriptLedger(h);
    scriptCurrency(h);
    return h;
  } catch (err) {
    // A half-started harness must not keep jest alive or leave a database behind.
    await stopAll().catch(() => undefined);
    await db.drop().catch(() => undefined);
    throw err;
  }
}

/** A new user the auth stub knows (base currency USD, time zone UTC unless given); returns its id. */
export function registerUser(h: Pick<BudgetingHarness, 'profiles'>, profile: Partial<Profile> = {}): string {
  return addStubUser(h.profiles, profile);
}

/** Changes what the auth stub answers about a user, as a profile update in auth would. */
export function updateProfile(h: Pick<BudgetingHarness, 'profiles'>, userId: string, fields: Partial<Profile>): void {
  updateStubUser(h.profiles, userId, fields);
}

/** A category of the user that the ledger stub knows. */
export function createCategory(h: Pick<BudgetingHarness, 'categories'>, userId: string, name = `Cat ${randomUUID().slice(0, 8)}`): StubCategory {
  const category = { id: randomUUID(), userId, name };
  h.categories.set(category.id, category);
  return category;
}

/** Records an expense of `amount` (USD unless given) on `day` where the ledger stub sums it. */
export function spend(h: Pick<BudgetingHarness, 'expenses'>, userId: string, amount: string, day: string, extra: { currency?: string; categoryId?: string } = {}): void {
  const currency = extra.currency ?? 'USD';
  h.expenses.push({ userId, day, minor: parseMoney(amount, currency, { requirePositive: true }).minor, currency, categoryId: extra.categoryId ?? null });
}

/** Publishes an event of another service's contract in the harness's namespace, as its producer would. */
export const publishEvent = <C extends EventContract<string, any>>(h: Pick<BudgetingHarness, 'namespace'>, contract: C, input: EventInput<C>) =>
  publishContractEvent(testNatsUrl(), h.namespace, contract, input);

export function newBudget(userId: string, overrides: Partial<budgetingV1.CreateBudgetRequest> = {}): budgetingV1.CreateBudgetRequest {
  return { userId, amount: '500.00', period: MONTHLY, startDate: date('2026-01-01'), endDate: undefined, currency: 'USD', ...overrides };
}

export async function createBudget(h: BudgetingHarness, userId: string, overrides: Partial<budgetingV1.CreateBudgetRequest> = {}) {
  const { budget } = await h.client.createBudget(newBudget(userId, overrides));
  return budget!;
}

export async function countRows(h: BudgetingHarness, table: 'budget' | 'deleted_category', userId: string): Promise<number> {
  const [row] = await h.orm.em.fork().execute<{ n: number }[]>(`select count(*)::int as n from budgeting.${table} where user_id = ?`, [userId]);
  return row!.n;
}

/** A Money message as a readable string: "30 USD" (minor units). */
export const minor = (m: { minorUnits: string; currency: string } | undefined) => (m ? `${m.minorUnits} ${m.currency}` : undefined);
