// Reporting service: analytics over a user's money (API.md, "Version 2": /analytics/*). Owns no
// data: everything is read from auth, the ledger and budgeting over gRPC.
import { createLogger, startGrpcServer, type Logger } from '@finance/platform';
import { reportingV1 } from '@finance/proto';
import type { ReportingContext } from './application/context.js';
import { reportingConfigSchema, type ReportingConfig } from './config.js';
import { authUserDirectory, createAuthClient } from './transport/grpc/auth.client.js';
import { budgetingPort, createBudgetingClient } from './transport/grpc/budgeting.client.js';
import { createLedgerClient, ledgerPort } from './transport/grpc/ledger.client.js';
import { reportingGrpcService } from './transport/grpc/reporting.grpc.js';

export { reportingConfigSchema, type ReportingConfig };
export { ReportingErrorCode } from './domain/errors.js';
// Pure interval arithmetic, for whoever needs the same calendar intervals (PDF reports, exports).
export { countIntervals, enumerateIntervals, intervalContaining, intervalStart, MAX_INTERVALS, type Interval, type IntervalKind } from './domain/intervals.js';

export interface RunningReportingService {
  /** host:port the gRPC server listens on (the port is real even when 0 was asked for). */
  address: string;
  stop(): Promise<void>;
}

/** Composition: auth, ledger and budgeting clients, gRPC server. No database, no NATS. */
export async function startReportingService(
  config: ReportingConfig,
  logger: Logger = createLogger('reporting', config.LOG_LEVEL),
): Promise<RunningReportingService> {
  const auth = createAuthClient(config.AUTH_GRPC_ADDR);
  const ledger = createLedgerClient(config.LEDGER_GRPC_ADDR);
  const budgeting = createBudgetingClient(config.BUDGETING_GRPC_ADDR);
  const closeClients = () => {
    auth.$channel.close();
    ledger.$channel.close();
    budgeting.$channel.close();
  };
  const ctx: ReportingContext = { users: authUserDirectory(auth), ledger: ledgerPort(ledger), budgets: budgetingPort(budgeting) };

  let grpcServer;
  try {
    grpcServer = await startGrpcServer({
      address: config.REPORTING_GRPC_ADDR,
      services: [{ definition: reportingV1.ReportingServiceService, implementation: reportingGrpcService(ctx) }],
      logger,
    });
  } catch (err) {
    closeClients();
    throw err;
  }
  logger.info({ address: grpcServer.address }, 'reporting service listening');

  return {
    address: grpcServer.address,
    async stop() {
      await grpcServer.stop();
      closeClients();
    },
  };
}
