import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import pg from 'pg';
import { waitFor } from '@finance/testing';
import { ISO_UTC, UUID } from './support/fields.js';
import { expectInvalid, expectProblem } from './support/problems.js';
import { client, signUp, startStack, type Stack } from './support/stack.js';

// API.md Version 4's notification rows through the gateway with every service running: a goal
// contribution crossing 25 % and 50 % (goals → goals.goal.milestone_reached.v1 → notifications)
// shows up in GET /notifications; reading one, reading all, the unread filter, another user's id,
// a bad filter, and notification_preferences changed with PUT /users/me (auth.user.updated.v1).

let stack: Stack;
let api: ReturnType<typeof client>;

beforeAll(async () => {
  stack = await startStack({ RATE_LIMIT_PER_MINUTE: '100000', AUTH_RATE_LIMIT_PER_MINUTE: '100000' });
  api = client(stack.baseUrl);
});

afterAll(async () => {
  await stack.close();
});

/** One query on the stack's database (what no endpoint shows: the notifications service's own state). */
async function sql<T>(text: string, params: unknown[]): Promise<T[]> {
  const c = new pg.Client({ connectionString: stack.databaseUrl });
  await c.connect();
  try {
    return (await c.query(text, params)).rows as T[];
  } finally {
    await c.end();
  }
}

/** Milestone events the notifications service has handled so far (all users). */
const milestonesHandled = async () =>
  (await sql<{ n: number }>("select count(*)::int as n from notifications.processed_event where consumer like '%notifications-goal-milestone-reached'", []))[0]!.n;

/** Budget alerts the notifications service has handled so far (all users). */
const budgetAlertsHandled = async () =>
  (await sql<{ n: number }>("select count(*)::int as n from notifications.processed_event where consumer like '%notifications-budget-threshold-crossed'", []))[0]!.n;

const NOTIFICATION_FIELDS = ['body', 'created_at', 'id', 'kind', 'read_at', 'title'];
const today = () => new Date().toISOString().slice(0, 10);

interface Notification {
  id: string;
  kind: string;
  title: string;
  body: string;
  created_at: string;
  read_at: string | null;
}

/** A goal "Bike" of 1000.00 USD and `amount` contributed to it from a new income. */
async function saveTowardsGoal(token: string, amount: string, goalId?: string): Promise<string> {
  let id = goalId;
  if (!id) {
    const goal = await api.post('/goals', { name: 'Bike', target_amount: '1000.00', currency: 'USD' }, token);
    expect(goal.status).toBe(201);
    id = goal.body.id as string;
  }
  const tx = await api.post('/transactions', { amount, transaction_type: 'income', date: today(), currency: 'USD' }, token);
  expect(tx.status).toBe(201);
  const contribution = await api.post(`/goals/${id}/contribute`, { transaction_id: tx.body.id }, token);
  expect(contribution.status).toBe(201);
  return id;
}

async function notificationsOf(token: string, query = ''): Promise<Notification[]> {
  const reply = await api.get(`/notifications${query}`, token);
  expect(reply.status).toBe(200);
  return reply.body.items as Notification[];
}

const waitForNotifications = (token: string, n: number) =>
  waitFor(async () => {
    const items = await notificationsOf(token);
    return items.length >= n && items;
  }, { timeoutMs: 15_000, message: `${n} notification(s)` });

