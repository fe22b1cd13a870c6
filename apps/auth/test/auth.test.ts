import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { status } from '@grpc/grpc-js';
import { createLocalJWKSet, decodeJwt, jwtVerify } from 'jose';
import { fromGrpcError } from '@finance/platform';
import { namespacedStream, namespacedSubject } from '@finance/events';
import { deleteNamespaceStreams, inspector, rejected, streamMessages, testNatsUrl, waitFor } from '@finance/testing';
import { newAccount, startAuthHarness, type AuthHarness } from './helpers.js';

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

async function registerAndLogin(prefix = 'user') {
  const account = newAccount(prefix);
  const { user } = await h.client.registerUser(account);
  const { tokens } = await h.client.loginUser({ identifier: account.username, password: account.password });
  return { account, user: user!, tokens: tokens! };
}

function authEvents(subject: 'auth.user.updated.v1' | 'auth.user.deleted.v1', userId: string) {
  const full = namespacedSubject(h.config.EVENT_NAMESPACE, subject);
  return streamMessages(nats.jsm, namespacedStream(h.config.EVENT_NAMESPACE, 'AUTH')).then((msgs) =>
    msgs.filter((m) => m.subject === full).map((m) => m.json<Record<string, unknown>>()).filter((e) => e.user_id === userId),
  );
}

