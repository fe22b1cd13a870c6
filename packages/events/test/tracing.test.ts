// Traces through the outbox and NATS (src/tracing.ts), on the real PostgreSQL and NATS: the row keeps
// the trace of the transaction that wrote it, the relay's producer span continues it and travels in
// the message's traceparent header, and the consumer runs the handler in a consumer span that
// continues the producer's. With tracing off, rows and messages carry nothing.
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { SpanKind, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import type { JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { installTracing, traceContextApi, type MikroORM } from '@finance/platform';
import { deleteNamespaceStreams, randomNamespace, testNatsUrl, waitFor } from '@finance/testing';
import { connectNats, enqueueEvent, enqueueEvents, OutboxRelay, startConsumer, type NatsClient } from '../src/index.js';
import { authEventStreams, userDeleted } from '../src/contracts/auth.js';
import { inspector, logger, openServiceDb, streamMessages, type ServiceDb } from './support.js';

const natsUrl = testNatsUrl();
const namespace = randomNamespace();
const stream = `${namespace}_AUTH`;

let service: ServiceDb;
let orm: MikroORM;
let direct: { nc: NatsConnection; jsm: JetStreamManager };
let nats: NatsClient;
let relay: OutboxRelay;
/** What the consumer's handler saw: the span active while it ran, by event id. */
const handledIn = new Map<string, string | null>();
const cleanups: Array<() => Promise<void>> = [];

beforeAll(async () => {
  service = await openServiceDb('auth');
  orm = service.orm;
  direct = await inspector(natsUrl);
  nats = connectNats({ url: natsUrl, name: 'events-tracing-test', logger });
  relay = new OutboxRelay({ orm, nats, namespace, logger, streams: authEventStreams, idlePollMs: 60_000 });
  relay.start();
  const consumer = startConsumer({
    nats,
    orm,
    contract: userDeleted,
    durable: 'test-user-deleted',
    namespace,
    logger,
    handler: async (_em, event) => {
      handledIn.set(event.event_id, trace.getActiveSpan()?.spanContext().spanId ?? null);
    },
  });
  await consumer.ready();
  cleanups.push(() => consumer.stop());
});

afterEach(async () => {
  await orm.em.fork().execute('delete from auth.outbox_message');
});

afterAll(async () => {
  while (cleanups.length) await cleanups.pop()!();
  await relay?.stop();
  await nats?.close();
  await direct?.nc.close();
  await deleteNamespaceStreams(natsUrl, namespace);
  await service?.close();
});

const storedContext = async (eventId: string) =>
  (await orm.em.fork().execute<{ trace_context: string | null }[]>('select trace_context from auth.outbox_message where id = ?', [eventId]))[0]?.trace_context;

async function publishedHeaders(eventId: string) {
  const msg = await waitFor(async () => (await streamMessages(direct.jsm, stream)).find((m) => m.header.get('Nats-Msg-Id') === eventId), { message: `event ${eventId} in the stream` });
  return { traceparent: msg.header.get('traceparent'), tracestate: msg.header.get('tracestate') };
}

async function enqueueOne(): Promise<string> {
  const eventId = randomUUID();
  await orm.em.fork().transactional(async (em) => {
    enqueueEvent(em, userDeleted, { event_id: eventId, user_id: randomUUID() });
  });
  relay.wake();
  return eventId;
}

describe('tracing off', () => {
  test('the row stores no trace context, the message has no traceparent, the handler runs in no span', async () => {
    const eventId = await enqueueOne();
    expect(await storedContext(eventId)).toBeNull();
    expect(await publishedHeaders(eventId)).toEqual({ traceparent: '', tracestate: '' });
    await waitFor(() => handledIn.has(eventId), { message: 'the event handled' });
    expect(handledIn.get(eventId)).toBeNull();
  });
});

describe('tracing on', () => {
  const exporter = new InMemorySpanExporter();
  let uninstall: () => void;
  beforeAll(async () => {
    uninstall = await installTracing(new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] }));
  });
  afterAll(() => uninstall());

  const inRootSpan = async <T>(fn: () => Promise<T>) => {
    const root = trace.getTracer('test').startSpan('request');
    const result = await traceContextApi.with(trace.setSpan(traceContextApi.active(), root), fn);
    root.end();
    return { root: root.spanContext(), result };
  };

  test('request → outbox row → producer span (traceparent header) → consumer span the handler runs in: one trace', async () => {
    exporter.reset();
    const { root, result: eventId } = await inRootSpan(enqueueOne);
    expect(await storedContext(eventId)).toBe(`00-${root.traceId}-${root.spanId}-01`);

    await waitFor(() => handledIn.has(eventId), { message: 'the event handled' });
    const consumerSpan = await waitFor(() => exporter.getFinishedSpans().find((s) => s.kind === SpanKind.CONSUMER && s.attributes['messaging.message.id'] === eventId));
    const producerSpan = exporter.getFinishedSpans().find((s) => s.kind === SpanKind.PRODUCER && s.attributes['messaging.message.id'] === eventId)!;

    expect(producerSpan.name).toBe('send auth.user.deleted.v1');
    expect(producerSpan.spanContext().traceId).toBe(root.traceId);
    expect(producerSpan.parentSpanContext?.spanId).toBe(root.spanId);
    expect(await publishedHeaders(eventId)).toEqual({ traceparent: `00-${root.traceId}-${producerSpan.spanContext().spanId}-01`, tracestate: '' });

    expect(consumerSpan.name).toBe('process auth.user.deleted.v1');
    expect(consumerSpan.spanContext().traceId).toBe(root.traceId);
    expect(consumerSpan.parentSpanContext?.spanId).toBe(producerSpan.spanContext().spanId);
    expect(consumerSpan.attributes).toMatchObject({ 'messaging.system': 'nats', 'messaging.consumer.group.name': `${namespace}_test-user-deleted` });
    expect(handledIn.get(eventId)).toBe(consumerSpan.spanContext().spanId);
  });

  test('a row written outside any trace (a scheduled job) starts a trace of its own at the relay', async () => {
    exporter.reset();
    const eventId = await enqueueOne();
    expect(await storedContext(eventId)).toBeNull();
    const consumerSpan = await waitFor(() => exporter.getFinishedSpans().find((s) => s.kind === SpanKind.CONSUMER && s.attributes['messaging.message.id'] === eventId));
    const producerSpan = exporter.getFinishedSpans().find((s) => s.kind === SpanKind.PRODUCER && s.attributes['messaging.message.id'] === eventId)!;
    expect(producerSpan.parentSpanContext).toBeUndefined();
    expect(consumerSpan.parentSpanContext?.spanId).toBe(producerSpan.spanContext().spanId);
  });

  test('the bulk path (enqueueEvents, COPY) stores the trace context with every row', async () => {
    const ids = [randomUUID(), randomUUID()];
    const { root } = await inRootSpan(() =>
      orm.em.fork().transactional((em) => enqueueEvents(em, userDeleted, ids.map((id) => ({ event_id: id, user_id: randomUUID() })))),
    );
    for (const id of ids) expect(await storedContext(id)).toBe(`00-${root.traceId}-${root.spanId}-01`);
  });
});
