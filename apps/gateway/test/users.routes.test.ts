import { decodeJwt } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { authV1 } from '@finance/proto';
import { bearer, startTestGateway, type TestGateway } from './support/gateway.js';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(async () => {
  await gw.close();
});

let user: authV1.User;
let token: string;
beforeEach(async () => {
  ({ user, token } = await gw.fake.seedUser({ password: 'old-password-1' }));
});

const put = (payload: unknown, t = token) => gw.app.inject({ method: 'PUT', url: '/users/me', headers: bearer(t), payload: payload as object });

describe('GET /users/me', () => {
  it('maps every field of the service user to snake_case, timestamps as ISO 8601 UTC', async () => {
    const stored = gw.fake.users.get(user.id)!;
    stored.user = {
      ...stored.user,
      baseCurrency: 'EUR',
      timezone: 'Europe/Berlin',
      isActive: false,
      notificationPreferences: { email: false, budgetAlerts: true, recurringReminders: false, goalMilestones: true },
      createdAt: new Date('2026-01-02T03:04:05.678Z'),
      updatedAt: new Date('2026-02-03T04:05:06.789Z'),
    };
    const res = await gw.app.inject({ method: 'GET', url: '/users/me', headers: bearer(token) });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      id: user.id,
      email: user.email,
      username: user.username,
      is_active: false,
      base_currency: 'EUR',
      timezone: 'Europe/Berlin',
      notification_preferences: { email: false, budget_alerts: true, recurring_reminders: false, goal_milestones: true },
      created_at: '2026-01-02T03:04:05.678Z',
      updated_at: '2026-02-03T04:05:06.789Z',
    });
  });

  it('passes a service NOT_FOUND through as 404 problem+json', async () => {
    gw.fake.users.delete(user.id);
    const res = await gw.app.inject({ method: 'GET', url: '/users/me', headers: bearer(token) });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ status: 404, code: 'AUTH_USER_NOT_FOUND', type: expect.stringMatching(/not-found$/) });
  });
});

describe('PUT /users/me', () => {
  it('changes only the given fields, preferences partially, and sends exactly those to the service', async () => {
    const res = await put({ timezone: 'America/New_York', notification_preferences: { budget_alerts: false } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      email: user.email,
      username: user.username,
      base_currency: 'USD',
      timezone: 'America/New_York',
      notification_preferences: { email: true, budget_alerts: false, recurring_reminders: true, goal_milestones: true },
    });
    const request = gw.fake.callsOf('updateUser').at(-1)?.request as authV1.UpdateUserRequest;
    expect(request.userId).toBe(user.id);
    expect(request.timezone).toBe('America/New_York');
    expect(request.notificationPreferences).toEqual({ budgetAlerts: false });
    // Fields not sent stay unset on the wire (proto3 optional), so the service leaves them alone.
    expect(request.email).toBeUndefined();
    expect(request.username).toBeUndefined();
    expect(request.baseCurrency).toBeUndefined();
    expect(request.password).toBeUndefined();
  });

  it('maps every field name to the RPC', async () => {
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
    const request = gw.fake.callsOf('updateUser').at(-1)?.request as authV1.UpdateUserRequest;
    expect(request).toEqual({
      userId: user.id,
      email: 'new@example.com',
      username: 'new.name',
      baseCurrency: 'JPY',
      timezone: 'Asia/Tokyo',
      notificationPreferences: { email: false, budgetAlerts: false, recurringReminders: false, goalMilestones: false },
      password: 'new-password-2',
      currentPassword: 'old-password-1',
      // the caller's session, so auth keeps it while revoking the others
      sessionId: decodeJwt(token).sid,
    });
    expect(res.json()).toMatchObject({ email: 'new@example.com', username: 'new.name', base_currency: 'JPY', timezone: 'Asia/Tokyo' });
    expect(gw.fake.users.get(user.id)?.password).toBe('new-password-2');
  });

  it('an empty body changes nothing and answers the user', async () => {
    const res = await put({});
    expect(res.statusCode).toBe(200);
    expect(res.json().id).toBe(user.id);
  });

  it('ignores unknown fields such as id or is_active', async () => {
    const res = await put({ id: 'someone-else', is_active: false, timezone: 'UTC' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: user.id, is_active: true });
    expect(gw.fake.callsOf('updateUser').at(-1)?.request).not.toHaveProperty('isActive');
  });

  it('422 when password comes without current_password, naming current_password', async () => {
    const res = await put({ password: 'new-password-2' });
    expect(res.statusCode).toBe(422);
    expect(res.json().errors).toEqual([{ path: 'current_password', message: expect.any(String) }]);
  });

  it('422 with one entry per invalid field, nested paths dotted, no coercion of types', async () => {
    const res = await put({
      email: 'nope',
      base_currency: 'usd',
      notification_preferences: { email: 'true', goal_milestones: 1 },
      username: 'x',
    });
    expect(res.statusCode).toBe(422);
    const paths = (res.json().errors as { path: string }[]).map((e) => e.path).sort();
    expect(paths).toEqual(['base_currency', 'email', 'notification_preferences.email', 'notification_preferences.goal_milestones', 'username']);
    expect(gw.fake.callsOf('updateUser').filter((c) => (c.request as authV1.UpdateUserRequest).userId === user.id)).toHaveLength(0);
  });

  it('passes the service INVALID_ARGUMENT through as 422 with its field errors', async () => {
    const res = await put({ base_currency: 'XXX' });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ code: 'AUTH_UNKNOWN_CURRENCY', errors: [{ path: 'base_currency', message: 'is not a known ISO 4217 code' }] });
  });

  it('409 when the new username is taken by someone else', async () => {
    const other = await gw.fake.seedUser();
    const res = await put({ username: other.user.username.toUpperCase() });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'AUTH_USERNAME_TAKEN' });
  });
});

describe('DELETE /users/me', () => {
  it('answers 204 with no body and deletes the caller', async () => {
    const res = await gw.app.inject({ method: 'DELETE', url: '/users/me', headers: bearer(token) });
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe('');
    expect(gw.fake.users.has(user.id)).toBe(false);
  });

  it('tolerates a Content-Type: application/json header with no body', async () => {
    const res = await gw.app.inject({ method: 'DELETE', url: '/users/me', headers: { ...bearer(token), 'content-type': 'application/json' } });
    expect(res.statusCode).toBe(204);
  });
});
