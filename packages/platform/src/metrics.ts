// Prometheus metrics (prom-client). One Registry per running service, never prom-client's global
// one: tests and the e2e/bench stacks run several services in one process, and each must answer
// its own /metrics. The composition root creates it (createMetrics), passes it to what it starts
// (gRPC server and clients, outbox relay and consumers through the NATS client, use cases that
// count), and serves it on a port of its own (startMetricsServer), off the callers' listener.
// Every metric is named in the root README's "Metrics" section.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import {
  collectDefaultMetrics,
  Counter,
  Gauge,
  Histogram,
  Registry,
  type CounterConfiguration,
  type GaugeConfiguration,
  type HistogramConfiguration,
} from 'prom-client';
import type { Logger } from 'pino';
import { grpcStatusName } from './grpc-errors.js';

export type MetricsRegistry = Registry;
export type { Counter, Gauge, Histogram };

/** A service's registry, with Node's process metrics (CPU, memory, event-loop lag, GC) in it. */
export function createMetrics(options: { defaultMetrics?: boolean } = {}): MetricsRegistry {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) for (const metric of processMetrics()) registry.registerMetric(metric);
  return registry;
}

const PROCESS_METRICS = Symbol.for('finance.metrics.process');

/**
 * Node's process metrics, made once per process and shared by every registry in it: they describe
 * the process, not a service, and collectDefaultMetrics starts a GC observer and an event-loop
 * monitor that are never stopped, so calling it per registry leaked both (and every registry they
 * hold) for each service a test or the e2e stack started in one process. Kept on globalThis, not in
 * this module, because jest loads a module again for every test file.
 */
function processMetrics(): Parameters<Registry['registerMetric']>[0][] {
  const holder = globalThis as { [PROCESS_METRICS]?: Registry };
  if (!holder[PROCESS_METRICS]) {
    const registry = new Registry();
    collectDefaultMetrics({ register: registry });
    holder[PROCESS_METRICS] = registry;
  }
  // getMetricsAsArray gives the metric objects themselves (its declared type is narrower).
  return holder[PROCESS_METRICS].getMetricsAsArray() as unknown as Parameters<Registry['registerMetric']>[0][];
}

// Several parts of one service report the same family (every consumer counts into
// finance_events_consumed_total): the first creates it in the registry, the others get it back.

export function counterOf<L extends string>(registry: MetricsRegistry, config: Omit<CounterConfiguration<L>, 'registers'>): Counter<L> {
  return (registry.getSingleMetric(config.name) as Counter<L> | undefined) ?? new Counter({ ...config, registers: [registry] });
}

export function gaugeOf<L extends string>(registry: MetricsRegistry, config: Omit<GaugeConfiguration<L>, 'registers'>): Gauge<L> {
  return (registry.getSingleMetric(config.name) as Gauge<L> | undefined) ?? new Gauge({ ...config, registers: [registry] });
}

export function histogramOf<L extends string>(registry: MetricsRegistry, config: Omit<HistogramConfiguration<L>, 'registers'>): Histogram<L> {
  return (registry.getSingleMetric(config.name) as Histogram<L> | undefined) ?? new Histogram({ ...config, registers: [registry] });
}

/**
 * A gauge set at each scrape from `read()` (a count or an age the database knows): every replica
 * reports what it reads then. A failed read leaves it NaN for that scrape, logged with `what`, so the
 * rest of the page is still served and no stale value is shown.
 */
export function gaugeReadAtScrape(
  registry: MetricsRegistry,
  config: { name: string; help: string },
  read: () => Promise<number>,
  logger: Logger | undefined,
  what: string,
): Gauge {
  return gaugeOf(registry, {
    ...config,
    async collect() {
      try {
        this.set(await read());
      } catch (err) {
        logger?.warn({ err }, `reading ${what} for metrics failed`);
        this.set(Number.NaN);
      }
    },
  });
}

/** Seconds since `startedAt` (a `performance.now()` reading). */
export const secondsSince = (startedAt: number) => (performance.now() - startedAt) / 1000;

/**
 * One RPC's instruments, resolved once per method: `done` costs a lookup in a small array and two
 * increments, no label hashing per call.
 */
export interface CallMeter {
  /** The call ended with `code` (a grpc status); `startedAt` is its `performance.now()` at the start. */
  done(code: number, startedAt: number): void;
}

/** `NOT_FOUND` for 5: the label value of a status code, as grpc-go and grpc-java's exporters write it. */
const grpcCodeLabel = (code: number) => grpcStatusName(code) ?? 'UNKNOWN';

function meterOf(handled: Counter<string>, seconds: Histogram<string>, labels: Record<string, string>): CallMeter {
  const timer = seconds.labels(labels);
  const byCode: (Counter.Internal | undefined)[] = [];
  return {
    done(code, startedAt) {
      timer.observe(secondsSince(startedAt));
      (byCode[code] ??= handled.labels({ ...labels, code: grpcCodeLabel(code) })).inc();
    },
  };
}

/** The server side of every RPC a service serves: `meterFor('/finance.ledger.v1.LedgerService/GetX')`. */
export function grpcServerMeters(registry: MetricsRegistry): (method: string) => CallMeter {
  const handled = counterOf(registry, {
    name: 'finance_grpc_server_handled_total',
    help: 'RPCs this service answered, by method and gRPC status code (a stream counts once, when it ends).',
    labelNames: ['method', 'code'],
  });
  const seconds = histogramOf(registry, {
    name: 'finance_grpc_server_handling_seconds',
    help: 'Time from an RPC arriving to its status, by method (a stream: until its last message).',
    labelNames: ['method'],
  });
  return (method) => meterOf(handled, seconds, { method });
}

/** The client side of calls to service `target` (its manifest name): `meterFor(method path)`. */
export function grpcClientMeters(registry: MetricsRegistry, target: string): (method: string) => CallMeter {
  const handled = counterOf(registry, {
    name: 'finance_grpc_client_handled_total',
    help: 'Calls made to another service, by target service, method and the gRPC status code they ended with (after retries).',
    labelNames: ['target', 'method', 'code'],
  });
  const seconds = histogramOf(registry, {
    name: 'finance_grpc_client_handling_seconds',
    help: 'Time a call to another service took, retries included, by target service and method.',
    labelNames: ['target', 'method'],
  });
  return (method) => meterOf(handled, seconds, { target, method });
}

export interface RunningMetricsServer {
  /** host:port it listens on (the real port when 0 was asked for). */
  address: string;
  /** `http://host:port/metrics`. */
  url: string;
  close(): Promise<void>;
}

/**
 * Serves `registry` in Prometheus' text format at `GET /metrics` (HEAD too); every other path is a
 * 404 and every other method a 405. A metric whose collection fails (its database is gone) makes
 * the scrape a 500, logged: Prometheus then marks the target down rather than reading half a page.
 */
export async function startMetricsServer(options: { registry: MetricsRegistry; host: string; port: number; logger?: Logger }): Promise<RunningMetricsServer> {
  const { registry, logger } = options;
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found: metrics are at /metrics\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' }).end('Method not allowed\n');
      return;
    }
    registry.metrics().then(
      (text) => {
        res.writeHead(200, { 'content-type': registry.contentType, 'cache-control': 'no-store' });
        res.end(req.method === 'HEAD' ? undefined : text);
      },
      (err: unknown) => {
        logger?.warn({ err }, 'collecting metrics failed');
        res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end('Collecting metrics failed\n');
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  const address = `${host}:${port}`;
  logger?.info({ address }, 'metrics listening');
  return {
    address,
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        // A scraper keeps its connection alive between scrapes: end those too, or close waits for them.
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
