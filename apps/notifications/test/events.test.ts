import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { namespacedDurable, namespacedStream, namespacedSubject } from '@finance/events';
import { userUpdated } from '@finance/events/contracts/auth';
import { budgetThresholdCrossed } from '@finance/events/contracts/budgeting';
import { goalMilestoneReached } from '@finance/events/contracts/goals';
import { recurringUpcoming } from '@finance/events/contracts/ledger';
import { inspector, stubError, waitFor } from '@finance/testing';
import { notificationsV1 } from '@finance/proto';
import { countRows, publishEvent, registerUser, startNotificationsHarness, titlesOf, type NotificationsHarness } from './helpers.js';

// Events as their producers publish them (budgeting, goals, the ledger, auth) → in-app notifications
// and e-mails through a real SMTP server. The mail worker scans every 100 ms and retries after
// 200 ms doubling to 1 s here (helpers.ts TEST_MAIL_ENV).

let h: NotificationsHarness;
let nats: Awaited<ReturnType<typeof inspector>>;

beforeAll(async () => {
  h = await startNotificationsHarness();
  nats = await inspector();
}, 60_000);

afterAll(async () => {
  await nats?.nc.close();
  await h?.close();
});

const { NotificationKind } = notificationsV1;

/** A threshold event as budgeting publishes it for a 500.00 USD monthly budget "Groceries". */
function threshold(userId: string, budgetId: string, value: 80 | 100, spent: string, percent: string) {
  return {
    user_id: userId,
    budget_id: budgetId,
    budget_name: 'Groceries',
    category_id: null,
    threshold: value,
    period_start: '2026-03-01',
    period_end: '2026-03-31',
    amount: '500.00',
    spent,
    currency: 'USD',
    percent_used: percent,
    transaction_id: randomUUID(),
  } as const;
}

function milestone(userId: string, goalId: string, value: 25 | 50 | 75 | 100, currentMinor: string) {
  return { user_id: userId, goal_id: goalId, name: 'Bike', milestone: value, target_amount_minor: '100000', current_amount_minor: currentMinor, currency: 'USD' } as const;
}

/** Waits until the user has `n` notifications (and gives queued e-mails a moment), then returns their titles. */
async function notified(userId: string, n: number): Promise<string[]> {
  return waitFor(async () => {
    const titles = await titlesOf(h, userId);
    return titles.length >= n && titles;
  }, { timeoutMs: 10_000, message: `${n} notification(s) of ${userId}` });
}

/** The e-mails to `address` once `n` have arrived (and a pause proves no more come). */
async function mailed(address: string, n: number, quietMs = 600) {
  await waitFor(() => h.smtp.to(address).length >= n, { timeoutMs: 10_000, message: `${n} e-mail(s) to ${address}` });
  await sleep(quietMs);
  return h.smtp.to(address);
}

/** The event was handled: its processed_event row exists (so "nothing happened" is not just "not yet"). */
async function handled(eventId: string) {
  await waitFor(
    async () => (await h.orm.em.fork().execute<{ n: number }[]>('select count(*)::int as n from notifications.processed_event where event_id = ?', [eventId]))[0]!.n > 0,
    { timeoutMs: 10_000, message: `event ${eventId} handled` },
  );
}

