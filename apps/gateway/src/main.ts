import { connectNats } from '@finance/events';
import { createLogger, createMetrics, onShutdown, runMain, startMetricsServer, startTracing } from '@finance/platform';
import { SERVICES } from '@finance/platform/services';
import { buildGateway } from './app.js';
import { loadGatewayConfig } from './config.js';
import { startRevocationFeed } from './security/revocation-feed.js';

// Composition root: read config, build, listen, stop cleanly on SIGTERM/SIGINT.
runMain(async () => {
  const config = loadGatewayConfig();
  const logger = createLogger('gateway', config.LOG_LEVEL);
  // Before the app is built: its request spans are hooked in only when tracing is on.
  const tracing = await startTracing('gateway');
  const metrics = createMetrics();
  const app = await buildGateway({ config, logger, metrics });
  // On METRICS_PORT, off the public PORT: a scraper reaches it, the internet does not.
  const metricsServer = await startMetricsServer({ registry: metrics, host: config.METRICS_HOST, port: config.METRICS_PORT, logger });
  const nats = connectNats({ url: config.NATS_URL, name: 'gateway', logger });
  const feed = startRevocationFeed({
    nats,
    namespace: config.EVENT_NAMESPACE,
    revocations: app.revocations,
    tokenLifetimeMs: config.ACCESS_TOKEN_MAX_AGE_SECONDS * 1000,
    logger,
  });
  // SIGTERM: /health/ready 503 and `Connection: close` for SHUTDOWN_DRAIN_MS, then close() waits for
  // the requests in flight (plugins/readiness.ts).
  onShutdown(
    logger,
    tracing.around({
      drain: () => app.readiness.drain(),
      stop: async () => {
        await app.close();
        await feed.stop();
        await nats.close();
        await metricsServer.close();
      },
    }),
    config,
  );
  const address = await app.listen({ port: config.PORT, host: config.HOST });
  const services = Object.fromEntries(SERVICES.map((s) => [s.name, config[s.addressVar]]));
  logger.info({ address, docs: `${address}/docs`, services }, 'gateway listening');
});
