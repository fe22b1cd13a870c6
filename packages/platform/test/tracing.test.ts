// Traces through the real gRPC transport (tracing.ts, grpc-tracing.ts): off, a call carries no trace
// metadata and nothing is made; on, the client span's context travels in `traceparent` and the
// server continues it, and the handler's own calls are children of its server span.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace';
import {
  connectService,
  createLogger,
  deserializeTraceContext,
  DomainError,
  installTracing,
  serializeActiveTraceContext,
  startGrpcServer,
  startTracing,
  traceContextApi,
  tracingEnabled,
  type AsyncServiceImplementation,
  type RunningGrpcServer,
} from '../src/index.js';
import { pino } from 'pino';
import { jsonMethod, jsonStreamMethod } from './support/json-method.js';

type Msg = { traceparent?: string | null; tracestate?: string | null; activeSpanId?: string | null; fail?: boolean; seen?: Msg };
const Back = { getSeen: jsonMethod<Msg>('/test.Back/GetSeen'), streamSeen: jsonStreamMethod<Msg>('/test.Back/StreamSeen') };
const Front = { getRelayed: jsonMethod<Msg>('/test.Front/GetRelayed') };
const logger = createLogger('test', 'silent');

/** What the handler saw: the trace metadata of the call and the span active while it ran. */
const seen = (metadata: { get(key: string): unknown[] }): Msg => ({
  traceparent: (metadata.get('traceparent')[0] as string | undefined) ?? null,
  tracestate: (metadata.get('tracestate')[0] as string | undefined) ?? null,
  activeSpanId: trace.getActiveSpan()?.spanContext().spanId ?? null,
});

const backImplementation: AsyncServiceImplementation<typeof Back> = {
  getSeen: async (req, ctx) => {
    if (req.fail) throw new DomainError('not_found', 'TEST_NOT_FOUND', 'no such thing');
    return seen(ctx.metadata);
  },
  async *streamSeen(_req, ctx) {
    yield seen(ctx.metadata);
  },
};

let back: RunningGrpcServer;
let front: RunningGrpcServer;
const closers: (() => void)[] = [];
const backClient = () => {
  const client = connectService({ name: 'back', definition: Back }, back.address);
  closers.push(() => client.close());
  return client;
};

beforeAll(async () => {
  back = await startGrpcServer({ address: '127.0.0.1:0', logger, services: [{ definition: Back, implementation: backImplementation }] });
  const relay = backClient();
  const frontImplementation: AsyncServiceImplementation<typeof Front> = { getRelayed: async () => ({ activeSpanId: trace.getActiveSpan()?.spanContext().spanId ?? null, seen: await relay.getSeen({}) }) };
  front = await startGrpcServer({ address: '127.0.0.1:0', logger, services: [{ definition: Front, implementation: frontImplementation }] });
});

afterAll(async () => {
  for (const close of closers) close();
  await front.stop();
  await back.stop();
});

describe('tracing off (no OTEL_EXPORTER_OTLP_ENDPOINT, no provider)', () => {
  test('startTracing without an endpoint loads nothing and turns nothing on', async () => {
    const handle = await startTracing('test', {});
    expect(tracingEnabled()).toBe(false);
    const service = { stop: async () => undefined };
    expect(handle.around(service)).toBe(service);
    await handle.shutdown();
  });

  test('a call carries no trace metadata and its handler runs in no span', async () => {
    const client = backClient();
    expect(await client.getSeen({})).toEqual({ traceparent: null, tracestate: null, activeSpanId: null });
    for await (const item of client.streamSeen({})) expect(item).toEqual({ traceparent: null, tracestate: null, activeSpanId: null });
  });

  test('an outbox row gets no trace context', () => {
    expect(serializeActiveTraceContext()).toBeUndefined();
  });
});