describe('budget alerts', () => {
  test('85 %, then 105 %, then 110 % of a budget: exactly two alerts and two e-mails', async () => {
    const { userId, email } = registerUser(h);
    const budgetId = randomUUID();
    // What budgeting publishes: 80 % at 85 %, 100 % at 105 %, and at 110 % nothing new; a copy of the
    // 100 % alert republished with a new event id (a producer's retry) must not count either.
    await publishEvent(h, budgetThresholdCrossed, threshold(userId, budgetId, 80, '425.00', '85.00'));
    await publishEvent(h, budgetThresholdCrossed, threshold(userId, budgetId, 100, '525.00', '105.00'));
    const { event: copy } = await publishEvent(h, budgetThresholdCrossed, threshold(userId, budgetId, 100, '550.00', '110.00'));
    await handled(copy.event_id);

    expect(await notified(userId, 2)).toEqual(['Budget "Groceries" is used up', 'Budget "Groceries" is 80 % spent']);
    const { items } = await h.client.listNotifications({ userId, page: undefined, unreadOnly: false });
    expect(items.map((n) => [n.kind, n.body])).toEqual([
      [NotificationKind.NOTIFICATION_KIND_BUDGET_THRESHOLD, 'You have spent 525.00 USD of 500.00 USD (105.00 %) in your budget "Groceries" for 1 March 2026 – 31 March 2026. That is 25.00 USD over the budget.'],
      [NotificationKind.NOTIFICATION_KIND_BUDGET_THRESHOLD, 'You have spent 425.00 USD of 500.00 USD (85.00 %) in your budget "Groceries" for 1 March 2026 – 31 March 2026. 75.00 USD is left.'],
    ]);
    const mails = await mailed(email, 2);
    expect(mails.map((m) => m.subject).sort()).toEqual(['Budget "Groceries" is 80 % spent', 'Budget "Groceries" is used up']);
    const alert = mails.find((m) => m.subject.endsWith('80 % spent'))!;
    expect(alert.from).toBe('no-reply@finance-tracker.local');
    expect(alert.headers.from).toBe('Finance Tracker <no-reply@finance-tracker.local>');
    expect(alert.text).toContain('You have spent 425.00 USD of 500.00 USD (85.00 %) in your budget "Groceries" for 1 March 2026 – 31 March 2026.');
    expect(alert.html).toContain('<p>You have spent 425.00 USD of 500.00 USD (85.00 %) in your budget &quot;Groceries&quot; for 1 March 2026 – 31 March 2026. 75.00 USD is left.</p>');
    // The Message-ID names the notification: the same at every attempt (receivers can deduplicate).
    const notificationId = items.find((n) => n.title.endsWith('80 % spent'))!.id;
    expect(alert.messageId).toBe(`<${notificationId}@finance-tracker.local>`);
  });

  test('email: false → the in-app alert and no e-mail', async () => {
    const { userId, email } = registerUser(h, { email: false });
    const { event } = await publishEvent(h, budgetThresholdCrossed, threshold(userId, randomUUID(), 80, '400.00', '80.00'));
    await handled(event.event_id);
    expect(await titlesOf(h, userId)).toEqual(['Budget "Groceries" is 80 % spent']);
    await sleep(600);
    expect(h.smtp.to(email)).toEqual([]);
    expect(await countRows(h, 'email_outbox', userId)).toBe(0);
  });

  test('budget_alerts: false → neither an alert nor an e-mail (other kinds still arrive)', async () => {
    const { userId, email } = registerUser(h, { budget_alerts: false });
    const { event } = await publishEvent(h, budgetThresholdCrossed, threshold(userId, randomUUID(), 100, '500.00', '100.00'));
    await handled(event.event_id);
    await publishEvent(h, goalMilestoneReached, milestone(userId, randomUUID(), 25, '25000'));
    expect(await notified(userId, 1)).toEqual(['Goal "Bike" is 25 % saved']);
    expect((await mailed(email, 1)).map((m) => m.subject)).toEqual(['Goal "Bike" is 25 % saved']);
  });

  test('the same event delivered three times → one notification and one e-mail', async () => {
    const { userId, email } = registerUser(h);
    const input = { ...threshold(userId, randomUUID(), 80, '410.00', '82.00'), event_id: randomUUID() };
    for (let i = 0; i < 3; i++) await publishEvent(h, budgetThresholdCrossed, input);
    // JetStream's duplicate window drops the copies with the same Nats-Msg-Id; redeliveries past it are
    // stopped by processed_event, and a copy under a new id by the source key: both shown here.
    const { event: again } = await publishEvent(h, budgetThresholdCrossed, { ...input, event_id: randomUUID() });
    await handled(again.event_id);
    await h.orm.em.fork().execute(
      `delete from notifications.processed_event where event_id = ?`, [input.event_id],
    );
    const direct = await nats.jsm.jetstream().publish(namespacedSubject(h.namespace, budgetThresholdCrossed.subject), JSON.stringify({ ...input, occurred_at: new Date().toISOString() }));
    expect(direct.duplicate).toBe(false);
    await waitFor(
      async () => (await h.orm.em.fork().execute<{ n: number }[]>('select count(*)::int as n from notifications.processed_event where event_id = ?', [input.event_id]))[0]!.n > 0,
      { timeoutMs: 10_000, message: 'the redelivered event handled' },
    );
    expect(await titlesOf(h, userId)).toEqual(['Budget "Groceries" is 80 % spent']);
    expect(await mailed(email, 1, 800)).toHaveLength(1);
  });
});