describe('registration', () => {
  test('creates an active user with the documented defaults', async () => {
    const account = newAccount();
    const { user } = await h.client.registerUser(account);
    expect(user).toMatchObject({
      email: account.email,
      username: account.username,
      isActive: true,
      baseCurrency: 'USD',
      timezone: 'UTC',
      notificationPreferences: { email: true, budgetAlerts: true, recurringReminders: true, goalMilestones: true },
    });
    expect(user!.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(user!.createdAt).toBeInstanceOf(Date);
  });

  test('email and username are unique regardless of case', async () => {
    const account = newAccount();
    await h.client.registerUser(account);
    const sameEmail = await rejected(h.client.registerUser({ ...newAccount(), email: account.email.toUpperCase() }));
    expect(sameEmail).toMatchObject({ httpStatus: 409, code: 'AUTH_EMAIL_TAKEN' });
    const sameName = await rejected(h.client.registerUser({ ...newAccount(), username: account.username.toUpperCase() }));
    expect(sameName).toMatchObject({ httpStatus: 409, code: 'AUTH_USERNAME_TAKEN' });
  });

  test('two concurrent registrations of one name: exactly one wins, the other is a 409', async () => {
    const account = newAccount('race');
    const results = await Promise.allSettled([h.client.registerUser(account), h.client.registerUser({ ...account, email: `x${account.email}` })]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const failure = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(fromGrpcError(failure.reason)).toMatchObject({ httpStatus: 409, code: 'AUTH_USERNAME_TAKEN' });
  });

  test('invalid fields are all reported with their paths', async () => {
    const err = await rejected(h.client.registerUser({ email: 'not-an-email', username: 'a', password: 'short' }));
    expect(err.httpStatus).toBe(422);
    expect(err.errors!.map((e) => e.path).sort()).toEqual(['email', 'password', 'username']);
  });

  test('passwords longer than 128 characters are refused', async () => {
    const err = await rejected(h.client.registerUser({ ...newAccount(), password: 'x'.repeat(129) }));
    expect(err.errors).toEqual([{ path: 'password', message: expect.stringContaining('8 to 128') }]);
  });

  test('password length counts characters, not UTF-16 units', async () => {
    const four = await rejected(h.client.registerUser({ ...newAccount(), password: '🔑🔑🔑🔑' })); // 8 UTF-16 units
    expect(four.errors).toEqual([{ path: 'password', message: expect.stringContaining('8 to 128') }]);
    await expect(h.client.registerUser({ ...newAccount(), password: '🔑'.repeat(128) })).resolves.toBeTruthy(); // 256 units
  });
});

describe('login and access tokens', () => {
  test('by username or by email in any case; the token verifies against the published keys', async () => {
    const account = newAccount();
    const { user } = await h.client.registerUser(account);
    for (const identifier of [account.username, account.email.toUpperCase()]) {
      const { tokens } = await h.client.loginUser({ identifier, password: account.password });
      expect(tokens).toMatchObject({ tokenType: 'bearer', expiresIn: 900 });
      const { keys } = await h.client.listPublicKeys({});
      const { payload, protectedHeader } = await jwtVerify(tokens!.accessToken, createLocalJWKSet({ keys }), {
        algorithms: ['EdDSA'],
        issuer: 'finance-tracker/auth',
        audience: 'finance-tracker/api',
        typ: 'at+jwt',
      });
      expect(payload.sub).toBe(user!.id);
      expect(payload.sid).toEqual(expect.any(String));
      expect(keys.map((k) => k.kid)).toContain(protectedHeader.kid);
    }
  });

  test('unknown user and wrong password answer exactly alike', async () => {
    const { account } = await registerAndLogin();
    const wrongPassword = await rejected(h.client.loginUser({ identifier: account.username, password: 'wrong password' }));
    const unknownUser = await rejected(h.client.loginUser({ identifier: 'nobody-here', password: 'wrong password' }));
    expect(wrongPassword).toEqual(unknownUser);
    expect(wrongPassword).toMatchObject({ httpStatus: 401, code: 'AUTH_INVALID_CREDENTIALS' });
  });

  test('ten failures lock the account for the window, even for the right password', async () => {
    const account = newAccount('locked');
    await h.client.registerUser(account);
    for (let i = 0; i < 10; i++) {
      // by username and by email: both count for the one account
      const identifier = i % 2 ? account.email : account.username;
      expect((await rejected(h.client.loginUser({ identifier, password: `wrong ${i}` }))).code).toBe('AUTH_INVALID_CREDENTIALS');
    }
    const locked = await rejected(h.client.loginUser({ identifier: account.username, password: account.password }));
    expect(locked).toMatchObject({ httpStatus: 429, code: 'AUTH_TOO_MANY_ATTEMPTS' });
    expect(locked.retryAfterSeconds).toBeGreaterThan(890);
    expect(locked.retryAfterSeconds).toBeLessThanOrEqual(900);
    // another account is not affected
    const other = await registerAndLogin();
    expect(other.tokens.accessToken).toBeTruthy();
  });

  test('concurrent wrong passwords cannot race past the lockout: exactly ten are checked', async () => {
    const account = newAccount('raced');
    await h.client.registerUser(account);
    const outcomes = await Promise.all(
      Array.from({ length: 40 }, (_, i) => rejected(h.client.loginUser({ identifier: account.username, password: `wrong ${i}` }))),
    );
    const codes = outcomes.map((o) => o.code);
    expect(codes.filter((c) => c === 'AUTH_INVALID_CREDENTIALS')).toHaveLength(10);
    expect(codes.filter((c) => c === 'AUTH_TOO_MANY_ATTEMPTS')).toHaveLength(30);
    // and the right password is refused too, until the window passes
    expect((await rejected(h.client.loginUser({ identifier: account.username, password: account.password }))).code).toBe('AUTH_TOO_MANY_ATTEMPTS');
  });

  test('unknown names are throttled too, so the lockout does not reveal which names exist', async () => {
    for (let i = 0; i < 10; i++) await rejected(h.client.loginUser({ identifier: 'ghost-user', password: 'nope nope' }));
    expect(await rejected(h.client.loginUser({ identifier: 'Ghost-User', password: 'nope nope' }))).toMatchObject({ httpStatus: 429 });
  });

  test('a successful login clears earlier failures', async () => {
    const account = newAccount();
    await h.client.registerUser(account);
    for (let i = 0; i < 9; i++) await rejected(h.client.loginUser({ identifier: account.username, password: 'bad password' }));
    await h.client.loginUser({ identifier: account.username, password: account.password });
    for (let i = 0; i < 9; i++) await rejected(h.client.loginUser({ identifier: account.username, password: 'bad password' }));
    await expect(h.client.loginUser({ identifier: account.username, password: account.password })).resolves.toBeTruthy();
  });
});

describe('refresh tokens', () => {
  test('each refresh rotates: a new pair, same session', async () => {
    const { tokens } = await registerAndLogin();
    const { tokens: next } = await h.client.refreshSession({ refreshToken: tokens.refreshToken });
    expect(next!.refreshToken).not.toBe(tokens.refreshToken);
    expect(decodeJwt(next!.accessToken).sid).toBe(decodeJwt(tokens.accessToken).sid);
    await expect(h.client.refreshSession({ refreshToken: next!.refreshToken })).resolves.toBeTruthy();
  });

  test('presenting a rotated-out token again revokes the whole family', async () => {
    const { tokens } = await registerAndLogin();
    const { tokens: next } = await h.client.refreshSession({ refreshToken: tokens.refreshToken });
    expect(await rejected(h.client.refreshSession({ refreshToken: tokens.refreshToken }))).toMatchObject({ httpStatus: 401, code: 'AUTH_INVALID_REFRESH_TOKEN' });
    // the legitimate newer token is revoked with it
    expect(await rejected(h.client.refreshSession({ refreshToken: next!.refreshToken }))).toMatchObject({ httpStatus: 401 });
  });

  test('an unknown token is a 401', async () => {
    expect(await rejected(h.client.refreshSession({ refreshToken: 'made-up' }))).toMatchObject({ httpStatus: 401, code: 'AUTH_INVALID_REFRESH_TOKEN' });
  });

  test('logout revokes that session only; another user cannot log you out', async () => {
    const { account, user, tokens } = await registerAndLogin();
    const { tokens: second } = await h.client.loginUser({ identifier: account.username, password: account.password });
    const stranger = await registerAndLogin('stranger');
    await h.client.revokeSession({ userId: stranger.user.id, refreshToken: tokens.refreshToken });
    const { tokens: stillWorks } = await h.client.refreshSession({ refreshToken: tokens.refreshToken });
    await h.client.revokeSession({ userId: user.id, refreshToken: stillWorks!.refreshToken });
    expect(await rejected(h.client.refreshSession({ refreshToken: stillWorks!.refreshToken }))).toMatchObject({ httpStatus: 401 });
    await expect(h.client.refreshSession({ refreshToken: second!.refreshToken })).resolves.toBeTruthy();
  });
});

describe('profile', () => {
  test('updates only the fields given, canonicalises the time zone and publishes auth.user.updated.v1', async () => {
    const { user } = await registerAndLogin();
    const { user: updated } = await h.client.updateUser({
      userId: user.id,
      baseCurrency: 'EUR',
      timezone: 'europe/paris',
      notificationPreferences: { email: false },
    });
    expect(updated).toMatchObject({
      email: user.email,
      username: user.username,
      baseCurrency: 'EUR',
      timezone: 'Europe/Paris',
      notificationPreferences: { email: false, budgetAlerts: true, recurringReminders: true, goalMilestones: true },
    });
    expect(updated!.updatedAt!.getTime()).toBeGreaterThan(user.updatedAt!.getTime());
    const events = await waitFor(async () => {
      const found = await authEvents('auth.user.updated.v1', user.id);
      return found.length ? found : undefined;
    }, { timeoutMs: 5000, message: 'auth.user.updated.v1 was not published' });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ user_id: user.id, base_currency: 'EUR', timezone: 'Europe/Paris', notification_preferences: { email: false, budget_alerts: true } });
  });

  test('invalid currency and time zone are 422 with paths; nothing changes', async () => {
    const { user } = await registerAndLogin();
    const err = await rejected(h.client.updateUser({ userId: user.id, baseCurrency: 'XYZ', timezone: 'Mars/Olympus', notificationPreferences: undefined }));
    expect(err.httpStatus).toBe(422);
    expect(err.errors!.map((e) => e.path).sort()).toEqual(['base_currency', 'timezone']);
    expect((await h.client.getUser({ userId: user.id })).user).toMatchObject({ baseCurrency: 'USD', timezone: 'UTC' });
  });

  test("taking someone else's email or username is a 409; keeping your own is fine", async () => {
    const a = await registerAndLogin();
    const b = await registerAndLogin();
    expect(await rejected(h.client.updateUser({ userId: b.user.id, email: a.user.email.toUpperCase(), notificationPreferences: undefined }))).toMatchObject({ httpStatus: 409, code: 'AUTH_EMAIL_TAKEN' });
    expect(await rejected(h.client.updateUser({ userId: b.user.id, username: a.user.username, notificationPreferences: undefined }))).toMatchObject({ httpStatus: 409, code: 'AUTH_USERNAME_TAKEN' });
    await expect(h.client.updateUser({ userId: b.user.id, username: b.user.username.toUpperCase(), notificationPreferences: undefined })).resolves.toBeTruthy();
  });

  test('a password change needs the current password and revokes every other session', async () => {
    const { account, user, tokens } = await registerAndLogin();
    const { tokens: other } = await h.client.loginUser({ identifier: account.username, password: account.password });
    const sessionId = decodeJwt(tokens.accessToken).sid as string;

    expect(await rejected(h.client.updateUser({ userId: user.id, password: 'new password 1', notificationPreferences: undefined }))).toMatchObject({
      httpStatus: 422,
      errors: [{ path: 'current_password', message: expect.any(String) }],
    });
    expect(await rejected(h.client.updateUser({ userId: user.id, password: 'new password 1', currentPassword: 'wrong', sessionId, notificationPreferences: undefined }))).toMatchObject({
      httpStatus: 422,
      code: 'AUTH_WRONG_CURRENT_PASSWORD',
    });

    await h.client.updateUser({ userId: user.id, password: 'new password 1', currentPassword: account.password, sessionId, notificationPreferences: undefined });
    expect(await rejected(h.client.refreshSession({ refreshToken: other!.refreshToken }))).toMatchObject({ httpStatus: 401 });
    await expect(h.client.refreshSession({ refreshToken: tokens.refreshToken })).resolves.toBeTruthy();
    expect(await rejected(h.client.loginUser({ identifier: account.username, password: account.password }))).toMatchObject({ httpStatus: 401 });
    await expect(h.client.loginUser({ identifier: account.username, password: 'new password 1' })).resolves.toBeTruthy();
  });
});

