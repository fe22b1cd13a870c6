import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { authV1 } from '@finance/proto';
import { stubError } from '@finance/testing';
import { protoUser } from './support/builders.js';
import { bearer, startTestGateway, type TestGateway } from './support/gateway.js';
import { expectProblem } from './support/problems.js';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(async () => {
  await gw.close();
});

let userId: string;
let sessionId: string;
let token: string;
beforeEach(async () => {
  gw.reset();
  ({ userId, sessionId, token } = await gw.caller());
});

const put = (payload: unknown, t = token) => gw.app.inject({ method: 'PUT', url: '/users/me', headers: bearer(t), payload: payload as object });
/** UpdateUser answers the user with the fields it was sent (as auth would after applying them). */
const echoUpdates = () =>
  gw.auth.on('updateUser', (req) =>
    ({ user: protoUser({ id: req.userId, ...(req.email ? { email: req.email } : {}), ...(req.timezone ? { timezone: req.timezone } : {}) }) }) as authV1.UpdateUserResponse,
  );

describe('GET /users/me', () => {
  it('asks GetUser for the token’s subject and maps every field to snake_case, timestamps as ISO 8601 UTC', async () => {
    gw.auth.answer('getUser', {
      user: protoUser({
        id: userId,
        email: 'ada@example.com',
        username: 'ada.l',
        baseCurrency: 'EUR',
        timezone: 'Europe/Berlin',
        isActive: false,
        notificationPreferences: { email: false, budgetAlerts: true, recurringReminders: false, goalMilestones: true },
        createdAt: new Date('2026-01-02T03:04:05.678Z'),
        updatedAt: new Date('2026-02-03T04:05:06.789Z'),
      }),
    });
    const res = await gw.app.inject({ method: 'GET', url: '/users/me', headers: bearer(token) });
    expect(res.statusCode).toBe(200);
    expect(gw.auth.lastRequest('getUser')).toEqual({ userId });
    expect(res.json()).toEqual({
      id: userId,
      email: 'ada@example.com',
      username: 'ada.l',
      is_active: false,
      base_currency: 'EUR',
      timezone: 'Europe/Berlin',
      notification_preferences: { email: false, budget_alerts: true, recurring_reminders: false, goal_milestones: true },
      created_at: '2026-01-02T03:04:05.678Z',
      updated_at: '2026-02-03T04:05:06.789Z',
    });
  });

  it('auth’s NOT_FOUND → 404 problem+json with its code', async () => {
    gw.auth.fail('getUser', stubError('not_found', 'AUTH_USER_NOT_FOUND', 'No such user.'));
    const res = await gw.app.inject({ method: 'GET', url: '/users/me', headers: bearer(token) });
    const body = expectProblem(res, 404, 'AUTH_USER_NOT_FOUND');
    expect(body.type).toMatch(/not-found$/);
  });
});

