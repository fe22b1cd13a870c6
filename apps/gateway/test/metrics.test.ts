import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createMetrics, type MetricsRegistry } from '@finance/platform';
import { parseMetrics, stubError, type Scrape } from '@finance/testing';
import { startTestGateway, type TestGateway } from './support/gateway.js';

// What the gateway counts into the registry main.ts serves on METRICS_PORT: every answer by method,
// route template (never the raw URL) and status, its duration, and each call to a service by target,
// method and gRPC code. The services are scripted stubs over real gRPC here; e2e/test/metrics.e2e.test.ts
// scrapes the real stack over HTTP.

let gw: TestGateway;
let registry: MetricsRegistry;
let token: string;

beforeAll(async () => {
  registry = createMetrics({ defaultMetrics: false });
  gw = await startTestGateway({ RATE_LIMIT_PER_MINUTE: '100000' }, { metrics: registry });
  ({ token } = await gw.caller());
});

afterAll(async () => {
  await gw.close();
});

const scrape = async (): Promise<Scrape> => parseMetrics(await registry.metrics());
const get = (url: string) => gw.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });

describe('GET /metrics is not on the public API', () => {
  it('the API port answers /metrics with the 404 of an unknown route', async () => {
    const res = await gw.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'ROUTE_NOT_FOUND' });
  });
});

describe('HTTP requests', () => {
  it('counted per route template and status, whatever ids the URLs carry', async () => {
    const before = await scrape();
    gw.ledger.fail('getTransaction', stubError('not_found', 'LEDGER_TRANSACTION_NOT_FOUND', 'Transaction not found.'));
    for (let i = 0; i < 3; i++) expect((await get(`/transactions/${randomUUID()}`)).statusCode).toBe(404);
    const after = await scrape();
    const labels = { method: 'GET', route: '/transactions/:id', status: '404' };
    expect(after.value('finance_http_requests_total', labels) - before.value('finance_http_requests_total', labels)).toBe(3);
    expect(after.value('finance_http_request_duration_seconds_count', { method: 'GET', route: '/transactions/:id' })).toBeGreaterThanOrEqual(3);
    // No series carries a URL with an id in it.
    expect(after.text).not.toMatch(/route="\/transactions\/[0-9a-f]{8}-/);
  });

  it('a path no route matches counts under route="unmatched", not under its URL', async () => {
    const before = await scrape();
    await get(`/no-such-thing/${randomUUID()}`);
    await get('/metricsx');
    const after = await scrape();
    const labels = { method: 'GET', route: 'unmatched', status: '404' };
    expect(after.value('finance_http_requests_total', labels) - before.value('finance_http_requests_total', labels)).toBe(2);
    expect(after.text).not.toContain('/no-such-thing');
  });

  it('an unauthenticated call counts with its 401', async () => {
    const before = await scrape();
    expect((await gw.app.inject({ method: 'GET', url: '/transactions' })).statusCode).toBe(401);
    const after = await scrape();
    const labels = { method: 'GET', route: '/transactions', status: '401' };
    expect(after.value('finance_http_requests_total', labels) - before.value('finance_http_requests_total', labels)).toBe(1);
  });
});

describe('calls to the services', () => {
  it('counted by target, method and gRPC code: a NOT_FOUND of the ledger is one, an answer is OK', async () => {
    const method = '/finance.ledger.v1.LedgerService/GetTransaction';
    const before = await scrape();
    gw.ledger.fail('getTransaction', stubError('not_found', 'LEDGER_TRANSACTION_NOT_FOUND', 'Transaction not found.'));
    await get(`/transactions/${randomUUID()}`);
    gw.ledger.on('listTransactions', () => ({ items: [], page: { nextCursor: '', hasMore: false } }));
    expect((await get('/transactions')).statusCode).toBe(200);
    const after = await scrape();
    const delta = (labels: Record<string, string>) => after.value('finance_grpc_client_handled_total', labels) - before.value('finance_grpc_client_handled_total', labels);
    expect(delta({ target: 'ledger', method, code: 'NOT_FOUND' })).toBe(1);
    expect(delta({ target: 'ledger', method: '/finance.ledger.v1.LedgerService/ListTransactions', code: 'OK' })).toBe(1);
  });

  it('a service that is down counts as UNAVAILABLE for its target', async () => {
    const before = await scrape();
    await gw.goals.stop();
    expect((await get('/goals')).statusCode).toBe(503);
    const after = await scrape();
    const labels = { target: 'goals', code: 'UNAVAILABLE' };
    expect(after.value('finance_grpc_client_handled_total', labels) - before.value('finance_grpc_client_handled_total', labels)).toBe(1);
  });
});