describe('goal milestones and recurring reminders', () => {
  test('a goal at 60 % announces 25 % and 50 %: two milestone events → two notifications, two e-mails', async () => {
    const { userId, email } = registerUser(h);
    const goalId = randomUUID();
    await publishEvent(h, goalMilestoneReached, milestone(userId, goalId, 25, '60000'));
    await publishEvent(h, goalMilestoneReached, milestone(userId, goalId, 50, '60000'));
    expect(await notified(userId, 2)).toEqual(['Goal "Bike" is 50 % saved', 'Goal "Bike" is 25 % saved']);
    const { items } = await h.client.listNotifications({ userId, page: undefined, unreadOnly: false });
    expect(items.every((n) => n.kind === NotificationKind.NOTIFICATION_KIND_GOAL_MILESTONE)).toBe(true);
    expect(items[0]!.body).toBe('You have saved 600.00 USD of 1,000.00 USD for "Bike". 400.00 USD to go.');
    expect((await mailed(email, 2)).map((m) => m.subject).sort()).toEqual(['Goal "Bike" is 25 % saved', 'Goal "Bike" is 50 % saved']);
  });

  test('an occurrence 2 days ahead gets a reminder, "in 2 days" counted in the user’s time zone', async () => {
    // 2026-03-14 23:30 UTC is already 2026-03-15 in Tokyo: the 17th is 2 days ahead there.
    h.setNow(new Date('2026-03-14T23:30:00Z'));
    try {
      const { userId, email } = registerUser(h, {}, 'Asia/Tokyo');
      await publishEvent(h, recurringUpcoming, {
        user_id: userId,
        recurring_id: randomUUID(),
        description: 'Rent',
        amount_minor: '120000',
        currency: 'EUR',
        transaction_type: 'expense',
        occurrence_date: '2026-03-17',
      });
      expect(await notified(userId, 1)).toEqual(['Upcoming expense on 17 March 2026: "Rent"']);
      const { items } = await h.client.listNotifications({ userId, page: undefined, unreadOnly: false });
      expect(items[0]!.kind).toBe(NotificationKind.NOTIFICATION_KIND_RECURRING_UPCOMING);
      expect(items[0]!.body).toBe('Your recurring expense "Rent" of 1,200.00 EUR is due on Tuesday, 17 March 2026 (in 2 days).');
      expect((await mailed(email, 1)).map((m) => m.subject)).toEqual(['Upcoming expense on 17 March 2026: "Rent"']);
    } finally {
      h.setNow(undefined);
    }
  });

  test('recurring_reminders: false → no reminder', async () => {
    const { userId, email } = registerUser(h, { recurring_reminders: false });
    const { event } = await publishEvent(h, recurringUpcoming, {
      user_id: userId,
      recurring_id: randomUUID(),
      description: 'Gym',
      amount_minor: '3000',
      currency: 'USD',
      transaction_type: 'expense',
      occurrence_date: '2026-03-17',
    });
    await handled(event.event_id);
    expect(await titlesOf(h, userId)).toEqual([]);
    await sleep(300);
    expect(h.smtp.to(email)).toEqual([]);
  });
});

