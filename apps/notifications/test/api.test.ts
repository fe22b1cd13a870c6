import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { goalMilestoneReached } from '@finance/events/contracts/goals';
import { waitFor } from '@finance/testing';
import { publishEvent, registerUser, rejected, startNotificationsHarness, type NotificationsHarness } from './helpers.js';

// The gRPC API the gateway maps to GET /notifications, POST /notifications/{id}/read and
// POST /notifications/read-all: newest first, keyset pages, the unread filter, reading once, and
// other users' or malformed ids as NOT_FOUND.

let h: NotificationsHarness;

beforeAll(async () => {
  // No mail worker: the API is about the in-app list.
  h = await startNotificationsHarness({ MAIL_SCAN_INTERVAL_MS: '0' });
}, 60_000);

afterAll(async () => {
  await h?.close();
});

/** A user with `n` goal notifications, made in order (goal 1 first); returns the user and the titles newest first. */
async function userWith(n: number) {
  const { userId } = registerUser(h, { email: false });
  for (let i = 1; i <= n; i++) {
    await publishEvent(h, goalMilestoneReached, {
      user_id: userId,
      goal_id: randomUUID(),
      name: `Goal ${i}`,
      milestone: 25,
      target_amount_minor: '10000',
      current_amount_minor: '2500',
      currency: 'USD',
    });
  }
  await waitFor(async () => (await list(userId)).items.length === n, { timeoutMs: 10_000, message: `${n} notifications` });
  return { userId, titles: Array.from({ length: n }, (_, i) => `Goal "Goal ${n - i}" is 25 % saved`) };
}

const list = (userId: string, opts: { limit?: number; cursor?: string; unreadOnly?: boolean } = {}) =>
  h.client.listNotifications({ userId, page: { limit: opts.limit ?? 0, cursor: opts.cursor ?? '' }, unreadOnly: opts.unreadOnly ?? false });

describe('ListNotifications', () => {
  test('newest first, in keyset pages that visit every notification once; a page stays stable while notifications arrive', async () => {
    const { userId, titles } = await userWith(7);
    const first = await list(userId, { limit: 3 });
    expect(first.items.map((n) => n.title)).toEqual(titles.slice(0, 3));
    expect(first.page!.nextCursor).not.toBe('');
    // A new notification arrives while the client pages: it is newer, so it is not inside the walk.
    await publishEvent(h, goalMilestoneReached, { user_id: userId, goal_id: randomUUID(), name: 'Late', milestone: 25, target_amount_minor: '100', current_amount_minor: '25', currency: 'USD' });
    await waitFor(async () => (await list(userId)).items.length === 8, { message: 'the late notification' });
    const second = await list(userId, { limit: 3, cursor: first.page!.nextCursor });
    expect(second.items.map((n) => n.title)).toEqual(titles.slice(3, 6));
    const third = await list(userId, { limit: 3, cursor: second.page!.nextCursor });
    expect(third.items.map((n) => n.title)).toEqual(titles.slice(6));
    expect(third.page!.nextCursor).toBe('');
    expect((await list(userId)).items[0]!.title).toBe('Goal "Late" is 25 % saved');
    for (const n of first.items) {
      expect(n.readAt).toBeUndefined();
      expect(n.createdAt).toBeInstanceOf(Date);
    }
  });

  test('unread_only lists the unread ones, newest first, in pages', async () => {
    const { userId, titles } = await userWith(5);
    const all = (await list(userId)).items;
    await h.client.markRead({ userId, id: all[1]!.id });
    await h.client.markRead({ userId, id: all[3]!.id });
    const page = await list(userId, { unreadOnly: true, limit: 2 });
    expect(page.items.map((n) => n.title)).toEqual([titles[0], titles[2]]);
    const rest = await list(userId, { unreadOnly: true, limit: 2, cursor: page.page!.nextCursor });
    expect(rest.items.map((n) => n.title)).toEqual([titles[4]]);
    expect(rest.page!.nextCursor).toBe('');
    expect((await list(userId)).items).toHaveLength(5);
  });

  test('bad limit, bad cursor, another list’s cursor, a bad user id → INVALID_ARGUMENT (422) naming the field', async () => {
    const { userId } = registerUser(h);
    expect(await rejected(list(userId, { limit: 201 }))).toMatchObject({ httpStatus: 422, code: 'NOTIFICATIONS_INVALID_FIELDS', errors: [{ path: 'limit' }] });
    expect(await rejected(list(userId, { limit: -1 }))).toMatchObject({ httpStatus: 422, errors: [{ path: 'limit' }] });
    expect(await rejected(list(userId, { cursor: 'nope' }))).toMatchObject({ httpStatus: 422, code: 'NOTIFICATIONS_INVALID_CURSOR', errors: [{ path: 'cursor' }] });
    // A goals cursor ("g") is well-formed but not this list's.
    const goalsCursor = Buffer.from(JSON.stringify(['g', '2026-03-01T00:00:00.000000Z', randomUUID()])).toString('base64url');
    expect(await rejected(list(userId, { cursor: goalsCursor }))).toMatchObject({ httpStatus: 422, code: 'NOTIFICATIONS_INVALID_CURSOR' });
    expect(await rejected(list('not-a-user'))).toMatchObject({ httpStatus: 422, errors: [{ path: 'user_id' }] });
  });

  test('a user without notifications gets an empty list', async () => {
    expect(await list(randomUUID())).toEqual({ items: [], page: { nextCursor: '' } });
  });
});

describe('MarkRead and MarkAllRead', () => {
  test('MarkRead sets read_at and answers the notification; again → unchanged', async () => {
    const { userId } = await userWith(1);
    const [n] = (await list(userId)).items;
    const { notification } = await h.client.markRead({ userId, id: n!.id });
    expect(notification).toMatchObject({ id: n!.id, title: n!.title, body: n!.body, kind: n!.kind, createdAt: n!.createdAt });
    expect(notification!.readAt).toBeInstanceOf(Date);
    const again = await h.client.markRead({ userId, id: n!.id.toUpperCase() });
    expect(again.notification).toEqual(notification);
    expect((await list(userId)).items[0]!.readAt).toEqual(notification!.readAt);
  });

  test('another user’s id, an unknown id and a malformed id → NOT_FOUND (404), and the notification stays unread', async () => {
    const { userId } = await userWith(1);
    const [n] = (await list(userId)).items;
    const other = registerUser(h).userId;
    for (const id of [n!.id, randomUUID(), 'nope', '', `${n!.id}x`]) {
      expect(await rejected(h.client.markRead({ userId: other, id }))).toMatchObject({ httpStatus: 404, code: 'NOTIFICATIONS_NOTIFICATION_NOT_FOUND' });
    }
    expect((await list(userId)).items[0]!.readAt).toBeUndefined();
  });

  test('MarkAllRead marks every unread one of the caller only, and says how many', async () => {
    const { userId } = await userWith(3);
    const { userId: other } = await userWith(2);
    await h.client.markRead({ userId, id: (await list(userId)).items[0]!.id });
    expect(await h.client.markAllRead({ userId })).toEqual({ marked: 2 });
    expect(await h.client.markAllRead({ userId })).toEqual({ marked: 0 });
    expect((await list(userId, { unreadOnly: true })).items).toEqual([]);
    expect((await list(other, { unreadOnly: true })).items).toHaveLength(2);
  });
});
