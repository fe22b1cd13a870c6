// What the event plumbing reports to a service's registry (src/metrics.ts), against the real
// PostgreSQL and NATS: the outbox backlog and the age of its oldest unsent event read at scrape
// time, events published, and a consumer's outcomes, redeliveries and parked (malformed) messages.
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { jetstream, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import net from 'node:net';
import { createMetrics, type MetricsRegistry, type MikroORM } from '@finance/platform';
import { deleteNamespaceStreams, parseMetrics, randomNamespace, testNatsUrl, waitFor } from '@finance/testing';
import { connectNats, enqueueEvent, ensureStream, OutboxRelay, startConsumer, type NatsClient } from '../src/index.js';
import { authEventStreams, authStream, userDeleted } from '../src/contracts/auth.js';
import { inspector, logger, openServiceDb, type ServiceDb } from './support.js';

const natsUrl = testNatsUrl();
const namespace = randomNamespace();
const SUBJECT = 'auth.user.deleted.v1';

let service: ServiceDb;
let orm: MikroORM;
let direct: { nc: NatsConnection; jsm: JetStreamManager };
const cleanups: Array<() => Promise<void>> = [];

beforeAll(async () => {
  service = await openServiceDb('auth');
  orm = service.orm;
  direct = await inspector(natsUrl);
  await ensureStream(direct.jsm, namespace, authStream);
});

afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

afterAll(async () => {
  await direct?.nc.close();
  await deleteNamespaceStreams(natsUrl, namespace);
  await service?.close();
});

const value = async (registry: MetricsRegistry, name: string, labels?: Record<string, string>) => parseMetrics(await registry.metrics()).value(name, labels);

function natsClient(url: string, metrics: MetricsRegistry): NatsClient {
  const nats = connectNats({ url, name: 'metrics-test', logger, reconnectTimeWaitMs: 100, metrics });
  cleanups.push(() => nats.close());
  return nats;
}

/** A NATS URL nothing listens on: the relay cannot publish, so what it was given stays in the outbox. */
async function deadNatsUrl(): Promise<string> {
  const port = await new Promise<number>((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port: p } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(p));
    });
  });
  return `nats://127.0.0.1:${port}`;
}

function startRelay(nats: NatsClient): OutboxRelay {
  const relay = new OutboxRelay({ orm, nats, namespace, logger, streams: authEventStreams, idlePollMs: 60_000, retryInitialMs: 50, retryMaxMs: 200, publishTimeoutMs: 2_000 });
  relay.start();
  cleanups.push(() => relay.stop());
  return relay;
}

describe('the outbox', () => {
  test('its backlog and the age of the oldest unsent event, read at scrape time; published events counted once sent', async () => {
    const registry = createMetrics({ defaultMetrics: false });
    const stuck = startRelay(natsClient(await deadNatsUrl(), registry));
    expect(await value(registry, 'finance_outbox_backlog_events')).toBe(0);
    expect(await value(registry, 'finance_outbox_oldest_unsent_age_seconds')).toBe(0);

    await orm.em.fork().transactional(async (em) => {
      for (let i = 0; i < 2; i++) enqueueEvent(em, userDeleted, { user_id: randomUUID() });
    });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await value(registry, 'finance_outbox_backlog_events')).toBe(2);
    expect(await value(registry, 'finance_outbox_oldest_unsent_age_seconds')).toBeGreaterThanOrEqual(1);
    expect(await value(registry, 'finance_outbox_published_total')).toBe(0);

    // NATS back (a relay that reaches it, counting into the same registry): the backlog drains.
    await stuck.stop();
    startRelay(natsClient(natsUrl, registry));
    await waitFor(async () => (await value(registry, 'finance_outbox_backlog_events')) === 0, { message: 'the backlog to drain' });
    expect(await value(registry, 'finance_outbox_oldest_unsent_age_seconds')).toBe(0);
    expect(await value(registry, 'finance_outbox_published_total')).toBe(2);
  });
});

describe('a consumer', () => {
  const publish = (payload: unknown, msgID: string) =>
    jetstream(direct.nc).publish(`${namespace}.${SUBJECT}`, typeof payload === 'string' ? payload : JSON.stringify(payload), { msgID });
  const newEvent = () => ({ event_id: randomUUID(), occurred_at: new Date().toISOString(), user_id: randomUUID() });

  test('counts handled, duplicate, failed and invalid messages, redeliveries, and parks what does not parse', async () => {
    // The outbox test published into this namespace's stream: a new durable would start with those.
    await direct.jsm.streams.purge(`${namespace}_AUTH`);
    const registry = createMetrics({ defaultMetrics: false });
    let failures = 1;
    const consumer = startConsumer({
      nats: natsClient(natsUrl, registry),
      orm,
      contract: userDeleted,
      durable: 'metrics-user-deleted',
      namespace,
      logger,
      retryDelayMs: () => 100,
      handler: async () => {
        if (failures-- > 0) throw new Error('transient failure');
      },
    });
    cleanups.push(() => consumer.stop());
    await consumer.ready();
    const outcome = (o: string) => value(registry, 'finance_events_consumed_total', { subject: SUBJECT, outcome: o });

    const event = newEvent();
    await publish(event, `${event.event_id}-a`); // fails once, redelivered, handled
    await publish('{not json', randomUUID());
    await publish({ event_id: randomUUID() }, randomUUID()); // no user_id, no occurred_at
    await waitFor(async () => (await outcome('handled')) === 1, { message: 'the event handled after its redelivery' });
    await publish(event, `${event.event_id}-b`); // the same event under another message id
    await waitFor(async () => (await outcome('duplicate')) === 1, { message: 'the duplicate' });

    expect(await outcome('failed')).toBe(1);
    expect(await outcome('invalid')).toBe(2);
    expect(await value(registry, 'finance_events_redelivered_total', { subject: SUBJECT })).toBe(1);
    expect(await value(registry, 'finance_events_parked_total', { subject: SUBJECT })).toBe(2);
  });
});
