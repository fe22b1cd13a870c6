import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { notificationsV1 } from '@finance/proto';
import { stubError } from '@finance/testing';
import { CREATED_AT, UPDATED_AT } from './support/builders.js';
import { bearer, startTestGateway, type TestGateway } from './support/gateway.js';
import { expectProblem } from './support/problems.js';
import { UNAVAILABLE_DETAIL } from './support/upstream-failures.js';

// The notifications routes (API.md Version 4) against a scripted NotificationsService over real
// gRPC: what each route sends, what it answers, what it refuses before any RPC, and how the
// service's verdicts come out.

const { NotificationKind } = notificationsV1;

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(async () => {
  await gw.close();
});

let userId: string;
let token: string;
beforeEach(async () => {
  gw.reset();
  ({ userId, token } = await gw.caller());
});

const protoNotification = (fields: Partial<notificationsV1.Notification> = {}): notificationsV1.Notification => ({
  id: randomUUID(),
  kind: NotificationKind.NOTIFICATION_KIND_BUDGET_THRESHOLD,
  title: 'Budget "Groceries" is 80 % spent',
  body: 'You have spent 425.00 USD of 500.00 USD (85.00 %) in your budget "Groceries" for 1 March 2026 – 31 March 2026. 75.00 USD is left.',
  createdAt: CREATED_AT,
  readAt: undefined,
  ...fields,
});

const NOT_FOUND = stubError('not_found', 'NOTIFICATIONS_NOTIFICATION_NOT_FOUND', 'Notification not found.');

describe('GET /notifications', () => {
  it('lists the page the service answers (every kind, read and unread), with next_cursor; sends the caller, limit, cursor, unread', async () => {
    const read = protoNotification({ kind: NotificationKind.NOTIFICATION_KIND_GOAL_MILESTONE, title: 'Goal "Bike" is 50 % saved', body: 'b', readAt: UPDATED_AT });
    const reminder = protoNotification({ kind: NotificationKind.NOTIFICATION_KIND_RECURRING_UPCOMING, title: 'Upcoming expense', body: 'r' });
    const alert = protoNotification();
    gw.notifications.answer('listNotifications', { items: [alert, reminder, read], page: { nextCursor: 'abc' } });
    const res = await gw.app.inject({ method: 'GET', url: '/notifications?limit=3&cursor=xyz', headers: bearer(token) });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      items: [
        { id: alert.id, kind: 'budget_threshold', title: alert.title, body: alert.body, created_at: '2026-03-01T09:00:01.000Z', read_at: null },
        { id: reminder.id, kind: 'recurring_upcoming', title: 'Upcoming expense', body: 'r', created_at: '2026-03-01T09:00:01.000Z', read_at: null },
        { id: read.id, kind: 'goal_milestone', title: 'Goal "Bike" is 50 % saved', body: 'b', created_at: '2026-03-01T09:00:01.000Z', read_at: '2026-03-02T10:30:00.250Z' },
      ],
      next_cursor: 'abc',
    });
    expect(gw.notifications.lastRequest('listNotifications')).toEqual({ userId, page: { limit: 3, cursor: 'xyz' }, unreadOnly: false });
  });

  it('unread=true asks for unread only; unread=false and no filter for all; the default page size is 50; the last page has next_cursor null', async () => {
    gw.notifications.answer('listNotifications', { items: [], page: { nextCursor: '' } });
    const res = await gw.app.inject({ method: 'GET', url: '/notifications?unread=true', headers: bearer(token) });
    expect(res.json()).toEqual({ items: [], next_cursor: null });
    expect(gw.notifications.lastRequest('listNotifications')).toEqual({ userId, page: { limit: 50, cursor: '' }, unreadOnly: true });
    await gw.app.inject({ method: 'GET', url: '/notifications?unread=false', headers: bearer(token) });
    expect(gw.notifications.lastRequest('listNotifications').unreadOnly).toBe(false);
  });

  it.each([
    ['unread=yes', 'unread'],
    ['unread=TRUE', 'unread'],
    ['unread=1', 'unread'],
    ['unread=', 'unread'],
    ['limit=0', 'limit'],
    ['limit=201', 'limit'],
    ['limit=ten', 'limit'],
  ])('?%s → 422 naming %s, before any RPC', async (query, path) => {
    const res = await gw.app.inject({ method: 'GET', url: `/notifications?${query}`, headers: bearer(token) });
    const body = expectProblem(res, 422, 'VALIDATION_FAILED');
    expect(body.errors).toEqual([{ path, message: expect.any(String) }]);
    expect(gw.notifications.callsOf('listNotifications')).toHaveLength(0);
  });

  it('the service’s invalid cursor → 422 naming cursor', async () => {
    gw.notifications.fail('listNotifications', stubError('invalid_argument', 'NOTIFICATIONS_INVALID_CURSOR', 'is not a cursor this list returned', { errors: [{ path: 'cursor', message: 'is not a cursor this list returned' }] }));
    const body = expectProblem(await gw.app.inject({ method: 'GET', url: '/notifications?cursor=zzz', headers: bearer(token) }), 422, 'NOTIFICATIONS_INVALID_CURSOR');
    expect(body.errors).toEqual([{ path: 'cursor', message: 'is not a cursor this list returned' }]);
  });

  it('without a token → 401; the service down → 503 with a generic detail', async () => {
    expectProblem(await gw.app.inject({ method: 'GET', url: '/notifications' }), 401);
    gw.notifications.outage = stubError('unavailable', 'NOTIFICATIONS_DATABASE_DOWN', 'connect ECONNREFUSED 10.0.0.1:5432');
    const body = expectProblem(await gw.app.inject({ method: 'GET', url: '/notifications', headers: bearer(token) }), 503);
    expect(body.detail).toBe(UNAVAILABLE_DETAIL);
  });
});

