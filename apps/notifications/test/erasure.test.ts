import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { userDeleted, userUpdated } from '@finance/events/contracts/auth';
import { budgetThresholdCrossed } from '@finance/events/contracts/budgeting';
import { goalMilestoneReached } from '@finance/events/contracts/goals';
import { recurringUpcoming } from '@finance/events/contracts/ledger';
import { userRowCounter, waitFor } from '@finance/testing';
import { countRows, publishEvent, registerUser, startNotificationsHarness, type NotificationsHarness } from './helpers.js';

// auth.user.deleted.v1 erases everything of the user here (notifications, queued and sent e-mails,
// the profile snapshot), and it is final: events about the user handled afterwards — or racing the
// erasure — store nothing.

let h: NotificationsHarness;

beforeAll(async () => {
  h = await startNotificationsHarness({ MAIL_SCAN_INTERVAL_MS: '0' });
}, 60_000);

afterAll(async () => {
  await h?.close();
});

/** Tables without a user_id column, and why none holds a user's data: handled event ids, applied migrations, the unused events outbox (this service publishes nothing). */
const TABLES_WITHOUT_USER_ID = ['mikro_orm_migrations', 'outbox_message', 'processed_event'];

const processed = async (eventId: string) => (await h.orm.em.fork().execute('select 1 from notifications.processed_event where event_id = ?', [eventId])).length > 0;

const milestoneOf = (userId: string, goalId = randomUUID()) =>
  ({ user_id: userId, goal_id: goalId, name: 'Bike', milestone: 25, target_amount_minor: '400', current_amount_minor: '100', currency: 'USD' }) as const;

const thresholdOf = (userId: string) =>
  ({
    user_id: userId,
    budget_id: randomUUID(),
    budget_name: 'Food',
    category_id: null,
    threshold: 80,
    period_start: '2026-03-01',
    period_end: '2026-03-31',
    amount: '100.00',
    spent: '80.00',
    currency: 'USD',
    percent_used: '80.00',
    transaction_id: null,
  }) as const;

const reminderOf = (userId: string) =>
  ({ user_id: userId, recurring_id: randomUUID(), description: 'Rent', amount_minor: '100', currency: 'USD', transaction_type: 'expense', occurrence_date: '2026-03-20' }) as const;

const profileOf = (userId: string) =>
  ({
    user_id: userId,
    email: 'late@example.com',
    username: 'late',
    base_currency: 'USD',
    timezone: 'UTC',
    notification_preferences: { email: true, budget_alerts: true, recurring_reminders: true, goal_milestones: true },
  }) as const;

describe('erasure', () => {
  test('every row of the user goes (sent and queued e-mails too); other users keep theirs; late events bring nothing back', async () => {
    const counter = await userRowCounter(h.db.url, 'notifications');
    expect(counter.tablesWithoutUserId).toEqual(TABLES_WITHOUT_USER_ID);
    expect(counter.tablesWithUserId).toEqual(['email_outbox', 'notification', 'user_profile']);
    const { userId } = registerUser(h);
    const { userId: other } = registerUser(h);
    for (const id of [userId, other]) {
      await publishEvent(h, goalMilestoneReached, milestoneOf(id));
      await publishEvent(h, budgetThresholdCrossed, thresholdOf(id));
    }
    await waitFor(async () => (await countRows(h, 'email_outbox', userId)) === 2 && (await countRows(h, 'email_outbox', other)) === 2, { message: 'queued' });
    await h.service.deliverEmails(); // one sent ...
    await publishEvent(h, recurringUpcoming, reminderOf(userId));
    await waitFor(async () => (await countRows(h, 'email_outbox', userId)) === 3, { message: '... and one queued' });

    h.users.delete(userId);
    const { event } = await publishEvent(h, userDeleted, { user_id: userId });
    await waitFor(() => processed(event.event_id), { message: 'the erasure handled' });
    expect(await counter.leftovers(userId)).toEqual({});
    expect(await counter.leftovers(other)).toEqual({ email_outbox: 2, notification: 2, user_profile: 1 });

    // Late events about the erased user (auth still answering, as a stale replica might): nothing comes back.
    h.users.set(userId, { email: 'ghost@example.com', timezone: 'UTC', preferences: { email: true, budget_alerts: true, recurring_reminders: true, goal_milestones: true } });
    const late = await Promise.all([
      publishEvent(h, goalMilestoneReached, milestoneOf(userId)),
      publishEvent(h, budgetThresholdCrossed, thresholdOf(userId)),
      publishEvent(h, recurringUpcoming, reminderOf(userId)),
      publishEvent(h, userUpdated, profileOf(userId)),
    ]);
    for (const { event: e } of late) await waitFor(() => processed(e.event_id), { message: 'a late event handled' });
    expect(await counter.leftovers(userId)).toEqual({});
    await counter.close();
  });

  test('30 rounds of the erasure racing 6 events of the user leave no row of the user', async () => {
    const counter = await userRowCounter(h.db.url, 'notifications');
    const left: { round: number; rows: Record<string, number> }[] = [];
    for (let round = 0; round < 30; round++) {
      const { userId } = registerUser(h);
      await publishEvent(h, goalMilestoneReached, milestoneOf(userId));
      const published = [
        publishEvent(h, userDeleted, { user_id: userId }),
        publishEvent(h, goalMilestoneReached, milestoneOf(userId)),
        publishEvent(h, budgetThresholdCrossed, thresholdOf(userId)),
        publishEvent(h, recurringUpcoming, reminderOf(userId)),
        publishEvent(h, userUpdated, profileOf(userId)),
        publishEvent(h, goalMilestoneReached, milestoneOf(userId)),
      ];
      const events = await Promise.all(published);
      for (const { event } of events) await waitFor(() => processed(event.event_id), { timeoutMs: 10_000, message: `round ${round}: events handled` });
      const rows = await counter.leftovers(userId);
      if (Object.keys(rows).length) left.push({ round, rows });
    }
    await counter.close();
    expect(left).toEqual([]);
  }, 120_000);
});