describe('the user snapshot', () => {
  test('no snapshot → auth is asked once and the answer kept; auth.user.updated.v1 then rules, an older one does not', async () => {
    const { userId, email } = registerUser(h);
    const asked = () => h.auth.callsOf('getUser').filter((c) => c.request.userId === userId).length;
    await publishEvent(h, goalMilestoneReached, milestone(userId, randomUUID(), 25, '30000'));
    await notified(userId, 1);
    expect(asked()).toBe(1);

    // The user turns e-mail off and moves (auth publishes the whole profile) ...
    const changed = new Date();
    const { event: update } = await publishEvent(h, userUpdated, {
      user_id: userId,
      occurred_at: changed.toISOString(),
      email: 'new@example.com',
      username: 'someone',
      base_currency: 'USD',
      timezone: 'Europe/Berlin',
      notification_preferences: { email: false, budget_alerts: true, recurring_reminders: true, goal_milestones: true },
    });
    await handled(update.event_id);
    // ... and an older update arriving late changes nothing.
    const { event: stale } = await publishEvent(h, userUpdated, {
      user_id: userId,
      occurred_at: new Date(changed.getTime() - 60_000).toISOString(),
      email: 'old@example.com',
      username: 'someone',
      base_currency: 'USD',
      timezone: 'UTC',
      notification_preferences: { email: true, budget_alerts: true, recurring_reminders: true, goal_milestones: true },
    });
    await handled(stale.event_id);

    await publishEvent(h, goalMilestoneReached, milestone(userId, randomUUID(), 25, '30000'));
    await notified(userId, 2);
    await sleep(600);
    expect(h.smtp.to(email)).toHaveLength(1);
    expect(h.smtp.to('new@example.com')).toEqual([]);
    expect(h.smtp.to('old@example.com')).toEqual([]);
    expect(asked()).toBe(1);
  });

  test('a user auth does not know (erased there) gets nothing; auth down → the event waits and is applied when it answers', async () => {
    const ghost = randomUUID();
    const { event } = await publishEvent(h, goalMilestoneReached, milestone(ghost, randomUUID(), 25, '30000'));
    await handled(event.event_id);
    expect(await titlesOf(h, ghost)).toEqual([]);

    const { userId } = registerUser(h);
    h.auth.outage = stubError('unavailable', 'AUTH_DATABASE_DOWN', 'auth cannot answer');
    try {
      await publishEvent(h, goalMilestoneReached, milestone(userId, randomUUID(), 50, '50000'));
      await waitFor(() => h.auth.callsOf('getUser').filter((c) => c.request.userId === userId).length >= 2, { message: 'auth asked again after a failure' });
      expect(await titlesOf(h, userId)).toEqual([]);
    } finally {
      h.auth.outage = undefined;
    }
    expect(await notified(userId, 1)).toEqual(['Goal "Bike" is 50 % saved']);
  });
});

describe('faults', () => {
  test('SMTP down for 10 s: the notification appears at once, the e-mail goes out once SMTP is back, once', async () => {
    const { userId, email } = registerUser(h);
    h.smtp.down();
    try {
      const started = Date.now();
      await publishEvent(h, goalMilestoneReached, milestone(userId, randomUUID(), 75, '75000'));
      expect(await notified(userId, 1)).toEqual(['Goal "Bike" is 75 % saved']);
      expect(Date.now() - started).toBeLessThan(5_000);
      await sleep(10_000);
      expect(h.smtp.to(email)).toEqual([]);
      const [row] = await h.orm.em.fork().execute<{ attempts: number; sent_at: Date | null; last_error: string | null }[]>(
        'select attempts, sent_at, last_error from notifications.email_outbox where user_id = ?',
        [userId],
      );
      // 200 ms doubling to 1 s: about ten attempts in ten seconds, each refused.
      expect(row!.attempts).toBeGreaterThanOrEqual(5);
      expect(row!.sent_at).toBeNull();
      expect(row!.last_error).toBeTruthy();
    } finally {
      h.smtp.up();
    }
    const mails = await mailed(email, 1, 2_000);
    expect(mails.map((m) => m.subject)).toEqual(['Goal "Bike" is 75 % saved']);
  }, 30_000);

  test('a malformed event is logged and parked: never retried, and the consumer goes on with the next one', async () => {
    const { userId } = registerUser(h);
    const subject = namespacedSubject(h.namespace, goalMilestoneReached.subject);
    await publishEvent(h, goalMilestoneReached, milestone(userId, randomUUID(), 25, '25000'));
    await notified(userId, 1);
    const js = nats.jsm.jetstream();
    await js.publish(subject, '{"not": "an event"', { msgID: randomUUID() });
    await js.publish(subject, JSON.stringify({ ...milestone(userId, randomUUID(), 50, '50000'), milestone: 60, event_id: randomUUID(), occurred_at: new Date().toISOString() }), { msgID: randomUUID() });
    await publishEvent(h, goalMilestoneReached, milestone(userId, randomUUID(), 100, '100000'));
    expect(await notified(userId, 2)).toEqual(['Goal "Bike" reached', 'Goal "Bike" is 25 % saved']);
    const durable = namespacedDurable(h.namespace, 'notifications-goal-milestone-reached');
    await waitFor(async () => (await nats.jsm.consumers.info(namespacedStream(h.namespace, 'GOALS'), durable)).num_ack_pending === 0, { message: 'nothing pending' });
    await sleep(500);
    const info = await nats.jsm.consumers.info(namespacedStream(h.namespace, 'GOALS'), durable);
    expect(info.num_ack_pending).toBe(0);
    expect(info.num_redelivered).toBe(0);
    expect(info.num_pending).toBe(0);
  });
});
