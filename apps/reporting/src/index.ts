// Reporting service: analytics over a user's money (API.md, "Version 2": /analytics/*). Owns no
// data: everything is read from auth, the ledger, budgeting, goals and currency over gRPC.
import { createLogger, createMetrics, graceBefore, loadConfig, startGrpcServer, startMetricsServer, type Logger } from '@finance/platform';
import { createServiceClient } from '@finance/platform/services';
import { createRateBook } from '@finance/rates';
import { userProfileOf } from '@finance/platform/user-profile';
import type { ReportingContext } from './application/context.js';
import { reportingConfigSchema, type ReportingConfig } from './config.js';
import { errors } from './domain/errors.js';
import { reportingMeters } from './metrics.js';
import { createPdfRenderer } from './pdf/render-pdf.js';
import { accountOf } from './transport/grpc/auth.client.js';
import { budgetingPort } from './transport/grpc/budgeting.client.js';
import { goalsPort } from './transport/grpc/goals.client.js';
import { ledgerPort } from './transport/grpc/ledger.client.js';
import { reportingGrpcRegistration } from './transport/grpc/reporting.grpc.js';

export { reportingConfigSchema, type ReportingConfig };

/** The largest request reporting's gRPC server takes: an import file of the gateway's IMPORT_MAX_BYTES and then some. */
const IMPORT_MAX_MESSAGE_BYTES = 32 * 1024 * 1024;

export interface RunningReportingService {
  /** host:port the gRPC server listens on (the port is real even when 0 was asked for). */
  address: string;
  /** host:port its Prometheus metrics are served on (GET /metrics; METRICS_PORT, METRICS_HOST). */
  metricsAddress: string;
  /** Readiness off (gRPC health of the service NOT_SERVING), still serving: the drain before stop (onShutdown). */
  drain(): void;
  /** Refuses new calls, finishes those in flight and the background work in hand, closes; by `deadline` (epoch ms) when given. */
  stop(deadline?: number): Promise<void>;
}

/** Composition: auth, ledger, budgeting, goals and currency clients, the PDF renderer, gRPC server. No database, no NATS. */
export async function startReportingService(
  config: ReportingConfig,
  logger: Logger = createLogger('reporting', config.LOG_LEVEL),
): Promise<RunningReportingService> {
  // This service's own registry (tests run several services in one process), served on METRICS_PORT.
  const metrics = createMetrics();
  const auth = createServiceClient('auth', config, { deadlineMs: 3000, metrics });
  const ledger = createServiceClient('ledger', config, { deadlineMs: 5000, metrics });
  // Budgeting asks the ledger once per budget (8 at a time), so it gets longer than one ledger call.
  const budgeting = createServiceClient('budgeting', config, { deadlineMs: 10_000, metrics });
  const currency = createServiceClient('currency', config, { deadlineMs: 3000, metrics });
  const goals = createServiceClient('goals', config, { deadlineMs: 5000, metrics });
  // The monthly PDF's Chromium is launched by the first render, not here: starting the service (every
  // e2e stack, every test harness) stays quick, and a process that never prints a PDF never runs it.
  const pdf = createPdfRenderer(config, logger, metrics);
  const closeClients = () => {
    auth.close();
    goals.close();
    ledger.close();
    budgeting.close();
    currency.close();
  };
  const ctx: ReportingContext = {
    users: { profileOf: (userId) => userProfileOf(auth, userId, errors.userNotFound), accountOf: (userId) => accountOf(auth, userId, errors.userNotFound) },
    ledger: ledgerPort(ledger),
    budgets: budgetingPort(budgeting),
    // One rate book for the process: its cache (past days kept, the latest day 10 minutes) is what
    // keeps conversion off the network.
    rates: createRateBook(currency),
    importMaxRows: config.IMPORT_MAX_ROWS,
    meters: reportingMeters(metrics),
    goals: goalsPort(goals),
    pdf,
    now: () => new Date(),
  };

  let grpcServer;
  try {
    grpcServer = await startGrpcServer({
      metrics,
      address: config.REPORTING_GRPC_ADDR,
      services: [reportingGrpcRegistration(ctx)],
      logger,
      // ImportTransactionsCsv carries a whole file (the gateway takes up to IMPORT_MAX_BYTES, 10 MiB by default).
      maxReceiveMessageBytes: IMPORT_MAX_MESSAGE_BYTES,
    });
  } catch (err) {
    closeClients();
    await pdf.close();
    throw err;
  }
  logger.info({ address: grpcServer.address }, 'reporting service listening');
  const metricsServer = await startMetricsServer({ registry: metrics, host: config.METRICS_HOST, port: config.METRICS_PORT, logger });

  return {
    address: grpcServer.address,
    metricsAddress: metricsServer.address,
    drain: () => grpcServer.drain(),
    async stop(deadline?: number) {
      await grpcServer.stop(graceBefore(deadline));
      await metricsServer.close();
      closeClients();
      // After the server: renders still running have finished; the browser (if one was launched) goes with them.
      await pdf.close();
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
