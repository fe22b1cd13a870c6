import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { connectNats, namespacedSubject, type NatsClient } from '@finance/events';
import { sessionRevoked, userDeleted } from '@finance/events/contracts/auth';
import { publishEvent } from '@finance/events/testing';
import { createLogger } from '@finance/platform';
import { deleteNamespaceStreams, inspector, randomNamespace, testNatsUrl, waitFor } from '@finance/testing';
import { startRevocationFeed } from '../src/security/revocation-feed.js';
import { RevocationList } from '../src/security/revocation-list.js';

// The revocation feed against a real NATS: auth's session.revoked and user.deleted events reach
// every replica's revocation list, including a replica started after them.

const LIFETIME_MS = 15 * 60 * 1000;
const logger = createLogger('revocation-feed-test', process.env.TEST_LOG_LEVEL ?? 'silent');
const namespace = randomNamespace();
const stoppers: (() => Promise<void>)[] = [];

function startReplica() {
  const nats: NatsClient = connectNats({ url: testNatsUrl(), name: 'gateway-test', logger });
  const revocations = new RevocationList({ ttlMs: LIFETIME_MS });
  const feed = startRevocationFeed({ nats, namespace, revocations, tokenLifetimeMs: LIFETIME_MS, logger, retryMs: 100 });
  stoppers.push(async () => {
    await feed.stop();
    await nats.close();
  });
  return revocations;
}

let early: RevocationList;

beforeAll(() => {
  // Started before auth's stream exists: it retries until the first event.
  early = startReplica();
});

afterAll(async () => {
  for (const stop of stoppers) await stop();
  await deleteNamespaceStreams(testNatsUrl(), namespace);
});

describe('revocation feed', () => {
  it('revokes the sessions of auth.session.revoked.v1, on a running replica and one started afterwards', async () => {
    const userId = randomUUID();
    const [s1, s2, kept] = [randomUUID(), randomUUID(), randomUUID()];
    await publishEvent(testNatsUrl(), namespace, sessionRevoked, { user_id: userId, session_ids: [s1, s2], reason: 'password_changed' });

    await waitFor(() => early.isSessionRevoked(s1) && early.isSessionRevoked(s2), { timeoutMs: 10_000, message: 'the running replica did not revoke the sessions' });
    expect(early.isSessionRevoked(kept)).toBe(false);
    expect(early.isRevoked(userId)).toBe(false); // the user's other sessions keep working

    const late = startReplica();
    await waitFor(() => late.isSessionRevoked(s1) && late.isSessionRevoked(s2), { timeoutMs: 10_000, message: 'a replica started afterwards did not replay the revocation' });
    expect(late.isSessionRevoked(kept)).toBe(false);
  });

  it('skips malformed events and events older than a token lifetime, and still revokes deleted users', async () => {
    const nats = await inspector();
    try {
      // Not JSON, and JSON against no contract: skipped, the feed goes on.
      await nats.jsm.jetstream().publish(namespacedSubject(namespace, sessionRevoked.subject), 'not json');
      await nats.jsm.jetstream().publish(namespacedSubject(namespace, sessionRevoked.subject), JSON.stringify({ user_id: 'u', session_ids: ['x'], reason: 'logout' }));
    } finally {
      await nats.nc.close();
    }
    const stale = randomUUID();
    await publishEvent(testNatsUrl(), namespace, sessionRevoked, {
      user_id: randomUUID(),
      session_ids: [stale],
      reason: 'logout',
      occurred_at: new Date(Date.now() - LIFETIME_MS - 1000).toISOString(),
    });
    const fresh = randomUUID();
    const gone = randomUUID();
    await publishEvent(testNatsUrl(), namespace, sessionRevoked, { user_id: randomUUID(), session_ids: [fresh], reason: 'refresh_token_reused' });
    await publishEvent(testNatsUrl(), namespace, userDeleted, { user_id: gone });

    await waitFor(() => early.isSessionRevoked(fresh) && early.isRevoked(gone), { timeoutMs: 10_000, message: 'events after malformed ones were not applied' });
    // Its tokens have all expired: nothing to refuse.
    expect(early.isSessionRevoked(stale)).toBe(false);
  });
});
