// One request followed through the whole stack by its trace: HTTP at the gateway → gRPC to the
// ledger → the outbox row written in its transaction → the relay's publish to NATS → budgeting's
// consumer. Every span shares the caller's trace id, each the child of the one before, and the
// request id is on the gateway's span. Spans go to an in-memory exporter registered in this process
// (the whole stack runs here), installed before the stack starts: the gateway adds its hooks only
// when tracing is on.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { installTracing } from '@finance/platform';
import { waitFor } from '@finance/testing';
import { client, signUp, startStack, type Stack } from './support/stack.js';

const exporter = new InMemorySpanExporter();
let uninstall: () => void;
let stack: Stack;

beforeAll(async () => {
  uninstall = await installTracing(new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] }));
  stack = await startStack();
}, 60_000);

afterAll(async () => {
  await stack?.close();
  uninstall?.();
});

test('POST /transactions: gateway → ledger → outbox → NATS → budgeting consumer is one trace, each span the child of the one before', async () => {
  const api = client(stack.baseUrl);
  const { tokens } = await signUp(api, 'trace');
  // The caller is traced already: its traceparent is continued, not replaced.
  const traceId = randomBytes(16).toString('hex');
  const callerSpanId = randomBytes(8).toString('hex');
  exporter.reset();
  const reply = await api.request('POST', '/transactions', {
    token: tokens.access_token,
    json: { amount: '12.50', transaction_type: 'expense', date: '2026-03-14', description: 'Traced lunch', currency: 'EUR' },
    headers: { traceparent: `00-${traceId}-${callerSpanId}-01`, 'x-request-id': 'trace-e2e-1' },
  });
  expect(reply.status).toBe(201);

  const spansOfTrace = () => exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId);
  const one = (spans: ReadableSpan[], what: string, match: (s: ReadableSpan) => boolean) => {
    const found = spans.filter(match);
    if (found.length !== 1) throw new Error(`${what}: ${found.length} spans; the trace has ${spans.map((s) => `${s.name} (${SpanKind[s.kind]})`).join(', ')}`);
    return found[0]!;
  };
  // The consumer runs after the answer: wait for its span.
  await waitFor(() => spansOfTrace().some((s) => s.kind === SpanKind.CONSUMER && s.attributes['messaging.consumer.group.name'] === `${stack.namespace}_budgeting-transaction-created`), {
    message: "budgeting's consumer span of the transaction's event",
    timeoutMs: 15_000,
  });
  const spans = spansOfTrace();

  const gateway = one(spans, 'gateway server span', (s) => s.kind === SpanKind.SERVER && s.name === 'POST /transactions');
  const client_ = one(spans, 'gateway → ledger client span', (s) => s.kind === SpanKind.CLIENT && s.name === 'finance.ledger.v1.LedgerService/CreateTransaction');
  const ledger = one(spans, 'ledger server span', (s) => s.kind === SpanKind.SERVER && s.name === 'finance.ledger.v1.LedgerService/CreateTransaction');
  const producer = one(spans, 'outbox relay producer span', (s) => s.kind === SpanKind.PRODUCER && s.name === 'send ledger.transaction.created.v1');
  const consumer = one(
    spans,
    'budgeting consumer span',
    (s) => s.kind === SpanKind.CONSUMER && s.attributes['messaging.consumer.group.name'] === `${stack.namespace}_budgeting-transaction-created`,
  );

  const parentOf = (s: ReadableSpan) => s.parentSpanContext?.spanId;
  const idOf = (s: ReadableSpan) => s.spanContext().spanId;
  expect(parentOf(gateway)).toBe(callerSpanId);
  expect(parentOf(client_)).toBe(idOf(gateway));
  expect(parentOf(ledger)).toBe(idOf(client_));
  expect(parentOf(producer)).toBe(idOf(ledger));
  expect(parentOf(consumer)).toBe(idOf(producer));
  expect(consumer.name).toBe('process ledger.transaction.created.v1');

  expect(gateway.attributes).toMatchObject({
    'http.request.method': 'POST',
    'http.route': '/transactions',
    'http.response.status_code': 201,
    'finance.request_id': 'trace-e2e-1',
  });
  expect(ledger.attributes).toMatchObject({ 'rpc.system.name': 'grpc', 'rpc.status_code': 'OK' });
  expect(producer.attributes).toMatchObject({ 'messaging.system': 'nats', 'messaging.destination.name': `${stack.namespace}.ledger.transaction.created.v1` });
  // Each ended after the one it called or published for began: a consumer span is not cut short.
  for (const s of [gateway, client_, ledger, producer, consumer]) expect(s.ended).toBe(true);
}, 30_000);