describe('PUT /users/me', () => {
  it('sends only the given fields (preferences partially) and answers the user auth returns', async () => {
    gw.auth.answer('updateUser', {
      user: protoUser({ id: userId, timezone: 'America/New_York', notificationPreferences: { email: true, budgetAlerts: false, recurringReminders: true, goalMilestones: true } }),
    });
    const res = await put({ timezone: 'America/New_York', notification_preferences: { budget_alerts: false } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      id: userId,
      timezone: 'America/New_York',
      notification_preferences: { email: true, budget_alerts: false, recurring_reminders: true, goal_milestones: true },
    });
    const request = gw.auth.lastRequest('updateUser');
    expect(request.userId).toBe(userId);
    expect(request.timezone).toBe('America/New_York');
    expect(request.notificationPreferences).toEqual({ budgetAlerts: false });
    // Fields not sent stay unset on the wire (proto3 optional), so the service leaves them alone.
    expect(request.email).toBeUndefined();
    expect(request.username).toBeUndefined();
    expect(request.baseCurrency).toBeUndefined();
    expect(request.password).toBeUndefined();
  });

  it('maps every field name to the RPC, with the caller’s session so auth keeps it while revoking the others', async () => {
    gw.auth.answer('updateUser', { user: protoUser({ id: userId, email: 'new@example.com', username: 'new.name', baseCurrency: 'JPY', timezone: 'Asia/Tokyo' }) });
    const res = await put({
      email: 'new@example.com',
      username: 'new.name',
      base_currency: 'JPY',
      timezone: 'Asia/Tokyo',
      notification_preferences: { email: false, budget_alerts: false, recurring_reminders: false, goal_milestones: false },
      password: 'new-password-2',
      current_password: 'old-password-1',
    });
    expect(res.statusCode).toBe(200);
    expect(gw.auth.lastRequest('updateUser')).toEqual({
      userId,
      email: 'new@example.com',
      username: 'new.name',
      baseCurrency: 'JPY',
      timezone: 'Asia/Tokyo',
      notificationPreferences: { email: false, budgetAlerts: false, recurringReminders: false, goalMilestones: false },
      password: 'new-password-2',
      currentPassword: 'old-password-1',
      sessionId,
    });
    expect(res.json()).toMatchObject({ email: 'new@example.com', username: 'new.name', base_currency: 'JPY', timezone: 'Asia/Tokyo' });
  });

  it('an empty body sends no field and answers the user', async () => {
    echoUpdates();
    const res = await put({});
    expect(res.statusCode).toBe(200);
    expect(res.json().id).toBe(userId);
    const request = gw.auth.lastRequest('updateUser');
    for (const field of ['email', 'username', 'baseCurrency', 'timezone', 'notificationPreferences', 'password', 'currentPassword'] as const) expect(request[field]).toBeUndefined();
  });

  it('ignores unknown fields such as id or is_active', async () => {
    echoUpdates();
    const res = await put({ id: 'someone-else', is_active: false, timezone: 'UTC' });
    expect(res.statusCode).toBe(200);
    const request = gw.auth.lastRequest('updateUser');
    expect(request.userId).toBe(userId);
    expect(request).not.toHaveProperty('isActive');
    expect(request).not.toHaveProperty('id');
  });

  it('422 when password comes without current_password, naming current_password; auth is not asked', async () => {
    const res = await put({ password: 'new-password-2' });
    expect(res.statusCode).toBe(422);
    expect(res.json().errors).toEqual([{ path: 'current_password', message: expect.any(String) }]);
    expect(gw.auth.callsOf('updateUser')).toHaveLength(0);
  });

  it('422 with one entry per invalid field, nested paths dotted, no coercion of types; auth is not asked', async () => {
    const res = await put({
      email: 'nope',
      base_currency: 'usd',
      notification_preferences: { email: 'true', goal_milestones: 1 },
      username: 'x',
    });
    expect(res.statusCode).toBe(422);
    const paths = (res.json().errors as { path: string }[]).map((e) => e.path).sort();
    expect(paths).toEqual(['base_currency', 'email', 'notification_preferences.email', 'notification_preferences.goal_milestones', 'username']);
    expect(gw.auth.callsOf('updateUser')).toHaveLength(0);
  });

  it('auth’s INVALID_ARGUMENT → 422 with its code and field errors', async () => {
    gw.auth.fail('updateUser', stubError('invalid_argument', 'AUTH_UNKNOWN_CURRENCY', 'Unknown currency.', { errors: [{ path: 'base_currency', message: 'is not a known ISO 4217 code' }] }));
    const res = await put({ base_currency: 'XXX' });
    const body = expectProblem(res, 422, 'AUTH_UNKNOWN_CURRENCY');
    expect(body.errors).toEqual([{ path: 'base_currency', message: 'is not a known ISO 4217 code' }]);
  });

  it('auth’s ALREADY_EXISTS (username taken) → 409 with its code', async () => {
    gw.auth.fail('updateUser', stubError('already_exists', 'AUTH_USERNAME_TAKEN', 'That username is taken.'));
    expectProblem(await put({ username: 'TAKEN' }), 409, 'AUTH_USERNAME_TAKEN');
    expect(gw.auth.lastRequest('updateUser').username).toBe('TAKEN');
  });
});

describe('DELETE /users/me', () => {
  it('sends DeleteUser the caller and answers 204 with no body', async () => {
    gw.auth.answer('deleteUser', {});
    const res = await gw.app.inject({ method: 'DELETE', url: '/users/me', headers: bearer(token) });
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe('');
    expect(gw.auth.lastRequest('deleteUser')).toEqual({ userId });
  });

  it('tolerates a Content-Type: application/json header with no body', async () => {
    gw.auth.answer('deleteUser', {});
    const res = await gw.app.inject({ method: 'DELETE', url: '/users/me', headers: { ...bearer(token), 'content-type': 'application/json' } });
    expect(res.statusCode).toBe(204);
  });
});