describe('notifications through the gateway', () => {
  test('a contribution crossing 25 % and 50 % of a goal → two notifications, newest first; read one, read all, unread filter', async () => {
    const { tokens } = await signUp(api, 'notif');
    const token = tokens.access_token;
    expect(await notificationsOf(token)).toEqual([]);
    await saveTowardsGoal(token, '600.00');
    const items = await waitForNotifications(token, 2);
    expect(items).toHaveLength(2);
    for (const n of items) {
      expect(Object.keys(n).sort()).toEqual(NOTIFICATION_FIELDS);
      expect(n.id).toMatch(UUID);
      expect(n.created_at).toMatch(ISO_UTC);
      expect(n.kind).toBe('goal_milestone');
      expect(n.read_at).toBeNull();
    }
    expect(items.map((n) => n.title)).toEqual(['Goal "Bike" is 50 % saved', 'Goal "Bike" is 25 % saved']);
    expect(items[0]!.body).toBe('You have saved 600.00 USD of 1,000.00 USD for "Bike". 400.00 USD to go.');

    // Read the newest: 200 with read_at; again → the same read_at.
    const read = await api.post(`/notifications/${items[0]!.id}/read`, undefined, token);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id: items[0]!.id, title: items[0]!.title, read_at: expect.stringMatching(ISO_UTC) });
    const again = await api.post(`/notifications/${items[0]!.id}/read`, undefined, token);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(read.body);

    expect((await notificationsOf(token, '?unread=true')).map((n) => n.id)).toEqual([items[1]!.id]);
    expect((await notificationsOf(token, '?unread=false')).map((n) => n.id)).toEqual(items.map((n) => n.id));

    const page = await api.get('/notifications?limit=1', token);
    expect(page.body.items.map((n: Notification) => n.id)).toEqual([items[0]!.id]);
    const next = await api.get(`/notifications?limit=1&cursor=${page.body.next_cursor}`, token);
    expect(next.body).toEqual({ items: [expect.objectContaining({ id: items[1]!.id })], next_cursor: null });

    const all = await api.post('/notifications/read-all', undefined, token);
    expect(all.status).toBe(200);
    expect(all.body).toEqual({ marked: 1 });
    expect(await notificationsOf(token, '?unread=true')).toEqual([]);
    expect((await notificationsOf(token))[0]!.read_at).toBe(read.body.read_at);
  }, 60_000);

  test('a budget spent to 85 %, then 105 %, then 110 % (budgeting → notifications): exactly two alerts', async () => {
    const { tokens } = await signUp(api, 'notifb');
    const token = tokens.access_token;
    const budget = await api.post('/budgets', { name: 'Groceries', amount: '500.00', period: 'monthly', start_date: `${today().slice(0, 8)}01`, currency: 'USD' }, token);
    expect(budget.status).toBe(201);
    const spend = async (amount: string) =>
      expect((await api.post('/transactions', { amount, transaction_type: 'expense', date: today(), currency: 'USD' }, token)).status).toBe(201);
    await spend('425.00');
    await waitForNotifications(token, 1);
    await spend('100.00');
    await waitForNotifications(token, 2);
    const handledBefore = await budgetAlertsHandled();
    await spend('25.00');
    // Budgeting announces nothing at 110 %: give its checker and the consumer time, then look again.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(await budgetAlertsHandled()).toBe(handledBefore);
    const items = await notificationsOf(token);
    expect(items.map((n) => [n.kind, n.title])).toEqual([
      ['budget_threshold', 'Budget "Groceries" is used up'],
      ['budget_threshold', 'Budget "Groceries" is 80 % spent'],
    ]);
    expect(items[1]!.body).toMatch(/^You have spent 425\.00 USD of 500\.00 USD \(85\.00 %\) in your budget "Groceries" for \d+ \w+ \d{4} – \d+ \w+ \d{4}\. 75\.00 USD is left\.$/);
    expect(items[0]!.body).toMatch(/^You have spent 525\.00 USD of 500\.00 USD \(105\.00 %\) .* That is 25\.00 USD over the budget\.$/);
  }, 60_000);

  test('another user’s notification, an unknown and a malformed id → 404 problem+json; a bad filter or limit → 422; no token → 401', async () => {
    const owner = await signUp(api, 'notifo');
    const other = await signUp(api, 'notifx');
    await saveTowardsGoal(owner.tokens.access_token, '250.00');
    const [mine] = await waitForNotifications(owner.tokens.access_token, 1);
    for (const id of [mine!.id, randomUUID(), 'not-an-id']) {
      const body = expectProblem(await api.post(`/notifications/${id}/read`, undefined, other.tokens.access_token), 404);
      expect(body.code).toBe('NOTIFICATIONS_NOTIFICATION_NOT_FOUND');
    }
    expect(await notificationsOf(other.tokens.access_token)).toEqual([]);
    // read-all of the other user leaves the owner's unread
    expect((await api.post('/notifications/read-all', undefined, other.tokens.access_token)).body).toEqual({ marked: 0 });
    expect((await notificationsOf(owner.tokens.access_token, '?unread=true')).map((n) => n.id)).toEqual([mine!.id]);

    expectInvalid(await api.get('/notifications?unread=maybe', owner.tokens.access_token), 'unread');
    expectInvalid(await api.get('/notifications?limit=500', owner.tokens.access_token), 'limit');
    expectInvalid(await api.get('/notifications?cursor=bogus', owner.tokens.access_token), 'cursor');
    expectProblem(await api.get('/notifications'), 401);
    expectProblem(await api.post('/notifications/read-all'), 401);
  }, 60_000);

  test('goal_milestones switched off with PUT /users/me → the next milestone makes no notification', async () => {
    const { tokens } = await signUp(api, 'notifp');
    const token = tokens.access_token;
    const goalId = await saveTowardsGoal(token, '300.00');
    await waitForNotifications(token, 1);
    const updated = await api.put('/users/me', { notification_preferences: { email: true, budget_alerts: true, recurring_reminders: true, goal_milestones: false } }, token);
    expect(updated.status).toBe(200);
    // auth.user.updated.v1 reaches notifications asynchronously: wait until its snapshot says so.
    await waitFor(
      async () => (await sql<{ goal_milestones: boolean }>('select goal_milestones from notifications.user_profile where user_id = $1', [updated.body.id]))[0]?.goal_milestones === false,
      { timeoutMs: 15_000, message: 'the preference in the notifications service' },
    );
    const handledBefore = await milestonesHandled();
    await saveTowardsGoal(token, '300.00', goalId); // 60 %: crosses 50 %
    const goal = await api.get(`/goals/${goalId}`, token);
    expect(goal.body.current_amount).toBe('600.00');
    // The 50 % event was handled (so "no notification" is not just "not yet") ...
    await waitFor(async () => (await milestonesHandled()) === handledBefore + 1, { timeoutMs: 15_000, message: 'the 50 % milestone handled' });
    expect((await notificationsOf(token)).map((n) => n.title)).toEqual(['Goal "Bike" is 25 % saved']);
  }, 60_000);
});
