import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import type { JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { MikroORM } from '@finance/platform';
import { deleteNamespaceStreams, randomNamespace, TcpProxy, testNatsUrl, waitFor } from '@finance/testing';
import { connectNats, enqueueEvent, OutboxMessageEntity, OutboxRelay, type NatsClient } from '../src/index.js';
import { authEventStreams, userDeleted, userUpdated } from '../src/contracts/auth.js';
import { inspector, logger, NoteEntity, openServiceDb, streamMessages, type ServiceDb } from './support.js';

const natsUrl = testNatsUrl();
const namespace = randomNamespace();
const stream = `${namespace}_AUTH`;

let service: ServiceDb;
let orm: MikroORM;
let direct: { nc: NatsConnection; jsm: JetStreamManager };
const cleanups: Array<() => Promise<void>> = [];

beforeAll(async () => {
  service = await openServiceDb('auth');
  orm = service.orm;
  direct = await inspector(natsUrl);
});

afterEach(async () => {
  // Stop relays and clients before the next test (and before the database goes away).
  while (cleanups.length) await cleanups.pop()!();
  await orm.em.fork().execute('delete from auth.outbox_message');
  await direct.jsm.streams.purge(stream).catch(() => undefined);
});

afterAll(async () => {
  await direct?.nc.close();
  await deleteNamespaceStreams(natsUrl, namespace);
  await service?.close();
});

function startRelay(nats: NatsClient, extra: Partial<ConstructorParameters<typeof OutboxRelay>[0]> = {}): OutboxRelay {
  const relay = new OutboxRelay({
    orm,
    nats,
    namespace,
    logger,
    streams: authEventStreams,
    idlePollMs: 60_000, // only wake-ups, NOTIFY and reconnects move it in these tests
    retryInitialMs: 50,
    retryMaxMs: 500,
    publishTimeoutMs: 2_000,
    ...extra,
  });
  relay.start();
  cleanups.push(() => relay.stop());
  return relay;
}

function natsClient(url: string): NatsClient {
  const nats = connectNats({ url, name: 'events-test', logger, reconnectTimeWaitMs: 100 });
  cleanups.push(() => nats.close());
  return nats;
}

async function proxy(): Promise<TcpProxy> {
  const p = await TcpProxy.forUrl(natsUrl, 4222);
  cleanups.push(() => p.close());
  return p;
}

/** A business write (a note keyed by the user id) and its event, in one transaction. */
async function writeNoteWithEvent(opts: { userId?: string; fail?: boolean } = {}): Promise<string> {
  const userId = opts.userId ?? randomUUID();
  let eventId = '';
  await orm.em.fork().transactional(async (em) => {
    em.create(NoteEntity, { id: userId, body: 'user deleted' });
    eventId = enqueueEvent(em, userDeleted, { user_id: userId }).event_id;
    if (opts.fail) throw new Error('business rule failed');
  });
  return eventId;
}

const outboxRow = (id: string) => orm.em.fork().findOne(OutboxMessageEntity, { id });
const msgIds = async () => (await streamMessages(direct.jsm, stream)).map((m) => m.header.get('Nats-Msg-Id'));

describe('enqueueEvent', () => {
  test('the outbox row commits with the business change', async () => {
    const eventId = await writeNoteWithEvent();

    const row = await outboxRow(eventId);
    expect(row).toMatchObject({ subject: 'auth.user.deleted.v1', publishedAt: null, attempts: 0 });
    expect(row?.payload).toMatchObject({ event_id: eventId, user_id: expect.any(String), occurred_at: expect.stringMatching(/Z$/) });
    expect(await orm.em.fork().count(NoteEntity, { id: row!.payload.user_id as string })).toBe(1);
  });

  test('the outbox row rolls back with the business change', async () => {
    const userId = randomUUID();

    await expect(writeNoteWithEvent({ userId, fail: true })).rejects.toThrow('business rule failed');

    expect(await orm.em.fork().count(OutboxMessageEntity)).toBe(0);
    expect(await orm.em.fork().count(NoteEntity, { id: userId })).toBe(0);
  });

  test('an invalid payload is refused before anything is written', async () => {
    await expect(
      orm.em.fork().transactional(async (em) => {
        enqueueEvent(em, userUpdated, {
          user_id: randomUUID(),
          email: 'not-an-email',
          username: 'ann',
          base_currency: 'EUR',
          timezone: 'Europe/Berlin',
          notification_preferences: { email: true, budget_alerts: true, recurring_reminders: false, goal_milestones: true },
        });
      }),
    ).rejects.toThrow(/email/);
    expect(await orm.em.fork().count(OutboxMessageEntity)).toBe(0);
  });

  test('refuses to run outside a transaction', () => {
    expect(() => enqueueEvent(orm.em.fork(), userDeleted, { user_id: randomUUID() })).toThrow(/outside a transaction/);
  });
});

describe('OutboxRelay', () => {
  test('publishes an event exactly once, with the event id as Nats-Msg-Id, and marks it published', async () => {
    const relay = startRelay(natsClient(natsUrl));
    const eventId = await writeNoteWithEvent();
    relay.wake();

    const row = await waitFor(async () => (await outboxRow(eventId))?.publishedAt && (await outboxRow(eventId)), { message: 'the event to be published' });
    expect(row.attempts).toBe(1);
    const messages = await streamMessages(direct.jsm, stream);
    expect(messages).toHaveLength(1);
    expect(messages[0]!.subject).toBe(`${namespace}.auth.user.deleted.v1`);
    expect(messages[0]!.header.get('Nats-Msg-Id')).toBe(eventId);
    expect(messages[0]!.json()).toEqual(row.payload);
  });

  test('wakes up on the commit of another connection (LISTEN/NOTIFY), without wake()', async () => {
    startRelay(natsClient(natsUrl));
    await waitFor(() => direct.jsm.streams.info(stream), { message: 'the stream' });
    await new Promise((r) => setTimeout(r, 300)); // let the relay's start-up batch pass

    const eventId = await writeNoteWithEvent(); // no relay.wake(); the idle poll is 60 s

    await waitFor(async () => (await msgIds()).includes(eventId), { timeoutMs: 5_000, message: 'NOTIFY to wake the relay' });
  });

  test('an event enqueued while NATS is unreachable is delivered exactly once after the proxy is restored', async () => {
    const outage = await proxy();
    const nats = natsClient(outage.url());
    const relay = startRelay(nats);
    const before = await writeNoteWithEvent();
    relay.wake();
    await waitFor(async () => (await msgIds()).includes(before), { message: 'the warm-up event' });

    outage.cut();
    await waitFor(() => !nats.isConnected, { message: 'the relay to notice the outage' });
    const during = await writeNoteWithEvent();
    relay.wake();
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await msgIds()).toEqual([before]);
    expect((await outboxRow(during))?.publishedAt).toBeNull();

    outage.restore();

    const row = await waitFor(async () => (await outboxRow(during))?.publishedAt && (await outboxRow(during)), {
      message: 'the event enqueued during the outage to be published',
    });
    expect(row.publishedAt).toBeInstanceOf(Date);
    await new Promise((r) => setTimeout(r, 500)); // room for a duplicate to show up, if any
    expect(await msgIds()).toEqual([before, during]);
  });

  test('starts while NATS is unreachable and delivers once it is reachable', async () => {
    const outage = await proxy();
    outage.cut();
    const nats = natsClient(outage.url());
    const relay = startRelay(nats);
    const eventId = await writeNoteWithEvent();
    relay.wake();
    await new Promise((r) => setTimeout(r, 1_000));
    expect(nats.isConnected).toBe(false);
    expect((await outboxRow(eventId))?.publishedAt).toBeNull();

    outage.restore();

    await waitFor(async () => (await msgIds()).includes(eventId), { message: 'delivery after NATS came up' });
    expect(await msgIds()).toEqual([eventId]);
  });

  test('re-creates its stream when it vanished (NATS restarted without storage)', async () => {
    const relay = startRelay(natsClient(natsUrl));
    const first = await writeNoteWithEvent();
    relay.wake();
    await waitFor(async () => (await msgIds()).includes(first), { message: 'the first event' });

    await direct.jsm.streams.delete(stream);
    const second = await writeNoteWithEvent();
    relay.wake();

    await waitFor(async () => (await msgIds()).includes(second), { message: 'the second event in a re-created stream' });
    // The stream holds the message a moment before the relay records the acknowledgement.
    const row = await waitFor(async () => (await outboxRow(second))?.publishedAt && (await outboxRow(second)), {
      message: 'the second event to be marked published',
    });
    expect(row.attempts).toBe(2); // one failed publish, one acknowledged
  });

  test('two relays (replicas) on one outbox publish each event exactly once', async () => {
    const relays = [startRelay(natsClient(natsUrl), { batchSize: 3 }), startRelay(natsClient(natsUrl), { batchSize: 3 })];
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) ids.push(await writeNoteWithEvent());
    relays.forEach((r) => r.wake());

    await waitFor(async () => (await orm.em.fork().count(OutboxMessageEntity, { publishedAt: null })) === 0, { message: 'all published' });
    const published = await msgIds();
    expect([...published].sort()).toEqual([...ids].sort());
    const rows = await orm.em.fork().find(OutboxMessageEntity, {});
    expect(rows.every((r) => r.attempts === 1)).toBe(true);
  });

  test('prunes published rows past the retention period, and only those', async () => {
    const old = await writeNoteWithEvent();
    const fresh = await writeNoteWithEvent();
    const waiting = await writeNoteWithEvent();
    await orm.em.fork().execute(
      `update auth.outbox_message set published_at = case id when ? then now() - interval '8 days' when ? then now() end where id in (?, ?)`,
      [old, fresh, old, fresh],
    );
    startRelay(natsClient(natsUrl), { retentionMs: 7 * 24 * 60 * 60 * 1000 });

    await waitFor(async () => (await outboxRow(old)) === null, { message: 'the old row to be pruned' });
    expect(await outboxRow(fresh)).not.toBeNull();
    expect(await outboxRow(waiting)).not.toBeNull();
  });
});
