// Reporting service: analytics over a user's money (API.md, "Version 2": /analytics/*). Owns no
// data: everything is read from auth, the ledger, budgeting and currency over gRPC.
import { createLogger, loadConfig, startGrpcServer, type Logger } from '@finance/platform';
import { createServiceClient } from '@finance/platform/services';
import { createRateBook } from '@finance/rates';
import { userProfileOf } from '@finance/platform/user-profile';
import type { ReportingContext } from './application/context.js';
import { reportingConfigSchema, type ReportingConfig } from './config.js';
import { errors } from './domain/errors.js';
import { budgetingPort } from './transport/grpc/budgeting.client.js';
import { ledgerPort } from './transport/grpc/ledger.client.js';
import { reportingGrpcRegistration } from './transport/grpc/reporting.grpc.js';

export { reportingConfigSchema, type ReportingConfig };

export interface RunningReportingService {
  /** host:port the gRPC server listens on (the port is real even when 0 was asked for). */
  address: string;
  stop(): Promise<void>;
}

/** Composition: auth, ledger, budgeting and currency clients, gRPC server. No database, no NATS. */
export async function startReportingService(
  config: ReportingConfig,
  logger: Logger = createLogger('reporting', config.LOG_LEVEL),
): Promise<RunningReportingService> {
  const auth = createServiceClient('auth', config, { deadlineMs: 3000 });
  const ledger = createServiceClient('ledger', config, { deadlineMs: 5000 });
  // Budgeting asks the ledger once per budget (8 at a time), so it gets longer than one ledger call.
  const budgeting = createServiceClient('budgeting', config, { deadlineMs: 10_000 });
  const currency = createServiceClient('currency', config, { deadlineMs: 3000 });
  const closeClients = () => {
    auth.close();
    ledger.close();
    budgeting.close();
    currency.close();
  };
  const ctx: ReportingContext = {
    users: { profileOf: (userId) => userProfileOf(auth, userId, errors.userNotFound) },
    ledger: ledgerPort(ledger),
    budgets: budgetingPort(budgeting),
    // One rate book for the process: its cache (past days kept, the latest day 10 minutes) is what
    // keeps conversion off the network.
    rates: createRateBook(currency),
  };

  let grpcServer;
  try {
    grpcServer = await startGrpcServer({
      address: config.REPORTING_GRPC_ADDR,
      services: [reportingGrpcRegistration(ctx)],
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

/**
 * The service as the manifest's tooling (the e2e stack) starts it: configuration read from `env`
 * exactly as main.ts reads process.env.
 */
export function start(env: NodeJS.ProcessEnv, logger?: Logger): Promise<RunningReportingService> {
  const config = loadConfig(reportingConfigSchema, env);
  return startReportingService(config, logger ?? createLogger('reporting', config.LOG_LEVEL));
}
