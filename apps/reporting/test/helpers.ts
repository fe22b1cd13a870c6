import { createGrpcClient, createLogger, type GrpcClient } from '@finance/platform';
import { authV1, budgetingV1, currencyV1, goalsV1, ledgerV1, reportingV1 } from '@finance/proto';
import { addStubUser, answerUserProfiles, date, GrpcStub, iso, TcpProxy, updateStubUser, type StubProfile } from '@finance/testing';
import { reportingConfigSchema, startReportingService, type RunningReportingService } from '../src/index.js';

export { date, iso, rejected, stubError } from '@finance/testing';

export const { Interval, BudgetStatus } = reportingV1;
const { TransactionType } = ledgerV1;

const logLevel = process.env.TEST_LOG_LEVEL ?? 'silent';

export type AuthStub = GrpcStub<typeof authV1.AuthServiceService>;
export type LedgerStub = GrpcStub<typeof ledgerV1.LedgerServiceService>;
export type BudgetingStub = GrpcStub<typeof budgetingV1.BudgetingServiceService>;
export type CurrencyStub = GrpcStub<typeof currencyV1.CurrencyServiceService>;
export type GoalsStub = GrpcStub<typeof goalsV1.GoalsServiceService>;

export interface ReportingHarness {
  /** Scripted stand-ins for the four services reporting calls (real gRPC servers). */
  auth: AuthStub;
  ledger: LedgerStub;
  budgeting: BudgetingStub;
  /** Answers GetRateTable from ECB_ROWS (answerEcbRates) after every reset. */
  currency: CurrencyStub;
  /** ListGoals, for the monthly report. */
  goals: GoalsStub;
  /**
   * Reporting reaches each stub only through its proxy: `cut()` takes the connection away (a
   * transport failure, no answer at all), unlike a stub's scripted error (an answer of the service).
   */
  proxies: { auth: TcpProxy; ledger: TcpProxy; budgeting: TcpProxy; currency: TcpProxy; goals: TcpProxy };
  reporting: RunningReportingService;
  /** Reporting's client: what the gateway calls. */
  client: GrpcClient<typeof reportingV1.ReportingServiceService>;
  /** A new user auth knows (GetUser answers it), with this base currency. */
  user(baseCurrency?: string): string;
  /** What auth answers from now on for the user's base currency (PUT /users/me). */
  setBaseCurrency(userId: string, baseCurrency: string): void;
  /** Every stub's calls of RPCs nobody scripted (a test expects none). */
  unscripted(): string[];
  /**
   * Forgets every stub's script and calls, restores every proxy; auth knows the users made so far,
   * currency answers ECB_ROWS. Reporting's rate cache is kept (as in a running service): tests that
   * count currency calls use dates no other test converts.
   */
  reset(): void;
  close(): Promise<void>;
}

const portOf = (address: string) => Number(address.slice(address.lastIndexOf(':') + 1));

/**
 * Reporting in-process over real gRPC, with stubs of auth, the ledger, budgeting and currency behind
 * TCP proxies; `env` adds to (or overrides) its configuration. Reporting owns no database and no NATS, so nothing else runs. The numbers through the
 * real ledger and budgeting are e2e's (e2e/test/analytics.e2e.test.ts, reporting-wiring.e2e.test.ts).
 */
