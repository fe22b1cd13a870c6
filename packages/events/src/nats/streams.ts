import { DiscardPolicy, JetStreamApiError, RetentionPolicy, StorageType, type ConsumerConfig, type JetStreamManager } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import type { EventStream } from '../contract.js';
import { namespacedStream, streamSubjects } from '../naming.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** How long a stream keeps events: a consumer may be down this long without losing any. */
export const STREAM_MAX_AGE_MS = 14 * DAY_MS;
/**
 * JetStream drops a message whose id it saw within this window. Wider than the 2-minute default
 * so that a relay retrying after a long outage (its earlier publish may have landed without the
 * ack coming back) still publishes once; consumers dedupe beyond it anyway.
 */
export const STREAM_DUPLICATE_WINDOW_MS = 60 * 60 * 1000;

const API = { streamNotFound: 10059, streamNameInUse: 10058, consumerAlreadyExists: 10148, consumerNameExists: 10013 };

const isApiError = (err: unknown, ...codes: number[]): err is JetStreamApiError =>
  err instanceof JetStreamApiError && codes.includes(err.code);

/**
 * Makes sure the producer's stream exists (idempotent; several services and replicas may race to
 * create it). An existing stream keeps its settings; only missing subjects are added.
 * Returns the stream's (namespaced) name.
 */
export async function ensureStream(jsm: JetStreamManager, namespace: string, stream: EventStream): Promise<string> {
  const name = namespacedStream(namespace, stream.name);
  const subjects = streamSubjects(namespace, stream);
  try {
    const info = await jsm.streams.info(name);
    const missing = subjects.filter((s) => !info.config.subjects?.includes(s));
    if (missing.length > 0) await jsm.streams.update(name, { subjects: [...(info.config.subjects ?? []), ...missing] });
    return name;
  } catch (err) {
    if (!isApiError(err, API.streamNotFound)) throw err;
  }
  try {
    await jsm.streams.add({
      name,
      subjects,
      retention: RetentionPolicy.Limits,
      storage: StorageType.File,
      discard: DiscardPolicy.Old,
      max_age: nanos(STREAM_MAX_AGE_MS),
      duplicate_window: nanos(STREAM_DUPLICATE_WINDOW_MS),
    });
  } catch (err) {
    // Created in the meantime by someone else with other settings: theirs stand.
    if (!isApiError(err, API.streamNameInUse)) throw err;
  }
  return name;
}

/** Creates a durable consumer, or updates it when it exists with other settings (idempotent). */
export async function ensureDurableConsumer(
  jsm: JetStreamManager,
  stream: string,
  config: Partial<ConsumerConfig> & { durable_name: string },
): Promise<void> {
  try {
    await jsm.consumers.add(stream, config);
  } catch (err) {
    if (!isApiError(err, API.consumerAlreadyExists, API.consumerNameExists)) throw err;
    const { durable_name, deliver_policy: _d, ack_policy: _a, ...updatable } = config;
    await jsm.consumers.update(stream, durable_name, updatable);
  }
}
