// The service manifest: every backend service of the system, in one typed list. It drives the
// gateway's clients and /health, every service's address configuration, the start order of
// `npm start` (infra/scripts/run-all.mjs), the e2e and bench stacks, and is checked against
// docker-compose.yml by a test. Adding a service = its folder, its proto, one entry here, its
// compose block.
import { authV1, budgetingV1, currencyV1, goalsV1, ledgerV1, notificationsV1, reportingV1 } from '@finance/proto';
import { z } from 'zod';
import { env, metricsEnv } from './config.js';
import type { ServiceDefinition } from './grpc.js';
import { connectService, type ServiceClient, type ServiceClientOptions } from './service-client.js';

export interface ServiceManifestEntry<D extends ServiceDefinition = ServiceDefinition> {
  /** The app folder (apps/<name>) and the name /health reports it under. */
  readonly name: string;
  /** The environment variable holding its gRPC address: it binds there, its callers connect there. */
  readonly addressVar: string;
  /** Its port when `addressVar` is unset (127.0.0.1:<port> locally, 0.0.0.0:<port> in containers). */
  readonly defaultPort: number;
  /**
   * The HTTP port its Prometheus metrics are served on (GET /metrics) when METRICS_PORT is unset:
   * off the gRPC port, so a scraper never shares the callers' listener. The gateway's is 9450.
   */
  readonly metricsPort: number;
  /** The grpc.health.v1 service name the gateway's /health and readiness probes ask. */
  readonly healthName: string;
  /** The generated service definition (ts-proto, grpc-js output). */
  readonly definition: D;
  /** The services it calls over gRPC: they start before it, and it reads their address variables. */
  readonly dependsOn: readonly string[];
  /** Owns a schema (and a PostgreSQL role) in DATABASE_URL. */
  readonly database: boolean;
  /** Publishes or consumes events on NATS_URL. */
  readonly events: boolean;
}

function entry<const E extends ServiceManifestEntry<any>>(e: E): E {
  return e;
}

/** Every service, in a valid start order (each after those it depends on; a test checks it). */
export const SERVICES = [
  entry({
    name: 'auth',
    addressVar: 'AUTH_GRPC_ADDR',
    defaultPort: 50051,
    metricsPort: 9451,
    healthName: 'finance.auth.v1.AuthService',
    definition: authV1.AuthServiceService,
    dependsOn: [],
    database: true,
    events: true,
  }),
  entry({
    name: 'ledger',
    addressVar: 'LEDGER_GRPC_ADDR',
    defaultPort: 50052,
    metricsPort: 9452,
    healthName: 'finance.ledger.v1.LedgerService',
    definition: ledgerV1.LedgerServiceService,
    dependsOn: ['auth'],
    database: true,
    events: true,
  }),
  entry({
    name: 'currency',
    addressVar: 'CURRENCY_GRPC_ADDR',
    defaultPort: 50056,
    metricsPort: 9456,
    healthName: 'finance.currency.v1.CurrencyService',
    definition: currencyV1.CurrencyServiceService,
    dependsOn: [],
    database: true,
    events: false,
  }),
  entry({
    name: 'budgeting',
    addressVar: 'BUDGETING_GRPC_ADDR',
    defaultPort: 50053,
    metricsPort: 9453,
    healthName: 'finance.budgeting.v1.BudgetingService',
    definition: budgetingV1.BudgetingServiceService,
    dependsOn: ['auth', 'ledger', 'currency'],
    database: true,
    events: true,
  }),
  entry({
    name: 'goals',
    addressVar: 'GOALS_GRPC_ADDR',
    defaultPort: 50055,
    metricsPort: 9455,
    healthName: 'finance.goals.v1.GoalsService',
    definition: goalsV1.GoalsServiceService,
    dependsOn: ['auth', 'ledger', 'currency'],
    database: true,
    events: true,
  }),
  entry({
    name: 'reporting',
    addressVar: 'REPORTING_GRPC_ADDR',
    defaultPort: 50054,
    metricsPort: 9454,
    healthName: 'finance.reporting.v1.ReportingService',
    definition: reportingV1.ReportingServiceService,
    dependsOn: ['auth', 'ledger', 'currency', 'budgeting', 'goals'],
    database: false,
    events: false,
  }),
  entry({
    name: 'notifications',
    addressVar: 'NOTIFICATIONS_GRPC_ADDR',
    defaultPort: 50057,
    metricsPort: 9457,
    healthName: 'finance.notifications.v1.NotificationsService',
    definition: notificationsV1.NotificationsServiceService,
    dependsOn: ['auth'],
    database: true,
    events: true,
  }),
] as const;