describe('deleting the account', () => {
  test('erases the user and its sessions and publishes auth.user.deleted.v1 once', async () => {
    const { account, user, tokens } = await registerAndLogin();
    await h.client.deleteUser({ userId: user.id });

    expect(await rejected(h.client.getUser({ userId: user.id }))).toMatchObject({ httpStatus: 401, code: 'AUTH_USER_NOT_FOUND' });
    expect(await rejected(h.client.refreshSession({ refreshToken: tokens.refreshToken }))).toMatchObject({ httpStatus: 401 });
    expect(await rejected(h.client.loginUser({ identifier: account.username, password: account.password }))).toMatchObject({ httpStatus: 401 });
    expect(await rejected(h.client.deleteUser({ userId: user.id }))).toMatchObject({ httpStatus: 401 });
    // the name is free again
    await expect(h.client.registerUser(account)).resolves.toBeTruthy();

    const events = await waitFor(async () => {
      const found = await authEvents('auth.user.deleted.v1', user.id);
      return found.length ? found : undefined;
    }, { timeoutMs: 5000, message: 'auth.user.deleted.v1 was not published' });
    await new Promise((r) => setTimeout(r, 300));
    expect(await authEvents('auth.user.deleted.v1', user.id)).toHaveLength(1);
    expect(events[0]).toEqual({ event_id: expect.any(String), occurred_at: expect.any(String), user_id: user.id });
  });
});

