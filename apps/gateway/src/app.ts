import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { createHealthChecker, createLogger, type Logger, type MetricsRegistry } from '@finance/platform';
import { createServiceClient, SERVICES, type ServiceName } from '@finance/platform/services';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { validatorCompiler } from 'fastify-type-provider-zod';
import type { ServiceClients } from './clients.js';
import type { GatewayConfig } from './config.js';
import { decodeUtf8Body, parseJsonBody } from './json-body.js';
import { registerAuthentication } from './plugins/authentication.js';
import { clientErrorHandler } from './plugins/client-errors.js';
import { registerHttpMetrics } from './plugins/metrics.js';
import { registerOpenApi } from './plugins/openapi.js';
import { HttpProblem, registerProblemHandling, sendProblem, toProblemParts } from './plugins/problem.js';
import { registerRateLimits } from './plugins/rate-limits.js';
import { Readiness, registerReadiness } from './plugins/readiness.js';
import { serializerCompiler } from './plugins/serializer.js';
import { registerTracing } from './plugins/tracing.js';
import { analyticsRoutes } from './routes/analytics.routes.js';
import { authRoutes } from './routes/auth.routes.js';
import { budgetsRoutes } from './routes/budgets.routes.js';
import { categoriesRoutes } from './routes/categories.routes.js';
import { currencyRoutes } from './routes/currency.routes.js';
import { exportRoutes } from './routes/export.routes.js';
import { goalsRoutes } from './routes/goals.routes.js';
import { healthRoutes, type HealthCheck } from './routes/health.routes.js';
import { importRoutes } from './routes/import.routes.js';
import { notificationsRoutes } from './routes/notifications.routes.js';
import { pdfExportRoutes } from './routes/pdf-export.routes.js';
import { recurringRoutes } from './routes/recurring.routes.js';
import { transactionsRoutes } from './routes/transactions.routes.js';
import { usersRoutes } from './routes/users.routes.js';
import { createAccessTokenVerifier } from './security/access-token-verifier.js';
import { PublicKeyCache } from './security/public-key-cache.js';
import { RevocationList } from './security/revocation-list.js';

export const BODY_LIMIT_BYTES = 1024 * 1024;
const CLOCK_TOLERANCE_SECONDS = 30;
const API_VERSION = '1.0.0';

export interface BuildGatewayOptions {
  /** Parsed configuration (`loadGatewayConfig()` or `gatewayConfigSchema.parse({...})`). */
  config: GatewayConfig;
  /** Default: a pino logger named `gateway` at `config.LOG_LEVEL`. */
  logger?: Logger;
  /**
   * Clients of the services, by manifest name. Default: for each service in the manifest a client
   * (createServiceClient) to its address in `config` with `config.GRPC_DEADLINE_MS`, closed with the
   * gateway. A client passed in is not closed.
   */
  clients?: Partial<ServiceClients>;
  /** Default: a fresh list. Pass one to feed it from elsewhere (e.g. a `user.deleted` subscription). */
  revocations?: RevocationList;
  /**
   * What `/health` asks, by service name. Default: grpc.health.v1 of every service in the manifest
   * (its `healthName`) at its address in `config`.
   */
  healthChecks?: Record<string, HealthCheck>;
  /**
   * Where requests per route and the calls to the services are counted (main.ts serves it on
   * METRICS_PORT). Unset: nothing is counted. Clients passed in count where they were made.
   */
  metrics?: MetricsRegistry;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Subjects whose tokens this replica refuses (see RevocationList). */
    revocations: RevocationList;
    /** Auth's verification keys, as this replica caches them. */
    publicKeys: PublicKeyCache;
  }
}

// A caller's request id is reused when it is plainly an id; anything else is replaced.
const SANE_REQUEST_ID = /^[A-Za-z0-9._:\-]{1,128}$/;

function requestId(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && SANE_REQUEST_ID.test(given) ? given : randomUUID();
}

/**
 * The whole gateway as a ready (not listening) fastify instance: validation, authentication,
 * forwarding to services over gRPC, problem+json errors, rate limits, OpenAPI docs.
 */