describe('POST /notifications/{id}/read', () => {
  it('200 with the notification, read_at set; sends the caller and the id in lower case', async () => {
    const n = protoNotification({ readAt: UPDATED_AT });
    gw.notifications.answer('markRead', { notification: n });
    const res = await gw.app.inject({ method: 'POST', url: `/notifications/${n.id.toUpperCase()}/read`, headers: bearer(token) });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ id: n.id, kind: 'budget_threshold', title: n.title, body: n.body, created_at: '2026-03-01T09:00:01.000Z', read_at: '2026-03-02T10:30:00.250Z' });
    expect(gw.notifications.lastRequest('markRead')).toEqual({ userId, id: n.id });
  });

  it('a malformed id → 404 problem+json before any RPC; another user’s or an unknown id (the service’s NOT_FOUND) → 404', async () => {
    for (const id of ['nope', '123', `${randomUUID()}x`]) {
      expectProblem(await gw.app.inject({ method: 'POST', url: `/notifications/${id}/read`, headers: bearer(token) }), 404, 'NOTIFICATIONS_NOTIFICATION_NOT_FOUND');
    }
    expect(gw.notifications.callsOf('markRead')).toHaveLength(0);
    gw.notifications.fail('markRead', NOT_FOUND);
    const body = expectProblem(await gw.app.inject({ method: 'POST', url: `/notifications/${randomUUID()}/read`, headers: bearer(token) }), 404, 'NOTIFICATIONS_NOTIFICATION_NOT_FOUND');
    expect(body.detail).toBe('Notification not found.');
  });

  it('accepts an empty JSON body (clients that always send one)', async () => {
    gw.notifications.answer('markRead', { notification: protoNotification({ readAt: UPDATED_AT }) });
    const res = await gw.app.inject({ method: 'POST', url: `/notifications/${randomUUID()}/read`, headers: { ...bearer(token), 'content-type': 'application/json' }, payload: '' });
    expect(res.statusCode).toBe(200);
  });
});

describe('POST /notifications/read-all', () => {
  it('200 with how many were marked; sends the caller', async () => {
    gw.notifications.answer('markAllRead', { marked: 4 });
    const res = await gw.app.inject({ method: 'POST', url: '/notifications/read-all', headers: bearer(token) });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ marked: 4 });
    expect(gw.notifications.lastRequest('markAllRead')).toEqual({ userId });
  });

  it('without a token → 401', async () => {
    expectProblem(await gw.app.inject({ method: 'POST', url: '/notifications/read-all' }), 401);
  });
});
