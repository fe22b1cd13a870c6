import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { decodeJwt } from 'jose';
import { namespacedStream, namespacedSubject } from '@finance/events';
import { deleteNamespaceStreams, inspector, rejected, streamMessages, testNatsUrl, waitFor } from '@finance/testing';
import { newAccount, startAuthHarness, type AuthHarness } from './helpers.js';

// Every revocation of a session announces itself as auth.session.revoked.v1, written with it, so
// that every gateway replica refuses the session's access tokens at once (they are self-contained
// and would otherwise live out their 15 minutes).

let h: AuthHarness;
let nats: Awaited<ReturnType<typeof inspector>>;

beforeAll(async () => {
  h = await startAuthHarness();
  nats = await inspector();
});

afterAll(async () => {
  await nats.nc.close();
  await h.close();
  await deleteNamespaceStreams(testNatsUrl(), h.config.EVENT_NAMESPACE);
});

async function registerAndLogin(prefix = 'sess') {
  const account = newAccount(prefix);
  const { user } = await h.client.registerUser(account);
  const { tokens } = await h.client.loginUser({ identifier: account.username, password: account.password });
  return { account, user: user!, tokens: tokens! };
}

const sidOf = (accessToken: string) => decodeJwt(accessToken).sid as string;

async function revokedEvents(userId: string) {
  const subject = namespacedSubject(h.config.EVENT_NAMESPACE, 'auth.session.revoked.v1');
  const msgs = await streamMessages(nats.jsm, namespacedStream(h.config.EVENT_NAMESPACE, 'AUTH'));
  return msgs.filter((m) => m.subject === subject).map((m) => m.json<Record<string, unknown>>()).filter((e) => e.user_id === userId);
}

/** Waits for the first event of `userId`, then makes sure no second one follows. */
async function theOnlyEvent(userId: string) {
  const events = await waitFor(async () => {
    const found = await revokedEvents(userId);
    return found.length ? found : undefined;
  }, { timeoutMs: 5000, message: 'auth.session.revoked.v1 was not published' });
  await new Promise((r) => setTimeout(r, 300));
  expect(await revokedEvents(userId)).toHaveLength(events.length);
  expect(events).toHaveLength(1);
  return events[0]!;
}

describe('auth.session.revoked.v1', () => {
  test('logout publishes the session it ended; a foreign token publishes nothing', async () => {
    const { account, user, tokens } = await registerAndLogin();
    const { tokens: other } = await h.client.loginUser({ identifier: account.username, password: account.password });
    const stranger = await registerAndLogin('stranger');

    // Someone else's token changes nothing, and says so.
    expect((await h.client.revokeSession({ userId: stranger.user.id, refreshToken: tokens.refreshToken })).sessionId ?? '').toBe('');
    const answer = await h.client.revokeSession({ userId: user.id, refreshToken: tokens.refreshToken });
    // The gateway that served the logout refuses the session's tokens at once with this.
    expect(answer.sessionId).toBe(sidOf(tokens.accessToken));

    const event = await theOnlyEvent(user.id);
    expect(event).toEqual({
      event_id: expect.any(String),
      occurred_at: expect.any(String),
      user_id: user.id,
      session_ids: [sidOf(tokens.accessToken)],
      reason: 'logout',
    });
    expect(event.session_ids).not.toContain(sidOf(other!.accessToken));
    expect(await revokedEvents(stranger.user.id)).toEqual([]);

    // Logging out again changes nothing and publishes nothing more.
    expect((await h.client.revokeSession({ userId: user.id, refreshToken: tokens.refreshToken })).sessionId ?? '').toBe('');
    await new Promise((r) => setTimeout(r, 300));
    expect(await revokedEvents(user.id)).toHaveLength(1);
  });

  test('reuse detection publishes the revoked family', async () => {
    const { account, user, tokens } = await registerAndLogin();
    const { tokens: other } = await h.client.loginUser({ identifier: account.username, password: account.password });
    const { tokens: next } = await h.client.refreshSession({ refreshToken: tokens.refreshToken });
    expect(await rejected(h.client.refreshSession({ refreshToken: tokens.refreshToken }))).toMatchObject({ httpStatus: 401, code: 'AUTH_INVALID_REFRESH_TOKEN' });
    // Further replays find the family revoked already: no more events.
    expect(await rejected(h.client.refreshSession({ refreshToken: next!.refreshToken }))).toMatchObject({ httpStatus: 401 });

    const event = await theOnlyEvent(user.id);
    expect(event).toMatchObject({ user_id: user.id, session_ids: [sidOf(next!.accessToken)], reason: 'refresh_token_reused' });
    expect(event.session_ids).not.toContain(sidOf(other!.accessToken));
  });

  test('a password change publishes every other session, not the caller’s', async () => {
    const { account, user, tokens } = await registerAndLogin();
    const { tokens: laptop } = await h.client.loginUser({ identifier: account.username, password: account.password });
    const { tokens: phone } = await h.client.loginUser({ identifier: account.username, password: account.password });
    const { tokens: gone } = await h.client.loginUser({ identifier: account.username, password: account.password });
    await h.client.revokeSession({ userId: user.id, refreshToken: gone!.refreshToken });
    const mine = sidOf(tokens.accessToken);

    const { user: updated } = await h.client.updateUser({ userId: user.id, password: 'new password 1', currentPassword: account.password, sessionId: mine, notificationPreferences: undefined });
    expect(updated).toBeTruthy();

    const events = await waitFor(async () => {
      const found = (await revokedEvents(user.id)).filter((e) => e.reason === 'password_changed');
      return found.length ? found : undefined;
    }, { timeoutMs: 5000, message: 'auth.session.revoked.v1 was not published for the password change' });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ user_id: user.id, reason: 'password_changed' });
    // Already-ended sessions are not repeated; the caller's is kept.
    expect([...(events[0]!.session_ids as string[])].sort()).toEqual([sidOf(laptop!.accessToken), sidOf(phone!.accessToken)].sort());

    // A profile change without a password, or a second change with no other session left, revokes nothing.
    await h.client.updateUser({ userId: user.id, timezone: 'Europe/Paris', notificationPreferences: undefined, sessionId: mine });
    await h.client.updateUser({ userId: user.id, password: 'newer password 2', currentPassword: 'new password 1', sessionId: mine, notificationPreferences: undefined });
    await new Promise((r) => setTimeout(r, 300));
    expect((await revokedEvents(user.id)).filter((e) => e.reason === 'password_changed')).toHaveLength(1);
    await expect(h.client.refreshSession({ refreshToken: tokens.refreshToken })).resolves.toBeTruthy();
  });
});