export async function buildGateway(options: BuildGatewayOptions): Promise<FastifyInstance> {
  const { config } = options;
  const logger = options.logger ?? createLogger('gateway', config.LOG_LEVEL);
  const closers: (() => void)[] = [];

  const clients = {} as ServiceClients;
  for (const { name } of SERVICES) {
    const given = options.clients?.[name];
    if (given) {
      (clients as Record<ServiceName, unknown>)[name] = given;
      continue;
    }
    const client = createServiceClient(name, config, { deadlineMs: config.GRPC_DEADLINE_MS, metrics: options.metrics });
    closers.push(() => client.close());
    (clients as Record<ServiceName, unknown>)[name] = client;
  }
  const { auth, ledger, budgeting, reporting, goals, currency, notifications } = clients;
  let healthChecks = options.healthChecks;
  if (!healthChecks) {
    healthChecks = {};
    for (const s of SERVICES) {
      const checker = createHealthChecker(config[s.addressVar], s.healthName);
      closers.push(() => checker.close());
      healthChecks[s.name] = (timeoutMs) => checker.check(timeoutMs);
    }
  }
  const maxAgeSeconds = config.ACCESS_TOKEN_MAX_AGE_SECONDS;
  const revocations = options.revocations ?? new RevocationList({ ttlMs: (maxAgeSeconds + CLOCK_TOLERANCE_SECONDS) * 1000 });
  const publicKeys = new PublicKeyCache({
    fetchKeys: async () => (await auth.listPublicKeys({}, { deadlineMs: Math.min(config.GRPC_DEADLINE_MS, 2000) })).keys,
    refetchCooldownMs: config.JWKS_REFETCH_COOLDOWN_MS,
    onError: (err) => logger.warn({ err }, 'could not load auth public keys'),
  });
  const verifyAccessToken = createAccessTokenVerifier({
    keys: publicKeys,
    revocations,
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
    maxAgeSeconds,
    clockToleranceSeconds: CLOCK_TOLERANCE_SECONDS,
  });

  try {
    const app = Fastify({
      // pino's Logger is a FastifyBaseLogger; typing the instance with the narrower base keeps plugins' types aligned.
      loggerInstance: logger as FastifyBaseLogger,
      logController: new LogController({ requestIdLogLabel: 'request_id' }),
      genReqId: requestId,
      bodyLimit: BODY_LIMIT_BYTES,
      trustProxy: config.TRUST_PROXY,
      // Errors raised before routing (a malformed URL) are problems like any other.
      frameworkErrors: (error, request, reply) => {
        sendProblem(request, reply, toProblemParts(error));
      },
      // What node's HTTP parser refuses before fastify (431 oversized URL/headers, a malformed
      // Content-Length or chunk, 408) is problem+json too, written on the socket.
      clientErrorHandler,
      // A request that still arrives on a kept-alive connection once close() began is answered (with
      // `Connection: close`), not refused with a 503: the drain before close (plugins/readiness.ts)
      // has already sent the clients elsewhere, and a late one should not see an error.
      return503OnClosing: false,
    });
    app.decorate('revocations', revocations);
    app.decorate('publicKeys', publicKeys);
    const readiness = new Readiness();
    registerReadiness(app, readiness);
    app.setValidatorCompiler(validatorCompiler);
    app.setSerializerCompiler(serializerCompiler);

    app.addHook('onRequest', (request, reply, done) => {
      reply.header('x-request-id', request.id);
      reply.header('x-content-type-options', 'nosniff');
      done();
    });
    registerTracing(app);
    if (options.metrics) registerHttpMetrics(app, options.metrics);

    // Bodies are JSON (login also takes a form, in its own scope). Without the text/plain parser a
    // text body is a 415, not a string that fails validation. An empty JSON body counts as no body,
    // so DELETE with a stray Content-Type works and routes that need a body answer 400. The body is
    // read as bytes and decoded strictly: invalid UTF-8 is a 400, never text with U+FFFD in it.
    app.removeContentTypeParser(['application/json', 'text/plain']);
    app.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: BODY_LIMIT_BYTES }, (request, body, done) => {
      let text: string;
      try {
        text = decodeUtf8Body(body);
      } catch (err) {
        return done(err as Error, undefined);
      }
      if (text.trim() === '') return done(null, undefined);
      try {
        done(null, parseJsonBody(text));
      } catch {
        done(new HttpProblem(400, 'MALFORMED_JSON', 'The request body is not valid JSON.'), undefined);
      }
    });

    registerProblemHandling(app);
    const { authLimiter } = await registerRateLimits(app, {
      perMinute: config.RATE_LIMIT_PER_MINUTE,
      authPerMinute: config.AUTH_RATE_LIMIT_PER_MINUTE,
    });
    registerAuthentication(app, verifyAccessToken);
    await registerOpenApi(app, API_VERSION);

    await app.register(authRoutes, { auth, rateLimit: authLimiter, bodyLimit: BODY_LIMIT_BYTES });
    await app.register(usersRoutes, { auth, revocations });
    await app.register(transactionsRoutes, { ledger });
    await app.register(categoriesRoutes, { ledger });
    await app.register(recurringRoutes, { ledger });
    await app.register(budgetsRoutes, { budgeting });
    await app.register(analyticsRoutes, { reporting });
    await app.register(goalsRoutes, { goals });
    await app.register(currencyRoutes, { currency, auth, ledger });
    await app.register(exportRoutes, { reporting });
    await app.register(importRoutes, { reporting, maxBytes: config.IMPORT_MAX_BYTES });
    await app.register(pdfExportRoutes, { reporting });
    await app.register(notificationsRoutes, { notifications });
    await app.register(healthRoutes, { checks: healthChecks, timeoutMs: config.HEALTH_CHECK_TIMEOUT_MS, readiness });

    // Unknown paths: problem+json 404, counted by the global limiter so paths cannot be probed freely.
    app.setNotFoundHandler({ preHandler: app.rateLimit() }, (request, reply) =>
      sendProblem(request, reply, { status: 404, code: 'ROUTE_NOT_FOUND', detail: `No route ${request.method} ${request.url.split('?')[0]!.slice(0, 200)}.` }),
    );

    app.addHook('onClose', async () => {
      for (const close of closers) close();
    });

    await app.ready();
    return app;
  } catch (err) {
    // A gateway that failed to build must not leave gRPC channels open.
    for (const close of closers) close();
    throw err;
  }
}