describe('gRPC health', () => {
  test('is SERVING', async () => {
    const { createHealthChecker } = await import('@finance/platform');
    const checker = createHealthChecker(h.service.address);
    await expect(checker.check()).resolves.toBe('SERVING');
    checker.close();
  });

  test('is SERVING under the service\'s own name, which /health and readiness probes ask', async () => {
    const { createHealthChecker } = await import('@finance/platform');
    const checker = createHealthChecker(h.service.address, 'finance.auth.v1.AuthService');
    await expect(checker.check()).resolves.toBe('SERVING');
    checker.close();
  });
});

describe('a malformed user id (a broken caller: the gateway only sends verified token subjects)', () => {
  const invalidUserId = { status: status.INVALID_ARGUMENT, httpStatus: 422, code: 'AUTH_INVALID_FIELDS', errors: [{ path: 'user_id', message: 'must be a user id (uuid)' }] };

  test.each(['', 'not-a-uuid'])('is refused as an invalid field by getUser, updateUser and deleteUser (%j)', async (userId) => {
    expect(await rejected(h.client.getUser({ userId }))).toMatchObject(invalidUserId);
    expect(await rejected(h.client.updateUser({ userId, notificationPreferences: undefined }))).toMatchObject(invalidUserId);
    expect(await rejected(h.client.deleteUser({ userId }))).toMatchObject(invalidUserId);
  });

  test('is refused by revokeSession before the refresh token is looked at (it used to reach PostgreSQL: a 500)', async () => {
    expect(await rejected(h.client.revokeSession({ userId: 'not-a-uuid', refreshToken: 'x'.repeat(43) }))).toMatchObject(invalidUserId);
  });
});
