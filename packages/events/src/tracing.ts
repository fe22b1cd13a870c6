// Traces through the outbox and NATS (platform's tracing.ts): the outbox row keeps the trace context
// of the transaction that wrote it (`trace_context`), the relay publishes it in a producer span whose
// context goes out as the message's `traceparent`/`tracestate` headers, and the consumer handles the
// message in a consumer span that continues it. Called only when tracingEnabled() is true.
import { contextFromHeaders, deserializeTraceContext, endSpan, SpanKind, startSpan, traceHeadersOf, type Context, type Span } from '@finance/platform';
import type { JsMsg } from '@nats-io/jetstream';
import { headers, type MsgHdrs } from '@nats-io/transport-node';

// Messaging attributes of the semantic conventions (still "incubating" there, so named here).
const MESSAGING_SYSTEM = 'messaging.system';
const MESSAGING_OPERATION_TYPE = 'messaging.operation.type';
const MESSAGING_DESTINATION_NAME = 'messaging.destination.name';
const MESSAGING_MESSAGE_ID = 'messaging.message.id';
const MESSAGING_CONSUMER_GROUP_NAME = 'messaging.consumer.group.name';

/**
 * The producer span of publishing one outbox row (a child of the trace that wrote the row, or a new
 * trace for a row written outside one) and the message headers that carry it.
 */
export function startPublishSpan(row: { id: string; subject: string; trace_context: string | null }, subject: string): { span: Span; headers: MsgHdrs } {
  const { span, ctx } = startSpan(
    `send ${row.subject}`,
    SpanKind.PRODUCER,
    { [MESSAGING_SYSTEM]: 'nats', [MESSAGING_OPERATION_TYPE]: 'send', [MESSAGING_DESTINATION_NAME]: subject, [MESSAGING_MESSAGE_ID]: row.id },
    deserializeTraceContext(row.trace_context),
  );
  const hdrs = headers();
  for (const [key, value] of Object.entries(traceHeadersOf(ctx))) hdrs.set(key, value);
  return { span, headers: hdrs };
}

/** The consumer span of handling `msg`, continuing the producer's trace from its headers. */
export function startProcessSpan(msg: JsMsg, eventSubject: string, durable: string): { span: Span; ctx: Context } {
  const parent = contextFromHeaders((key) => (msg.headers?.has(key) ? msg.headers.get(key) : undefined));
  return startSpan(
    `process ${eventSubject}`,
    SpanKind.CONSUMER,
    {
      [MESSAGING_SYSTEM]: 'nats',
      [MESSAGING_OPERATION_TYPE]: 'process',
      [MESSAGING_DESTINATION_NAME]: msg.subject,
      [MESSAGING_CONSUMER_GROUP_NAME]: durable,
      [MESSAGING_MESSAGE_ID]: msg.headers?.get('Nats-Msg-Id') ?? '',
    },
    parent,
  );
}

export { endSpan };
