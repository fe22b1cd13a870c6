import { connectNats } from '@finance/events';
import { createLogger, onShutdown, runMain } from '@finance/platform';
import { SERVICES } from '@finance/platform/services';
import { buildGateway } from './app.js';
import { loadGatewayConfig } from './config.js';
import { startRevocationFeed } from './security/revocation-feed.js';

// Composition root: read config, build, listen, stop cleanly on SIGTERM/SIGINT.
runMain(async () => {
  const config = loadGatewayConfig();
  const logger = createLogger('gateway', config.LOG_LEVEL);
  const app = await buildGateway({ config, logger });
  const nats = connectNats({ url: config.NATS_URL, name: 'gateway', logger });
  const feed = startRevocationFeed({
    nats,
    namespace: config.EVENT_NAMESPACE,
    revocations: app.revocations,
    tokenLifetimeMs: config.ACCESS_TOKEN_MAX_AGE_SECONDS * 1000,
    logger,
  });
  onShutdown(logger, async () => {
    await app.close();
    await feed.stop();
    await nats.close();
  });
  const address = await app.listen({ port: config.PORT, host: config.HOST });
  const services = Object.fromEntries(SERVICES.map((s) => [s.name, config[s.addressVar]]));
  logger.info({ address, docs: `${address}/docs`, services }, 'gateway listening');
});
