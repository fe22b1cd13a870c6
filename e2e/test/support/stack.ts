import type { AddressInfo } from 'node:net';
import { connectNats } from '@finance/events';
import { buildGateway, gatewayConfigSchema, startRevocationFeed } from '@finance/gateway';
import { createLogger, createMetrics, startMetricsServer } from '@finance/platform';
import { startOrder } from '@finance/platform/services';
import { createTestDatabase, deleteNamespaceStreams, randomNamespace, testNatsUrl, type TestDatabase } from '@finance/testing';
import type { FastifyInstance } from 'fastify';

/** A service of the manifest running in-process. */
export interface RunningService {
  /** host:port it listens on. */
  address: string;
  /** host:port its GET /metrics answers on (METRICS_PORT=0: a free port). */
  metricsAddress: string;
  stop(): Promise<void>;
}

/** What every app's index.ts exports for the tooling: start from an environment, as its main.ts does. */
interface ServiceModule {
  start(env: NodeJS.ProcessEnv, logger?: ReturnType<typeof createLogger>): Promise<RunningService>;
}

export interface Stack {
  baseUrl: string;
  namespace: string;
  /** The database every service keeps its schema in: for what no endpoint shows, such as rows being erased. */
  databaseUrl: string;
  /** Every service of the manifest, by name. `stop()` is idempotent: a test may stop one early. */
  services: Record<string, RunningService>;
  gateway: FastifyInstance;
  /** The gateway's GET /metrics (its own port, as main.ts serves it). */
  gatewayMetricsUrl: string;
  /** Another gateway replica in front of the same services (closed with the stack). */
  startGatewayReplica(): Promise<{ baseUrl: string; close(): Promise<void> }>;
  close(): Promise<void>;
}

/** A gateway as main.ts composes it: the app plus its revocation feed, listening on a free port. */
async function startGateway(env: Record<string, string>) {
  const config = gatewayConfigSchema.parse({ LOG_LEVEL: logLevel, NATS_URL: testNatsUrl(), ...env });
  const logger = createLogger('gateway', logLevel);
  const metrics = createMetrics();
  const app = await buildGateway({ config, logger, metrics });
  const metricsServer = await startMetricsServer({ registry: metrics, host: '127.0.0.1', port: 0, logger });
  const nats = connectNats({ url: config.NATS_URL, name: 'gateway', logger });
  const feed = startRevocationFeed({ nats, namespace: config.EVENT_NAMESPACE, revocations: app.revocations, tokenLifetimeMs: config.ACCESS_TOKEN_MAX_AGE_SECONDS * 1000, logger, retryMs: 200 });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return {
    app,
    baseUrl: `http://127.0.0.1:${port}`,
    metricsUrl: metricsServer.url,
    async close() {
      await app.close();
      await feed.stop();
      await nats.close();
      await metricsServer.close();
    },
  };
}

const logLevel = process.env.TEST_LOG_LEVEL ?? 'silent';

/**
 * Every service of the manifest in-process on real ports, in start order (each told where those
 * before it listen), on one fresh database and event namespace, plus the gateway listening on HTTP.
 */
