// Currency service: ISO 4217 currencies and the ECB's euro reference rates since 1999 (API.md, "Version 4").
import { createLogger, createMetrics, graceBefore, loadConfig, migrateOnStart, startGrpcServer, startMetricsServer, type Logger } from '@finance/platform';
import type { CurrencyContext } from './application/context.js';
import { loadRates, type LoadFigures } from './application/load-rates.js';
import { refreshRates, startRefresher, type RatesProvider, type RefreshResult } from './application/refresh-rates.js';
import { currencyConfigSchema, type CurrencyConfig } from './config.js';
import type { RateHistory } from './domain/rate-history.js';
import { openCurrencyDatabase } from './persistence/database.js';
import { currencyGrpcRegistration } from './transport/grpc/currency.grpc.js';
import { ecbFeedProvider } from './transport/http/ecb-feed.client.js';

export { currencyConfigSchema, type CurrencyConfig };
export type { LoadFigures, RatesProvider, RefreshResult };

export interface RunningCurrencyService {
  /** host:port the gRPC server listens on (the port is real even when 0 was asked for). */
  address: string;
  /** host:port its Prometheus metrics are served on (GET /metrics; METRICS_PORT, METRICS_HOST). */
  metricsAddress: string;
  /** What the start's load did and took. */
  figures: LoadFigures;
  /** The rates in memory (tests and tooling look; the service answers from it). */
  history: RateHistory;
  /** One refresh now, whatever RATES_REFRESH_INTERVAL_S says (tests; the timer does the same). */
  refresh(): Promise<RefreshResult>;
  /** Readiness off (gRPC health of the service NOT_SERVING), still serving: the drain before stop (onShutdown). */
  drain(): void;
  /** Refuses new calls, finishes those in flight and the background work in hand, closes; by `deadline` (epoch ms) when given. */
  stop(deadline?: number): Promise<void>;
}

export interface CurrencyServiceOptions {
  /** The clock ("today" when a request names no date). Tests pin it. */
  now?: () => Date;
  /** The bundled history file (default apps/currency/data/eurofxref-hist.csv). */
  ratesFile?: string;
}

/**
 * Composition: database + migrations, the bundled history loaded (first start) and read into
 * memory, the gRPC server, then the refresher (unless RATES_REFRESH_INTERVAL_S is 0), whose first
 * fetch runs after the server is up: a slow or absent network never delays readiness.
 */
export async function startCurrencyService(
  config: CurrencyConfig,
  logger: Logger = createLogger('currency', config.LOG_LEVEL),
  options: CurrencyServiceOptions = {},
): Promise<RunningCurrencyService> {
  // This service's own registry (tests run several services in one process), served on METRICS_PORT.
  const metrics = createMetrics();
  const orm = await openCurrencyDatabase(config.DATABASE_URL, logger);
  try {
    await migrateOnStart(orm, config);
    const { history, figures } = await loadRates(orm, logger, options.ratesFile);
    const now = options.now ?? (() => new Date());
    const ctx: CurrencyContext = { history, maxStaleDays: config.RATES_MAX_STALE_DAYS, now };
    const provider: RatesProvider = ecbFeedProvider({ url: config.RATES_URL, timeoutMs: config.RATES_FETCH_TIMEOUT_MS });
    const refreshContext = { orm, history, provider, now, logger };

    const grpcServer = await startGrpcServer({ address: config.CURRENCY_GRPC_ADDR, metrics, services: [currencyGrpcRegistration(ctx)], logger });
    logger.info({ address: grpcServer.address }, 'currency service listening');
    const metricsServer = await startMetricsServer({ registry: metrics, host: config.METRICS_HOST, port: config.METRICS_PORT, logger });
    const refresher = config.RATES_REFRESH_INTERVAL_S > 0 ? startRefresher(refreshContext, config.RATES_REFRESH_INTERVAL_S) : undefined;

    return {
      address: grpcServer.address,
      metricsAddress: metricsServer.address,
      figures,
      history,
      refresh: () => refreshRates(refreshContext),
      drain: () => grpcServer.drain(),
      async stop(deadline?: number) {
        await grpcServer.stop(graceBefore(deadline));
        await metricsServer.close();
        await refresher?.stop();
        await orm.close();
      },
    };
  } catch (err) {
    await orm.close();
    throw err;
  }
}

/**
 * The service as the manifest's tooling (the e2e stack) starts it: configuration read from `env`
 * exactly as main.ts reads process.env.
 */
export function start(env: NodeJS.ProcessEnv, logger?: Logger): Promise<RunningCurrencyService> {
  const config = loadConfig(currencyConfigSchema, env);
  return startCurrencyService(config, logger ?? createLogger('currency', config.LOG_LEVEL));
}
