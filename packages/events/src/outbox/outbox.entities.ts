import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

// The outbox tables live in each producing/consuming service's own schema (the ORM's default
// schema); the DDL is in outbox.migration.ts.

/** An event waiting to be (or already) published to JetStream; `id` is the event id. */
export const OutboxMessageEntity = defineEntity({
  name: 'OutboxMessage',
  tableName: 'outbox_message',
  properties: {
    id: p.uuid().primary(),
    /** Subject without namespace, e.g. `auth.user.deleted.v1`; the relay adds the namespace. */
    subject: p.text(),
    payload: p.json<Record<string, unknown>>(),
    /** Set by the database (clock_timestamp()), so rows of one transaction keep their order. */
    createdAt: p.datetime().defaultRaw('clock_timestamp()'),
    publishedAt: p.datetime().nullable(),
    attempts: p.integer().default(0),
    lastError: p.text().nullable(),
    /** The trace the row was written in (`traceparent[,tracestate]`), continued when it is published; null when not traced. */
    traceContext: p.text().nullable(),
  },
});
export type OutboxMessage = InferEntity<typeof OutboxMessageEntity>;

/** One row per (consumer, event) handled: the consumers' idempotency record. */
export const ProcessedEventEntity = defineEntity({
  name: 'ProcessedEvent',
  tableName: 'processed_event',
  properties: {
    consumer: p.text().primary(),
    eventId: p.uuid().primary(),
    processedAt: p.datetime().defaultRaw('now()'),
  },
});
export type ProcessedEvent = InferEntity<typeof ProcessedEventEntity>;

/** Add to the service's `entities`. */
export const outboxEntities = [OutboxMessageEntity, ProcessedEventEntity];
