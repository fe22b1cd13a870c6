// The metrics port (GET /metrics in Prometheus' text format, nothing else) and the gRPC hooks:
// calls counted per method and status code on both ends, over the real gRPC transport.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import net from 'node:net';
import {
  connectService,
  counterOf,
  createLogger,
  createMetrics,
  DomainError,
  gaugeOf,
  startGrpcServer,
  startMetricsServer,
  type AsyncServiceImplementation,
  type MetricsRegistry,
  type RunningGrpcServer,
  type RunningMetricsServer,
} from '../src/index.js';
import { jsonMethod, jsonStreamMethod } from './support/json-method.js';

const logger = createLogger('test', 'silent');

/** The value of one sample in a text page, by its exact label set; undefined when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const rendered = Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(',');
  const line = text.split('\n').find((l) => l.startsWith(rendered ? `${name}{${rendered}} ` : `${name} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('the metrics server', () => {
  let registry: MetricsRegistry;
  let other: MetricsRegistry;
  let server: RunningMetricsServer;
  let otherServer: RunningMetricsServer;

  beforeAll(async () => {
    registry = createMetrics();
    other = createMetrics({ defaultMetrics: false });
    server = await startMetricsServer({ registry, host: '127.0.0.1', port: 0, logger });
    otherServer = await startMetricsServer({ registry: other, host: '127.0.0.1', port: 0, logger });
  });

  afterAll(async () => {
    await server.close();
    await otherServer.close();
  });

  test('GET /metrics answers the registry in the text format, on the port it was given (0 = a free one)', async () => {
    expect(server.address).toMatch(/^127\.0\.0\.1:[1-9]\d*$/);
    counterOf(registry, { name: 'finance_test_things_total', help: 'Things.', labelNames: ['kind'] }).inc({ kind: 'a' }, 3);
    const res = await fetch(server.url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await res.text();
    expect(text).toContain('# TYPE finance_test_things_total counter');
    expect(sample(text, 'finance_test_things_total', { kind: 'a' })).toBe(3);
    // Node's process metrics come with every registry createMetrics makes.
    expect(text).toContain('# TYPE process_cpu_user_seconds_total counter');
    expect(text).toContain('nodejs_eventloop_lag_seconds');
  });

  test('each registry is its own: what one service counts is not on another one\'s page', async () => {
    counterOf(other, { name: 'finance_test_other_total', help: 'Other.' }).inc();
    const text = await (await fetch(otherServer.url)).text();
    expect(sample(text, 'finance_test_other_total')).toBe(1);
    expect(text).not.toContain('finance_test_things_total');
    expect(text).not.toContain('process_cpu_user_seconds_total');
  });

  test('counterOf hands back the family a registry already has', () => {
    const first = counterOf(other, { name: 'finance_test_shared_total', help: 'Shared.' });
    expect(counterOf(other, { name: 'finance_test_shared_total', help: 'Shared.' })).toBe(first);
  });

  test('every other path is a 404 and every other method a 405', async () => {
    const base = server.url.slice(0, -'/metrics'.length);
    for (const path of ['/', '/metricsx', '/health', '/metrics/']) {
      expect((await fetch(`${base}${path}`)).status).toBe(404);
    }
    const post = await fetch(server.url, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    expect((await fetch(`${server.url}?name=x`)).status).toBe(200);
  });

  test('a metric that cannot be collected makes the scrape a 500, and the next scrape works again', async () => {
    const registryOfBroken = createMetrics({ defaultMetrics: false });
    let broken = true;
    gaugeOf(registryOfBroken, {
      name: 'finance_test_broken',
      help: 'Fails while broken.',
      collect() {
        if (broken) throw new Error('database gone');
        this.set(1);
      },
    });
    const s = await startMetricsServer({ registry: registryOfBroken, host: '127.0.0.1', port: 0, logger });
    try {
      expect((await fetch(s.url)).status).toBe(500);
      broken = false;
      expect(sample(await (await fetch(s.url)).text(), 'finance_test_broken')).toBe(1);
    } finally {
      await s.close();
    }
  });

  test('a taken port fails the start', async () => {
    const port = Number(server.address.split(':')[1]);
    await expect(startMetricsServer({ registry, host: '127.0.0.1', port, logger })).rejects.toThrow(/EADDRINUSE/);
  });
});

describe('gRPC calls counted on both ends', () => {
  type Msg = { id?: string; n?: number };
  const Things = {
    getThing: jsonMethod<Msg>('/test.Things/GetThing'),
    streamThings: jsonStreamMethod<Msg>('/test.Things/StreamThings'),
  };
  const implementation: AsyncServiceImplementation<typeof Things> = {
    getThing: async (req) => {
      if (req.id !== 'known') throw new DomainError('not_found', 'THING_NOT_FOUND', 'No such thing.');
      return { id: req.id };
    },
    async *streamThings(req) {
      for (let i = 0; i < (req.n ?? 0); i++) yield { n: i };
    },
  };
  const serverMetrics = createMetrics({ defaultMetrics: false });
  const clientMetrics = createMetrics({ defaultMetrics: false });
  let server: RunningGrpcServer;
  const closers: (() => void)[] = [];

  beforeAll(async () => {
    server = await startGrpcServer({ address: '127.0.0.1:0', logger, services: [{ definition: Things, implementation }], metrics: serverMetrics });
  });

  afterAll(async () => {
    for (const close of closers) close();
    await server.stop();
  });

  const clientOf = (address: string) => {
    const c = connectService({ name: 'things', definition: Things }, address, { deadlineMs: 2000, metrics: clientMetrics, retries: 0 });
    closers.push(() => c.close());
    return c;
  };
  const server_ = async (method: string, code: string) => sample(await serverMetrics.metrics(), 'finance_grpc_server_handled_total', { method, code });
  const client_ = async (target: string, method: string, code: string) =>
    sample(await clientMetrics.metrics(), 'finance_grpc_client_handled_total', { target, method, code });

  test('an answered call and a NOT_FOUND count by method and code, the same on the server and the client', async () => {
    const things = clientOf(server.address);
    await things.getThing({ id: 'known' });
    await things.getThing({ id: 'known' });
    await expect(things.getThing({ id: 'other' })).rejects.toMatchObject({ code: 'THING_NOT_FOUND' });

    expect(await server_('/test.Things/GetThing', 'OK')).toBe(2);
    expect(await server_('/test.Things/GetThing', 'NOT_FOUND')).toBe(1);
    expect(await client_('things', '/test.Things/GetThing', 'OK')).toBe(2);
    expect(await client_('things', '/test.Things/GetThing', 'NOT_FOUND')).toBe(1);
    const text = await serverMetrics.metrics();
    expect(sample(text, 'finance_grpc_server_handling_seconds_count', { method: '/test.Things/GetThing' })).toBe(3);
    expect(sample(await clientMetrics.metrics(), 'finance_grpc_client_handling_seconds_count', { target: 'things', method: '/test.Things/GetThing' })).toBe(3);
  });

  test('a stream counts once, when it ends', async () => {
    const things = clientOf(server.address);
    const got: unknown[] = [];
    for await (const item of things.streamThings({ n: 5 })) got.push(item);
    expect(got).toHaveLength(5);
    expect(await server_('/test.Things/StreamThings', 'OK')).toBe(1);
    expect(await client_('things', '/test.Things/StreamThings', 'OK')).toBe(1);
  });

  test('a service that is not there counts as UNAVAILABLE on the client', async () => {
    const port = await new Promise<number>((resolve) => {
      const srv = net.createServer().listen(0, '127.0.0.1', () => {
        const { port: p } = srv.address() as net.AddressInfo;
        srv.close(() => resolve(p));
      });
    });
    const things = clientOf(`127.0.0.1:${port}`);
    await expect(things.getThing({ id: 'known' })).rejects.toMatchObject({ code: 'THINGS_UNAVAILABLE' });
    expect(await client_('things', '/test.Things/GetThing', 'UNAVAILABLE')).toBe(1);
  });

  test('a server or client given no registry counts nothing and still serves', async () => {
    const plain = await startGrpcServer({ address: '127.0.0.1:0', logger, services: [{ definition: Things, implementation }] });
    const c = connectService({ name: 'plain', definition: Things }, plain.address, { deadlineMs: 2000 });
    try {
      await expect(c.getThing({ id: 'known' })).resolves.toEqual({ id: 'known' });
      expect(await client_('plain', '/test.Things/GetThing', 'OK')).toBeUndefined();
    } finally {
      c.close();
      await plain.stop();
    }
  });
});