export async function startReportingHarness(env: Record<string, string> = {}): Promise<ReportingHarness> {
  const stoppers: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stoppers.reverse()) await stop();
  };
  try {
    const auth = await GrpcStub.start(authV1.AuthServiceService);
    stoppers.push(() => auth.stop());
    const ledger = await GrpcStub.start(ledgerV1.LedgerServiceService);
    stoppers.push(() => ledger.stop());
    const budgeting = await GrpcStub.start(budgetingV1.BudgetingServiceService);
    stoppers.push(() => budgeting.stop());
    const currency = await GrpcStub.start(currencyV1.CurrencyServiceService);
    stoppers.push(() => currency.stop());
    const goals = await GrpcStub.start(goalsV1.GoalsServiceService);
    stoppers.push(() => goals.stop());
    const proxies = {
      auth: await TcpProxy.start('127.0.0.1', auth.port),
      ledger: await TcpProxy.start('127.0.0.1', ledger.port),
      budgeting: await TcpProxy.start('127.0.0.1', budgeting.port),
      currency: await TcpProxy.start('127.0.0.1', currency.port),
      goals: await TcpProxy.start('127.0.0.1', goals.port),
    };
    stoppers.push(async () => {
      for (const proxy of Object.values(proxies)) await proxy.close();
    });
    const via = (proxy: TcpProxy) => `127.0.0.1:${proxy.port}`;
    const reporting = await startReportingService(
      reportingConfigSchema.parse({
        LOG_LEVEL: logLevel,
        REPORTING_GRPC_ADDR: '127.0.0.1:0',
        METRICS_PORT: '0', // a free port: test files run in parallel
        AUTH_GRPC_ADDR: via(proxies.auth),
        LEDGER_GRPC_ADDR: via(proxies.ledger),
        BUDGETING_GRPC_ADDR: via(proxies.budgeting),
        CURRENCY_GRPC_ADDR: via(proxies.currency),
        GOALS_GRPC_ADDR: via(proxies.goals),
        ...env,
      }),
      createLogger('reporting-test', logLevel),
    );
    stoppers.push(() => reporting.stop());
    const client = createGrpcClient(reportingV1.ReportingServiceService, reporting.address, { deadlineMs: 15_000 });
    stoppers.push(async () => client.$channel.close());

    const profiles = new Map<string, StubProfile>();
    const scriptAuth = () => answerUserProfiles(auth, profiles);
    scriptAuth();
    answerEcbRates(currency);

    return {
      auth,
      ledger,
      budgeting,
      currency,
      goals,
      proxies,
      reporting,
      client,
      user: (baseCurrency = 'USD') => addStubUser(profiles, { baseCurrency }),
      setBaseCurrency: (userId, baseCurrency) => updateStubUser(profiles, userId, { baseCurrency }),
      unscripted: () => [...auth.unscripted, ...ledger.unscripted, ...budgeting.unscripted, ...currency.unscripted, ...goals.unscripted],
      reset() {
        for (const stub of [auth, ledger, budgeting, currency, goals]) stub.reset();
        for (const proxy of Object.values(proxies)) proxy.restore();
        scriptAuth();
        answerEcbRates(currency);
      },
      close: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/** Every call any stub received. */
export const allCalls = (h: ReportingHarness) => [...h.auth.calls, ...h.ledger.calls, ...h.budgeting.calls, ...h.currency.calls, ...h.goals.calls];

/**
 * Real rows of the ECB file (/work/shared/data/rates/eurofxref-hist.csv; EUR 1 = value), the
 * service's latest day being 2026-04-13. 2026-03-07/08 is a weekend (Friday 03-06 applies); RUB is
 * absent (suspended since 2022-03-01), KWD was never published.
 */
export const ECB_ROWS: Record<string, Record<string, string>> = {
  '2026-04-13': { USD: '1.1684', JPY: '186.75', GBP: '0.87058', CHF: '0.9242' },
  '2026-03-09': { USD: '1.1555', JPY: '183.15', GBP: '0.8653', CHF: '0.9008' },
  '2026-03-06': { USD: '1.1561', JPY: '182.57', GBP: '0.86693', CHF: '0.9045' },
  '2026-03-02': { USD: '1.1698', JPY: '184.19', GBP: '0.8739', CHF: '0.9117' },
};

/** The currency stub answers GetRateTable as the service would from ECB_ROWS: the last published day on or before the date. */
export function answerEcbRates(stub: CurrencyStub): void {
  const days = Object.keys(ECB_ROWS).sort().reverse();
  stub.on('getRateTable', (req) => {
    const asked = iso(req.date) ?? days[0]!;
    const day = days.find((d) => d <= asked);
    const rates = day ? Object.fromEntries(Object.entries(ECB_ROWS[day]!).map(([code, value]) => [code, { value, published: date(day) }])) : {};
    return { date: date(asked), rateDate: day ? date(day) : undefined, latestDate: date(days[0]!), rates, maxStaleDays: 14 };
  });
}

/** The range of a report as the proto wants it. */
export const range = (from: string, to: string) => ({ from: date(from), to: date(to) });

/** A common Money. */
export const wireMoney = (minorUnits: string, currency = 'USD') => ({ minorUnits, currency });

/** "1250 EUR" */
export const minor = (m: { minorUnits: string; currency: string } | undefined) => (m ? `${m.minorUnits} ${m.currency}` : undefined);

/** A SumTransactions row of the DAY_CATEGORY grouping (expenses; no category id = uncategorized). */
export function categoryRow(categoryId: string | undefined, minorUnits: string, currency: string, count: number, day = '2026-03-02'): ledgerV1.SumRow {
  return {
    transactionType: TransactionType.TRANSACTION_TYPE_EXPENSE,
    ...(categoryId === undefined ? {} : { categoryId }),
    periodStart: date(day),
    total: wireMoney(minorUnits, currency),
    count: String(count),
  };
}

/** A SumTransactions row of the DAY grouping: the sum of one type on one day. */
export function periodRow(type: 'income' | 'expense', day: string, minorUnits: string, currency = 'USD', count = 1): ledgerV1.SumRow {
  return {
    transactionType: type === 'income' ? TransactionType.TRANSACTION_TYPE_INCOME : TransactionType.TRANSACTION_TYPE_EXPENSE,
    periodStart: date(day),
    total: wireMoney(minorUnits, currency),
    count: String(count),
  };
}

/** A ledger category as ListCategories lists it. */
export const category = (id: string, name: string): ledgerV1.Category => ({ id, name, color: '#336699', createdAt: undefined, updatedAt: undefined });

/** One page of ListCategories (`nextCursor` '' = the last). */
export const categoryPage = (items: ledgerV1.Category[], nextCursor = ''): ledgerV1.ListCategoriesResponse => ({ items, page: { nextCursor } });
