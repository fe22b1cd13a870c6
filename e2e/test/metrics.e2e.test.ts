import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { scrapeMetrics, waitFor, type Scrape } from '@finance/testing';
import { client, signUp, startStack, type Stack } from './support/stack.js';

// Issue 15 (metrics): with every service running, Prometheus' view. The gateway's GET /metrics on its
// own port (not the API's) and each service's on its metrics port, scraped over HTTP; the counters
// move after requests: requests per route template and status, RPCs per method and code on both
// ends (a NOT_FOUND of the ledger included), events published by the outbox, rows exported and imported.

let stack: Stack;
let api: ReturnType<typeof client>;
let token: string;

beforeAll(async () => {
  stack = await startStack({ RATE_LIMIT_PER_MINUTE: '100000', AUTH_RATE_LIMIT_PER_MINUTE: '100000' });
  api = client(stack.baseUrl);
  ({
    tokens: { access_token: token },
  } = await signUp(api, 'metrics'));
});

afterAll(async () => {
  await stack.close();
});

const gateway = () => scrapeMetrics(stack.gatewayMetricsUrl);
const serviceMetrics = (name: string) => scrapeMetrics(`http://${stack.services[name]!.metricsAddress}/metrics`);
const delta = (before: Scrape, after: Scrape, name: string, labels: Record<string, string>) => after.value(name, labels) - before.value(name, labels);

describe('where metrics are served', () => {
  test('the gateway: on its metrics port only; the public API answers /metrics with a 404', async () => {
    expect(stack.gatewayMetricsUrl).not.toContain(stack.baseUrl);
    expect((await api.get('/metrics')).status).toBe(404);
    const page = await gateway();
    expect(page.text).toContain('# TYPE finance_http_requests_total counter');
    expect(page.has('nodejs_heap_size_used_bytes')).toBe(true);
  });

  test('every service: on a port of its own, apart from its gRPC port', async () => {
    const addresses = Object.values(stack.services).map((s) => s.metricsAddress);
    expect(new Set(addresses).size).toBe(Object.keys(stack.services).length);
    for (const [name, service] of Object.entries(stack.services)) {
      expect({ name, metrics: service.metricsAddress === service.address }).toEqual({ name, metrics: false });
      expect((await serviceMetrics(name)).has('process_cpu_user_seconds_total')).toBe(true);
    }
  });
});

describe('counters moving after requests', () => {
  test('a transaction created and one asked for that does not exist: counted on the gateway and in the ledger', async () => {
    const [gwBefore, ledgerBefore] = await Promise.all([gateway(), serviceMetrics('ledger')]);
    const created = await api.post('/transactions', { amount: '12.50', transaction_type: 'expense', date: '2026-03-01', currency: 'USD', description: 'Lunch' }, token);
    expect(created.status).toBe(201);
    expect((await api.get(`/transactions/${randomUUID()}`, token)).status).toBe(404);
    // The ledger's outbox publishes transaction.created.
    await waitFor(async () => (await serviceMetrics('ledger')).value('finance_outbox_published_total') > ledgerBefore.value('finance_outbox_published_total'), {
      message: 'the ledger to publish the event',
    });
    const [gwAfter, ledgerAfter] = await Promise.all([gateway(), serviceMetrics('ledger')]);

    expect(delta(gwBefore, gwAfter, 'finance_http_requests_total', { method: 'POST', route: '/transactions', status: '201' })).toBe(1);
    expect(delta(gwBefore, gwAfter, 'finance_http_requests_total', { method: 'GET', route: '/transactions/:id', status: '404' })).toBe(1);
    expect(gwAfter.value('finance_http_request_duration_seconds_count', { method: 'POST', route: '/transactions' })).toBeGreaterThanOrEqual(1);

    const getTransaction = '/finance.ledger.v1.LedgerService/GetTransaction';
    const createTransaction = '/finance.ledger.v1.LedgerService/CreateTransaction';
    expect(delta(gwBefore, gwAfter, 'finance_grpc_client_handled_total', { target: 'ledger', method: getTransaction, code: 'NOT_FOUND' })).toBe(1);
    expect(delta(gwBefore, gwAfter, 'finance_grpc_client_handled_total', { target: 'ledger', method: createTransaction, code: 'OK' })).toBe(1);
    expect(delta(ledgerBefore, ledgerAfter, 'finance_grpc_server_handled_total', { method: getTransaction, code: 'NOT_FOUND' })).toBe(1);
    expect(delta(ledgerBefore, ledgerAfter, 'finance_grpc_server_handled_total', { method: createTransaction, code: 'OK' })).toBe(1);
    expect(ledgerAfter.value('finance_grpc_server_handling_seconds_count', { method: createTransaction })).toBeGreaterThanOrEqual(1);
    // The gauges read at scrape time are on the ledger's page.
    expect(ledgerAfter.has('finance_outbox_backlog_events')).toBe(true);
    expect(ledgerAfter.has('finance_scheduler_lag_seconds')).toBe(true);
  });

  test('consumers count what they handled: budgeting took the ledger\'s transaction.created', async () => {
    const before = await serviceMetrics('budgeting');
    const labels = { subject: 'ledger.transaction.created.v1', outcome: 'handled' };
    expect((await api.post('/transactions', { amount: '3.00', transaction_type: 'expense', date: '2026-03-02', currency: 'USD' }, token)).status).toBe(201);
    await waitFor(async () => delta(before, await serviceMetrics('budgeting'), 'finance_events_consumed_total', labels) >= 1, { message: 'budgeting to handle the event' });
  });

  test('reporting counts the rows of an import and of an export', async () => {
    const before = await serviceMetrics('reporting');
    const form = new FormData();
    form.append('file', new Blob(['date,transaction_type,amount,currency,description\n2026-03-05,expense,1.00,USD,Tea\n2026-03-06,expense,2.00,USD,Cake\n'], { type: 'text/csv' }), 'a.csv');
    const imported = await fetch(`${stack.baseUrl}/import/csv`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
    expect(imported.status).toBe(201);
    const exported = await api.get('/export/csv', token);
    expect(exported.status).toBe(200);
    const rows = (exported.body as string).trim().split('\n').length - 1;
    const after = await serviceMetrics('reporting');
    expect(delta(before, after, 'finance_import_rows_total', { outcome: 'imported' })).toBe(2);
    expect(delta(before, after, 'finance_export_rows_total', {})).toBe(rows);
    expect(rows).toBeGreaterThanOrEqual(4);
    const stream = '/finance.ledger.v1.LedgerService/StreamTransactions';
    expect(delta(before, after, 'finance_grpc_client_handled_total', { target: 'ledger', method: stream, code: 'OK' })).toBe(1);
  });
});