export async function startStack(gatewayEnv: Record<string, string> = {}): Promise<Stack> {
  const db: TestDatabase = await createTestDatabase();
  const namespace = randomNamespace();
  // No rates refresher: the bundled ECB history only, so answers do not depend on the network.
  // METRICS_PORT 0: every service its own free metrics port (several stacks run side by side).
  const shared = { DATABASE_URL: db.url, NATS_URL: testNatsUrl(), EVENT_NAMESPACE: namespace, LOG_LEVEL: logLevel, RATES_REFRESH_INTERVAL_S: '0', METRICS_PORT: '0' };
  const addresses: Record<string, string> = {};
  const services: Record<string, RunningService> = {};
  const started: RunningService[] = [];
  const stopAll = async () => {
    for (const service of started.reverse()) await service.stop();
    await db.drop();
  };
  try {
    for (const entry of startOrder()) {
      const app = (await import(`../../../apps/${entry.name}/src/index.js`)) as ServiceModule;
      const running = await app.start({ ...shared, ...addresses, [entry.addressVar]: '127.0.0.1:0' }, createLogger(entry.name, logLevel));
      let stopping: Promise<void> | undefined;
      const service: RunningService = { address: running.address, metricsAddress: running.metricsAddress, stop: () => (stopping ??= running.stop()) };
      started.push(service);
      services[entry.name] = service;
      addresses[entry.addressVar] = service.address;
    }
  } catch (err) {
    // Leave nothing running behind a failed start (an open server makes jest hang).
    await stopAll();
    throw err;
  }
  const env = { ...addresses, EVENT_NAMESPACE: namespace, ...gatewayEnv };
  const gateway = await startGateway(env).catch(async (err: unknown) => {
    await stopAll();
    throw err;
  });
  const replicas: { close(): Promise<void> }[] = [];
  return {
    baseUrl: gateway.baseUrl,
    namespace,
    databaseUrl: db.url,
    services,
    gateway: gateway.app,
    gatewayMetricsUrl: gateway.metricsUrl,
    async startGatewayReplica() {
      const replica = await startGateway(env);
      replicas.push(replica);
      return replica;
    },
    async close() {
      for (const replica of replicas) await replica.close();
      await gateway.close();
      await stopAll();
      await deleteNamespaceStreams(testNatsUrl(), namespace);
    },
  };
}

export interface Reply {
  status: number;
  headers: Headers;
  body: any;
}

/** A small HTTP client bound to the stack: JSON in, JSON (or problem+json) out. */
export function client(baseUrl: string) {
  async function request(method: string, path: string, options: { token?: string; json?: unknown; body?: string | URLSearchParams; headers?: Record<string, string> } = {}): Promise<Reply> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | URLSearchParams | undefined = options.body;
    if (options.json !== undefined) {
      headers['content-type'] ??= 'application/json';
      body = JSON.stringify(options.json);
    }
    const res = await fetch(`${baseUrl}${path}`, { method, headers, body });
    const text = await res.text();
    const type = res.headers.get('content-type') ?? '';
    return { status: res.status, headers: res.headers, body: type.includes('json') && text ? JSON.parse(text) : text };
  }
  return {
    request,
    get: (path: string, token?: string) => request('GET', path, token ? { token } : {}),
    post: (path: string, json?: unknown, token?: string) => request('POST', path, { json, ...(token ? { token } : {}) }),
    put: (path: string, json: unknown, token?: string) => request('PUT', path, { json, ...(token ? { token } : {}) }),
    delete: (path: string, token?: string) => request('DELETE', path, token ? { token } : {}),
  };
}

let counter = 0;
export function newAccount(prefix = 'e2e') {
  const tag = `${prefix}${Date.now().toString(36)}${(counter++).toString(36)}`;
  return { email: `${tag}@example.com`, username: tag, password: 'correct horse 1' };
}

/** Registers and logs in a new user; returns its tokens and profile. */
export async function signUp(api: ReturnType<typeof client>, prefix?: string) {
  const account = newAccount(prefix);
  const registered = await api.post('/auth/register', account);
  if (registered.status !== 201) throw new Error(`register failed: ${registered.status} ${JSON.stringify(registered.body)}`);
  const login = await api.post('/auth/login', { username: account.username, password: account.password });
  if (login.status !== 200) throw new Error(`login failed: ${login.status} ${JSON.stringify(login.body)}`);
  return { account, user: registered.body, tokens: login.body as { access_token: string; refresh_token: string; token_type: string; expires_in: number } };
}

/** The parts of a problem+json body that must not vary with the request (everything but ids). */
export function problemCore(body: Record<string, unknown>) {
  const { instance: _instance, request_id: _requestId, ...rest } = body;
  return rest;
}
