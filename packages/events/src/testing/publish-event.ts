import { randomUUID } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { eventStream, type EventContract, type EventInput, type EventOf } from '../contract.js';
import { namespacedSubject } from '../naming.js';
import { ensureStream } from '../nats/streams.js';

/**
 * For tests of a consumer: publishes an event of another service's contract on NATS at `natsUrl`,
 * in `namespace`, as its producer's outbox relay would (into its stream, with the event id as
 * Nats-Msg-Id), without that service running. The payload is checked against the contract first.
 * Returns the event and its wire bytes. Production code publishes through the outbox only.
 */
export async function publishEvent<C extends EventContract<string, any>>(
  natsUrl: string,
  namespace: string,
  contract: C,
  input: EventInput<C>,
): Promise<{ event: EventOf<C>; data: string }> {
  const eventId = (input as { event_id?: string }).event_id ?? randomUUID();
  const event = contract.schema.parse({ occurred_at: new Date().toISOString(), ...input, event_id: eventId }) as EventOf<C>;
  const data = JSON.stringify(event);
  const nc = await connect({ servers: natsUrl, timeout: 5_000 });
  try {
    const jsm = await jetstreamManager(nc);
    await ensureStream(jsm, namespace, eventStream(contract.service));
    await jsm.jetstream().publish(namespacedSubject(namespace, contract.subject), data, { msgID: eventId });
  } finally {
    await nc.close();
  }
  return { event, data };
}