export type ServiceName = (typeof SERVICES)[number]['name'];
export type ServiceOf<N extends ServiceName> = Extract<(typeof SERVICES)[number], { name: N }>;
export type DefinitionOf<N extends ServiceName> = ServiceOf<N>['definition'];

const BY_NAME = new Map<string, (typeof SERVICES)[number]>(SERVICES.map((s) => [s.name, s]));

export function service<N extends ServiceName>(name: N): ServiceOf<N> {
  const found = BY_NAME.get(name);
  if (!found) throw new Error(`no service ${JSON.stringify(name)} in the manifest`);
  return found as ServiceOf<N>;
}

/** `127.0.0.1:<defaultPort>`: where a service listens, and is found, when its variable is unset. */
export const defaultAddress = (s: ServiceManifestEntry) => `127.0.0.1:${s.defaultPort}`;

type AddressShape<N extends ServiceName> = { [K in N as ServiceOf<K>['addressVar']]: z.ZodDefault<typeof env.grpcAddress> };

/**
 * The zod shape of the address variables `names` read, each defaulting to the manifest's port:
 * spread into a config schema (`{ ...addressEnv('ledger', 'auth') }`).
 */
export function addressEnv<const N extends ServiceName>(...names: N[]): AddressShape<N> {
  return Object.fromEntries(names.map((n) => [service(n).addressVar, env.grpcAddress.default(defaultAddress(service(n)))])) as AddressShape<N>;
}

/** A service's own address variable and those of every service it calls. */
export function ownAddressEnv<const N extends ServiceName>(name: N): AddressShape<N | ServiceOf<N>['dependsOn'][number]> {
  return addressEnv(name, ...(service(name).dependsOn as readonly string[] as ServiceName[])) as AddressShape<N | ServiceOf<N>['dependsOn'][number]>;
}

/** The gateway's metrics port when METRICS_PORT is unset (the services' are in the manifest). */
export const GATEWAY_METRICS_PORT = 9450;

/** METRICS_PORT (default: the manifest's `metricsPort` of `name`) and METRICS_HOST, for a config schema. */
export function ownMetricsEnv(name: ServiceName) {
  return metricsEnv(service(name).metricsPort);
}

/**
 * V8 flags every service process (and the gateway) starts with: `npm start` (run-all.mjs) and the
 * bench stack put them in the children's NODE_OPTIONS (serviceNodeOptions), the container image sets
 * the same NODE_OPTIONS (infra/Dockerfile; a test checks it against this).
 *
 * Why (bench P3, the root README): with Node's default sizing V8 lets the young generation grow to
 * tens of MB per semi-space, and a burst of allocation (a 100,000-row import: parsing, protobuf,
 * COPY lines) took reporting and the ledger past 256 MB RSS (261 and 327 MB) although their live
 * heaps stayed near 100 MB; the gateway sat at 185 MB idle. Semi-spaces of at most 8 MB brought the
 * peaks to ~200 MB and the idle gateway to ~130 MB, at no cost in import time measured. It is no heap
 * cap: the old generation keeps Node's default limit, so the largest import and a 1,000,000-row
 * export have all the room they had.
 */
export const SERVICE_NODE_OPTIONS = '--max-semi-space-size=8';

/** NODE_OPTIONS for a service process: SERVICE_NODE_OPTIONS, then `extra` (a later V8 flag wins, so extra can override). */
export function serviceNodeOptions(extra?: string): string {
  return extra?.trim() ? `${SERVICE_NODE_OPTIONS} ${extra.trim()}` : SERVICE_NODE_OPTIONS;
}

/** Every service, each after the services it depends on (the manifest's order, checked). */
export function startOrder(services: readonly ServiceManifestEntry[] = SERVICES): ServiceManifestEntry[] {
  const placed = new Set<string>();
  const order: ServiceManifestEntry[] = [];
  const pending = [...services];
  while (pending.length) {
    const next = pending.findIndex((s) => s.dependsOn.every((d) => placed.has(d)));
    if (next < 0) throw new Error(`the service manifest has a dependency cycle or an unknown dependency among: ${pending.map((s) => s.name).join(', ')}`);
    const [s] = pending.splice(next, 1);
    placed.add(s!.name);
    order.push(s!);
  }
  return order;
}

/**
 * The client of service `name`, at the address its variable holds in `config` (a parsed config
 * whose schema spread `addressEnv`/`ownAddressEnv`), else its default address.
 */
export function createServiceClient<N extends ServiceName>(
  name: N,
  config: Partial<Record<string, unknown>>,
  options: ServiceClientOptions = {},
): ServiceClient<DefinitionOf<N>> {
  const entry = service(name);
  const address = config[entry.addressVar];
  return connectService(entry as unknown as ServiceManifestEntry<DefinitionOf<N>>, typeof address === 'string' ? address : defaultAddress(entry), options);
}
