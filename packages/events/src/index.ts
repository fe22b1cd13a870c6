export {
  defineEvent,
  eventEnvelope,
  eventStream,
  streamNameOf,
  streamOfSubject,
  type EventContract,
  type EventInput,
  type EventOf,
  type EventStream,
} from './contract.js';
export { assertNamespace, namespacedDurable, namespacedStream, namespacedSubject, streamSubjects } from './naming.js';
export { connectNats, NatsClient, type ConnectNatsOptions } from './nats/connect.js';
export { ensureDurableConsumer, ensureStream, STREAM_DUPLICATE_WINDOW_MS, STREAM_MAX_AGE_MS } from './nats/streams.js';
export { copyRows, copyTextRow, copyTextValue, type CopyValue } from './outbox/copy-rows.js';
export { enqueueEvent, enqueueEvents } from './outbox/enqueue.js';
export {
  OutboxMessageEntity,
  outboxEntities,
  ProcessedEventEntity,
  type OutboxMessage,
  type ProcessedEvent,
} from './outbox/outbox.entities.js';
export { OUTBOX_CHANNEL, OutboxMigration, outboxMigration, outboxMigrations, OutboxTraceContextMigration } from './outbox/outbox.migration.js';
export { OutboxRelay, type OutboxRelayOptions } from './outbox/outbox-relay.js';
export { startConsumer, type ConsumerOptions, type EventConsumer, type EventHandler } from './consumer/consumer.js';
export { consumerMeters, outboxMeters, type ConsumedOutcome, type ConsumerMeters } from './metrics.js';