describe('tracing on (a provider with an in-memory exporter)', () => {
  const exporter = new InMemorySpanExporter();
  let uninstall: () => void;
  beforeAll(async () => {
    uninstall = await installTracing(new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] }));
  });
  afterAll(() => uninstall());

  const tracer = () => trace.getTracer('test');
  const byName = (name: string) => exporter.getFinishedSpans().filter((s) => s.name === name);
  const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;

  test('the client span travels in traceparent; the server continues it and the handler runs in the server span', async () => {
    exporter.reset();
    const client = backClient();
    const root = tracer().startSpan('root');
    const answer = await traceContextApi.with(trace.setSpan(traceContextApi.active(), root), () => client.getSeen({}));
    root.end();
    const [clientSpan] = byName('test.Back/GetSeen').filter((s) => s.kind === SpanKind.CLIENT);
    const [serverSpan] = byName('test.Back/GetSeen').filter((s) => s.kind === SpanKind.SERVER);
    expect(clientSpan && serverSpan).toBeTruthy();
    // One trace: root → client → server, and the metadata said so.
    const traceId = root.spanContext().traceId;
    expect([clientSpan!.spanContext().traceId, serverSpan!.spanContext().traceId]).toEqual([traceId, traceId]);
    expect(parentOf(clientSpan!)).toBe(root.spanContext().spanId);
    expect(parentOf(serverSpan!)).toBe(clientSpan!.spanContext().spanId);
    expect(answer.traceparent).toBe(`00-${traceId}-${clientSpan!.spanContext().spanId}-01`);
    expect(answer.activeSpanId).toBe(serverSpan!.spanContext().spanId);
    expect(serverSpan!.attributes).toMatchObject({ 'rpc.system.name': 'grpc', 'rpc.method': 'test.Back/GetSeen', 'rpc.status_code': 'OK' });
  });

  test('a handler\'s own calls are children of its server span (one trace through two hops)', async () => {
    exporter.reset();
    const client = connectService({ name: 'front', definition: Front }, front.address);
    closers.push(() => client.close());
    const answer = await client.getRelayed({});
    const spans = exporter.getFinishedSpans();
    const [frontServer] = spans.filter((s) => s.name === 'test.Front/GetRelayed' && s.kind === SpanKind.SERVER);
    const [backClientSpan] = spans.filter((s) => s.name === 'test.Back/GetSeen' && s.kind === SpanKind.CLIENT);
    const [backServer] = spans.filter((s) => s.name === 'test.Back/GetSeen' && s.kind === SpanKind.SERVER);
    expect(new Set(spans.map((s) => s.spanContext().traceId)).size).toBe(1);
    expect(answer.activeSpanId).toBe(frontServer!.spanContext().spanId);
    expect(parentOf(backClientSpan!)).toBe(frontServer!.spanContext().spanId);
    expect(parentOf(backServer!)).toBe(backClientSpan!.spanContext().spanId);
  });

  test('a streamed call is traced the same way', async () => {
    exporter.reset();
    const items: Msg[] = [];
    for await (const item of backClient().streamSeen({})) items.push(item);
    const [clientSpan] = byName('test.Back/StreamSeen').filter((s) => s.kind === SpanKind.CLIENT);
    const [serverSpan] = byName('test.Back/StreamSeen').filter((s) => s.kind === SpanKind.SERVER);
    expect(items[0]!.traceparent).toContain(clientSpan!.spanContext().spanId);
    expect(items[0]!.activeSpanId).toBe(serverSpan!.spanContext().spanId);
    expect(parentOf(serverSpan!)).toBe(clientSpan!.spanContext().spanId);
  });

  test('a refused request fails the client span; the server span stays unset (the caller\'s mistake)', async () => {
    exporter.reset();
    await expect(backClient().getSeen({ fail: true })).rejects.toMatchObject({ code: 'TEST_NOT_FOUND' });
    const [clientSpan] = byName('test.Back/GetSeen').filter((s) => s.kind === SpanKind.CLIENT);
    const [serverSpan] = byName('test.Back/GetSeen').filter((s) => s.kind === SpanKind.SERVER);
    expect(clientSpan!.status.code).toBe(SpanStatusCode.ERROR);
    expect(clientSpan!.attributes['rpc.status_code']).toBe('NOT_FOUND');
    expect(serverSpan!.status.code).toBe(SpanStatusCode.UNSET);
    expect(serverSpan!.attributes['rpc.status_code']).toBe('NOT_FOUND');
  });

  test('a handler\'s log lines carry its request id and, while traced, the trace and span id', async () => {
    exporter.reset();
    const lines: Record<string, unknown>[] = [];
    const logged = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
    const Logs = { getLogged: jsonMethod<Msg>('/test.Logs/GetLogged') };
    const server = await startGrpcServer({
      address: '127.0.0.1:0',
      logger: logged,
      services: [{ definition: Logs, implementation: { getLogged: async (_req, ctx) => (ctx.logger.info('handled'), {}) } }],
    });
    const client = connectService({ name: 'logs', definition: Logs }, server.address);
    try {
      await client.getLogged({}, { requestId: 'req-42' });
    } finally {
      client.close();
      await server.stop();
    }
    const [serverSpan] = byName('test.Logs/GetLogged').filter((s) => s.kind === SpanKind.SERVER);
    expect(lines.find((l) => l.msg === 'handled')).toMatchObject({
      request_id: 'req-42',
      trace_id: serverSpan!.spanContext().traceId,
      span_id: serverSpan!.spanContext().spanId,
    });
  });

  test('the trace context stored with an outbox row (traceparent, tracestate) comes back as the same remote parent', () => {
    const root = tracer().startSpan('root');
    const stored = traceContextApi.with(trace.setSpan(traceContextApi.active(), root), () => serializeActiveTraceContext());
    root.end();
    expect(stored).toBe(`00-${root.spanContext().traceId}-${root.spanContext().spanId}-01`);
    // tracestate is a comma-separated list itself: only the first comma splits.
    const withState = `${stored},vendor1=a,vendor2=b`;
    const restored = trace.getSpanContext(deserializeTraceContext(withState))!;
    expect(restored).toMatchObject({ traceId: root.spanContext().traceId, spanId: root.spanContext().spanId, isRemote: true });
    expect(restored.traceState?.serialize()).toBe('vendor1=a,vendor2=b');
    expect(trace.getSpanContext(deserializeTraceContext('not a traceparent'))).toBeUndefined();
    expect(trace.getSpanContext(deserializeTraceContext(null))).toBeUndefined();
  });
});
