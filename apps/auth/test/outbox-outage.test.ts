import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { namespacedStream, namespacedSubject } from '@finance/events';
import { deleteNamespaceStreams, inspector, streamMessages, TcpProxy, testNatsUrl, waitFor } from '@finance/testing';
import { newAccount, startAuthHarness, type AuthHarness } from './helpers.js';

// The auth service reaches NATS only through this proxy, so the test can take NATS away.
let proxy: TcpProxy;
let h: AuthHarness;
let nats: Awaited<ReturnType<typeof inspector>>;

beforeAll(async () => {
  proxy = await TcpProxy.forUrl(testNatsUrl(), 4222);
  h = await startAuthHarness({ NATS_URL: proxy.url() });
  nats = await inspector();
});

afterAll(async () => {
  await nats.nc.close();
  await h.close();
  await proxy.close();
  await deleteNamespaceStreams(testNatsUrl(), h.config.EVENT_NAMESPACE);
});

test('an account deleted while NATS is unreachable is announced exactly once when NATS returns', async () => {
  const ns = h.config.EVENT_NAMESPACE;
  const stream = namespacedStream(ns, 'AUTH');
  const subject = namespacedSubject(ns, 'auth.user.deleted.v1');
  const deletedEvents = async (userId: string) =>
    (await streamMessages(nats.jsm, stream)).filter((m) => m.subject === subject && m.json<{ user_id: string }>().user_id === userId);

  const account = newAccount('outage');
  const { user } = await h.client.registerUser(account);

  proxy.cut();
  // The deletion succeeds while NATS is away: the event waits in the outbox.
  await h.client.deleteUser({ userId: user!.id });
  await expect(h.client.getUser({ userId: user!.id })).rejects.toMatchObject({ details: expect.stringContaining('no longer exists') });
  await new Promise((r) => setTimeout(r, 1500));
  expect(await deletedEvents(user!.id)).toHaveLength(0);

  proxy.restore();
  const delivered = await waitFor(async () => {
    const found = await deletedEvents(user!.id);
    return found.length ? found : undefined;
  }, { timeoutMs: 20_000, message: 'auth.user.deleted.v1 was not relayed after NATS came back' });
  // Give a duplicate every chance to appear before counting.
  await new Promise((r) => setTimeout(r, 1000));
  expect(await deletedEvents(user!.id)).toHaveLength(1);
  const event = delivered[0]!.json<Record<string, unknown>>();
  expect(event).toEqual({ event_id: expect.any(String), occurred_at: expect.any(String), user_id: user!.id });
  expect(delivered[0]!.header?.get('Nats-Msg-Id')).toBe(event.event_id);
}, 40_000);
