import { counterOf, histogramOf, type Counter, type Histogram, type MetricsRegistry } from '@finance/platform';
import type { FastifyInstance } from 'fastify';

/** The route label of a request no route matched (404s, probes of random paths): one value, not the URL. */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * finance_http_requests_total{method,route,status} and finance_http_request_duration_seconds{method,route}
 * for every answered request. `route` is fastify's route template (`/transactions/:id`), never the
 * URL, so ids in paths do not make new series. Served on the gateway's metrics port (main.ts), not
 * the public one.
 */
export function registerHttpMetrics(app: FastifyInstance, registry: MetricsRegistry): void {
  const requests = counterOf(registry, {
    name: 'finance_http_requests_total',
    help: 'HTTP requests the gateway answered, by method, route template and status code.',
    labelNames: ['method', 'route', 'status'],
  });
  const seconds = histogramOf(registry, {
    name: 'finance_http_request_duration_seconds',
    help: 'Time from a request arriving to its answer being sent, by method and route template.',
    labelNames: ['method', 'route'],
  });
  // Label children resolved once per (method, route[, status]), not hashed again on every request.
  const counters = new Map<string, Counter.Internal>();
  const timers = new Map<string, Histogram.Internal<'method' | 'route'>>();
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? UNMATCHED_ROUTE;
    const timerKey = `${request.method} ${route}`;
    let timer = timers.get(timerKey);
    if (!timer) timers.set(timerKey, (timer = seconds.labels({ method: request.method, route })));
    timer.observe(reply.elapsedTime / 1000);
    const counterKey = `${timerKey} ${reply.statusCode}`;
    let counter = counters.get(counterKey);
    if (!counter) counters.set(counterKey, (counter = requests.labels({ method: request.method, route, status: String(reply.statusCode) })));
    counter.inc();
    done();
  });
}
