import { budgetingConfigSchema, startBudgetingService, type RunningBudgetingService } from '@finance/budgeting';
import { createGrpcClient, createLogger, type GrpcClient } from '@finance/platform';
import { budgetingV1, reportingV1 } from '@finance/proto';
import { date, proxiedAddress, startCoreServices, testLogLevel, type CoreServices } from '@finance/test-services';
import { TcpProxy } from '@finance/testing';
import { reportingConfigSchema, startReportingService, type ReportingConfig, type RunningReportingService } from '../src/index.js';

export { createCategory, date, EXPENSE, INCOME, iso, minor, recordTransaction, registerUser, rejected, updateProfile } from '@finance/test-services';

export const { Interval, BudgetStatus } = reportingV1;

export interface ReportingHarness extends CoreServices {
  budgeting: RunningBudgetingService;
  reporting: RunningReportingService;
  config: ReportingConfig;
  /** Budgeting directly (not through the proxy), to compare reporting's answers with its own. */
  budgetingClient: GrpcClient<typeof budgetingV1.BudgetingServiceService>;
  /** Reporting's client: what the gateway calls. */
  client: GrpcClient<typeof reportingV1.ReportingServiceService>;
  /** Reporting reaches budgeting only through this one (and auth and the ledger through `authProxy` and `ledgerProxy`, as budgeting does). */
  budgetingProxy: TcpProxy;
  /** Pins budgeting's clock ("today" when GetBudgetStatus names no date); undefined = the real clock. */
  setNow(instant: Date | undefined): void;
}

const portOf = (address: string) => Number(address.slice(address.lastIndexOf(':') + 1));

/**
 * Real auth, ledger (@finance/test-services), budgeting and reporting services in-process, over real
 * gRPC, on one throw-away database and event namespace. Reporting (like budgeting) reaches its
 * dependencies through TCP proxies, so a test can take any of them away.
 */
export async function startReportingHarness(): Promise<ReportingHarness> {
  const core = await startCoreServices();
  const stoppers: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stoppers.reverse()) await stop();
    await core.close();
  };
  try {
    let pinned: Date | undefined;
    const budgeting = await startBudgetingService(
      budgetingConfigSchema.parse({ ...core.env, BUDGETING_GRPC_ADDR: '127.0.0.1:0', AUTH_GRPC_ADDR: core.authAddress, LEDGER_GRPC_ADDR: core.ledgerAddress }),
      createLogger('budgeting-test', testLogLevel),
      { now: () => pinned ?? new Date() },
    );
    stoppers.push(() => budgeting.stop());
    const budgetingProxy = await TcpProxy.start('127.0.0.1', portOf(budgeting.address));
    stoppers.push(() => budgetingProxy.close());
    const config = reportingConfigSchema.parse({
      LOG_LEVEL: testLogLevel,
      REPORTING_GRPC_ADDR: '127.0.0.1:0',
      AUTH_GRPC_ADDR: core.authAddress,
      LEDGER_GRPC_ADDR: core.ledgerAddress,
      BUDGETING_GRPC_ADDR: proxiedAddress(budgetingProxy),
    });
    const reporting = await startReportingService(config, createLogger('reporting-test', testLogLevel));
    stoppers.push(() => reporting.stop());
    const budgetingClient = createGrpcClient(budgetingV1.BudgetingServiceService, budgeting.address, { deadlineMs: 15_000 });
    const client = createGrpcClient(reportingV1.ReportingServiceService, reporting.address, { deadlineMs: 15_000 });
    stoppers.push(async () => {
      client.$channel.close();
      budgetingClient.$channel.close();
    });
    return {
      ...core,
      budgeting,
      reporting,
      config,
      budgetingClient,
      client,
      budgetingProxy,
      setNow(instant) {
        pinned = instant;
      },
      close: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/** The range of a report as the proto wants it. */
export const range = (from: string, to: string) => ({ from: date(from), to: date(to) });
