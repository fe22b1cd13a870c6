import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { contribute, createGoal, createTransaction, date, GoalStatus, iso, minor, newGoal, registerUser, rejected, startGoalsHarness, updateRequest, type GoalsHarness } from './helpers.js';

let h: GoalsHarness;

beforeAll(async () => {
  h = await startGoalsHarness();
}, 60_000);

afterAll(async () => {
  await h?.close();
});

const fieldPaths = (r: { errors?: { path: string }[] }) => (r.errors ?? []).map((e) => e.path);

describe('CreateGoal', () => {
  test('a goal: name trimmed, amounts exact, current 0 by default, status active, created today in the user\'s zone', async () => {
    const userId = registerUser(h);
    const { goal } = await h.client.createGoal(newGoal(userId, { name: '  Bike  ', targetAmount: '1200.50', deadline: date('2027-06-30') }));
    expect(goal).toMatchObject({
      name: 'Bike',
      userId,
      targetAmount: { minorUnits: '120050', currency: 'USD' },
      currentAmount: { minorUnits: '0', currency: 'USD' },
      deadline: date('2027-06-30'),
      status: GoalStatus.GOAL_STATUS_ACTIVE,
    });
    expect(goal!.createdAt).toBeInstanceOf(Date);
  });

  test('without a currency: the user\'s base currency (asked from auth), with its precision', async () => {
    const userId = registerUser(h, { baseCurrency: 'JPY' });
    const goal = await createGoal(h, userId, { currency: undefined, targetAmount: '150000', currentAmount: '2000' });
    expect([minor(goal.targetAmount), minor(goal.currentAmount)]).toEqual(['150000 JPY', '2000 JPY']);
    expect(await rejected(h.client.createGoal(newGoal(userId, { currency: undefined, targetAmount: '12.50' })))).toMatchObject({
      httpStatus: 422,
      code: 'GOALS_INVALID_FIELDS',
      errors: [{ path: 'target_amount' }],
    });
  });

  test('what the user had saved counts: a goal created at its target is completed', async () => {
    const userId = registerUser(h);
    expect((await createGoal(h, userId, { targetAmount: '100', currentAmount: '100.00' })).status).toBe(GoalStatus.GOAL_STATUS_COMPLETED);
    expect((await createGoal(h, userId, { targetAmount: '100', currentAmount: '99.99' })).status).toBe(GoalStatus.GOAL_STATUS_ACTIVE);
  });

  test.each([
    ['a target of 0', { targetAmount: '0' }, ['target_amount']],
    ['a negative target', { targetAmount: '-10.00' }, ['target_amount']],
    ['a target with too many decimals', { targetAmount: '10.001' }, ['target_amount']],
    ['a target that is not a number', { targetAmount: 'ten' }, ['target_amount']],
    ['an empty name', { name: '' }, ['name']],
    ['a name of 101 characters', { name: 'n'.repeat(101) }, ['name']],
    ['a deadline that is not a date', { deadline: { year: 2026, month: 2, day: 30 } }, ['deadline']],
    ['a negative current amount', { currentAmount: '-1.00' }, ['current_amount']],
    ['a current amount with too many decimals', { currentAmount: '1.999' }, ['current_amount']],
    ['an unknown currency', { currency: 'XXY' }, ['currency']],
  ])('%s → 422 on that field, nothing stored', async (_, change, paths) => {
    const userId = registerUser(h);
    const request = { ...newGoal(userId), ...change } as ReturnType<typeof newGoal>;
    const refusal = await rejected(h.client.createGoal(request));
    expect(refusal).toMatchObject({ httpStatus: 422, code: 'GOALS_INVALID_FIELDS' });
    expect(fieldPaths(refusal)).toEqual(paths);
    expect((await h.client.listGoals({ userId, page: undefined, status: 0 })).items).toEqual([]);
  });

  test('a name of exactly 100 characters is fine (an absent name arrives as "": the empty-name case); a malformed user id is 422 user_id; an erased account is 401', async () => {
    const userId = registerUser(h);
    expect((await createGoal(h, userId, { name: 'n'.repeat(100) })).name).toHaveLength(100);
    expect(await rejected(h.client.createGoal(newGoal('nope')))).toMatchObject({ httpStatus: 422, errors: [{ path: 'user_id' }] });
    expect(await rejected(h.client.createGoal(newGoal(randomUUID())))).toMatchObject({ httpStatus: 401, code: 'GOALS_USER_NOT_FOUND' });
  });
});

describe('GetGoal, ListGoals, UpdateGoal, DeleteGoal', () => {
  test('another user\'s goal, an unknown id and a malformed id are all 404', async () => {
    const owner = registerUser(h);
    const other = registerUser(h);
    const goal = await createGoal(h, owner);
    for (const id of [goal.id, randomUUID(), 'not-a-uuid']) {
      expect(await rejected(h.client.getGoal({ userId: other, id }))).toMatchObject({ httpStatus: 404, code: 'GOALS_GOAL_NOT_FOUND' });
      expect(await rejected(h.client.updateGoal(updateRequest(other, id, { name: 'Mine' })))).toMatchObject({ httpStatus: 404 });
      expect(await rejected(h.client.deleteGoal({ userId: other, id }))).toMatchObject({ httpStatus: 404 });
      expect(await rejected(h.client.getGoalProgress({ userId: other, id, from: undefined, to: undefined }))).toMatchObject({ httpStatus: 404 });
      expect(await rejected(h.client.listContributions({ userId: other, goalId: id, page: undefined }))).toMatchObject({ httpStatus: 404 });
    }
    expect((await h.client.getGoal({ userId: owner, id: goal.id })).goal!.name).toBe('Bike');
  });

  test('lists page oldest first with an opaque cursor, filter by status; a bad cursor or status is 422', async () => {
    const userId = registerUser(h);
    const made = [];
    for (let i = 0; i < 5; i++) made.push(await createGoal(h, userId, { name: `G${i}`, currentAmount: i % 2 ? '1000.00' : '0' }));
    const seen: string[] = [];
    let cursor = '';
    do {
      const page = await h.client.listGoals({ userId, page: { limit: 2, cursor }, status: 0 });
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((g) => g.name));
      cursor = page.page!.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['G0', 'G1', 'G2', 'G3', 'G4']);
    const completed = await h.client.listGoals({ userId, page: undefined, status: GoalStatus.GOAL_STATUS_COMPLETED });
    expect(completed.items.map((g) => g.name)).toEqual(['G1', 'G3']);
    expect(await rejected(h.client.listGoals({ userId, page: { limit: 1, cursor: 'garbage' }, status: 0 }))).toMatchObject({ httpStatus: 422, code: 'GOALS_INVALID_CURSOR' });
    expect(await rejected(h.client.listGoals({ userId, page: undefined, status: 42 as never }))).toMatchObject({ httpStatus: 422, errors: [{ path: 'status' }] });
    expect(await rejected(h.client.listGoals({ userId, page: { limit: 201, cursor: '' }, status: 0 }))).toMatchObject({ httpStatus: 422, errors: [{ path: 'limit' }] });
  });

  test('update: only the fields given; status cancelled and back; active on a reached goal gives completed', async () => {
    const userId = registerUser(h);
    const goal = await createGoal(h, userId, { deadline: date('2027-01-01') });
    const renamed = (await h.client.updateGoal(updateRequest(userId, goal.id, { name: ' Road bike ' }))).goal!;
    expect(renamed).toMatchObject({ name: 'Road bike', targetAmount: goal.targetAmount, deadline: date('2027-01-01'), status: GoalStatus.GOAL_STATUS_ACTIVE });
    const cancelled = (await h.client.updateGoal(updateRequest(userId, goal.id, { status: GoalStatus.GOAL_STATUS_CANCELLED, clearDeadline: true }))).goal!;
    expect(cancelled).toMatchObject({ status: GoalStatus.GOAL_STATUS_CANCELLED, deadline: undefined });
    // Still cancelled when the amounts reach the target.
    expect((await h.client.updateGoal(updateRequest(userId, goal.id, { currentAmount: '1000.00' }))).goal!.status).toBe(GoalStatus.GOAL_STATUS_CANCELLED);
    expect((await h.client.updateGoal(updateRequest(userId, goal.id, { status: GoalStatus.GOAL_STATUS_ACTIVE }))).goal!.status).toBe(GoalStatus.GOAL_STATUS_COMPLETED);
    // A raised target makes it active again.
    expect((await h.client.updateGoal(updateRequest(userId, goal.id, { targetAmount: '1000.01' }))).goal!.status).toBe(GoalStatus.GOAL_STATUS_ACTIVE);
  });

  test.each([
    ['status completed', { status: GoalStatus.GOAL_STATUS_COMPLETED }, ['status']],
    ['an unknown status', { status: 9 as never }, ['status']],
    ['a target of 0', { targetAmount: '0' }, ['target_amount']],
    ['a target with too many decimals', { targetAmount: '5.555' }, ['target_amount']],
    ['an empty name', { name: ' ' }, ['name']],
    ['a name over 100 characters', { name: 'x'.repeat(101) }, ['name']],
    ['an impossible deadline', { deadline: { year: 2026, month: 13, day: 1 } }, ['deadline']],
    ['a deadline and clear_deadline', { deadline: date('2027-01-01'), clearDeadline: true }, ['deadline']],
    ['a negative current amount', { currentAmount: '-5' }, ['current_amount']],
  ])('update with %s → 422, nothing changed', async (_, change, paths) => {
    const userId = registerUser(h);
    const goal = await createGoal(h, userId);
    const refusal = await rejected(h.client.updateGoal(updateRequest(userId, goal.id, change)));
    expect(refusal).toMatchObject({ httpStatus: 422 });
    expect(fieldPaths(refusal)).toEqual(paths);
    expect((await h.client.getGoal({ userId, id: goal.id })).goal).toEqual(goal);
  });

  test('current_amount is the whole current amount: it may not go below what the contributions add', async () => {
    const userId = registerUser(h);
    h.setNow(new Date('2026-03-01T12:00:00Z'));
    const goal = await createGoal(h, userId, { currentAmount: '100.00' });
    h.setNow(undefined);
    const tx = await createTransaction(h, userId, '250.00'); // dated 2026-03-15
    await contribute(h, userId, goal.id, tx.id);
    expect(await rejected(h.client.updateGoal(updateRequest(userId, goal.id, { currentAmount: '249.99' })))).toMatchObject({
      httpStatus: 422,
      errors: [{ path: 'current_amount', message: expect.stringContaining('250.00') }],
    });
    expect(minor((await h.client.updateGoal(updateRequest(userId, goal.id, { currentAmount: '300.00' }))).goal!.currentAmount)).toBe('30000 USD');
    // The starting amount is now 50.00: the progress series starts there.
    const { items } = await h.client.getGoalProgress({ userId, id: goal.id, from: undefined, to: undefined });
    expect(items.map((p) => [iso(p.date), minor(p.amount)])).toEqual([
      ['2026-03-01', '5000 USD'],
      ['2026-03-15', '30000 USD'],
    ]);
  });

  test('delete: the goal and its contributions go (the transaction stays in the ledger)', async () => {
    const userId = registerUser(h);
    const goal = await createGoal(h, userId);
    const tx = await createTransaction(h, userId, '10.00');
    await contribute(h, userId, goal.id, tx.id);
    await h.client.deleteGoal({ userId, id: goal.id });
    expect(await rejected(h.client.getGoal({ userId, id: goal.id }))).toMatchObject({ httpStatus: 404 });
    expect(await rejected(h.client.deleteGoal({ userId, id: goal.id }))).toMatchObject({ httpStatus: 404 });
    expect((await h.ledgerClient.getTransaction({ userId, id: tx.id })).transaction!.id).toBe(tx.id);
    const [row] = await h.orm.em.fork().execute<{ n: number }[]>('select count(*)::int as n from goals.contribution where goal_id = ?', [goal.id]);
    expect(row!.n).toBe(0);
    // Another goal may take the whole transaction now.
    const next = await createGoal(h, userId);
    expect(minor((await contribute(h, userId, next.id, tx.id)).contribution!.amount)).toBe('1000 USD');
  });
});

describe('progress', () => {
  test('GetGoal: percent, remaining, count, monthly need, projection and on_track as of today in the user\'s zone', async () => {
    const userId = registerUser(h, { timezone: 'Pacific/Kiritimati' }); // UTC+14
    h.setNow(new Date('2026-06-14T12:00:00Z')); // 2026-06-15 02:00 there
    try {
      const goal = await createGoal(h, userId, { targetAmount: '1000.00', currentAmount: '100.00', deadline: date('2026-09-15') });
      // 90.00 saved on 2026-05-01 (in the last 90 days) and 50.00 on 2025-12-01 (before them).
      const recent = await createTransaction(h, userId, '90.00', { date: date('2026-05-01') });
      const old = await createTransaction(h, userId, '50.00', { date: date('2025-12-01') });
      await contribute(h, userId, goal.id, recent.id);
      await contribute(h, userId, goal.id, old.id);
      const { goal: got, progress } = await h.client.getGoal({ userId, id: goal.id });
      expect(minor(got!.currentAmount)).toBe('24000 USD');
      expect({ ...progress, projectedCompletionDate: iso(progress!.projectedCompletionDate) }).toEqual({
        percent: '24.00',
        remaining: { minorUnits: '76000', currency: 'USD' },
        contributions: 2,
        // 760.00 over 3 months (2026-06-15 → 2026-09-15)
        monthlyNeeded: { minorUnits: '25334', currency: 'USD' },
        // 90.00 in 90 days = 1.00 a day: 760 days after 2026-06-15
        projectedCompletionDate: '2028-07-14',
        onTrack: false,
        savedLast90Days: { minorUnits: '9000', currency: 'USD' },
      });
      // The series: the creation date there (2026-06-15) carries the starting amount and both earlier contributions.
      const series = await h.client.getGoalProgress({ userId, id: goal.id, from: undefined, to: undefined });
      expect(series.items.map((p) => [iso(p.date), minor(p.amount)])).toEqual([['2026-06-15', '24000 USD']]);
    } finally {
      h.setNow(undefined);
    }
  });

  test('GetGoalProgress: one cumulative point per transaction date, ascending, within from/to', async () => {
    const userId = registerUser(h);
    h.setNow(new Date('2026-01-10T12:00:00Z'));
    const goal = await createGoal(h, userId, { currentAmount: '10.00' });
    h.setNow(undefined);
    for (const [amount, day] of [['5.00', '2026-02-01'], ['2.50', '2026-01-20'], ['1.00', '2026-02-01']] as const) {
      await contribute(h, userId, goal.id, (await createTransaction(h, userId, amount, { date: date(day) })).id);
    }
    const all = await h.client.getGoalProgress({ userId, id: goal.id, from: undefined, to: undefined });
    expect(all.items.map((p) => [iso(p.date), minor(p.amount)])).toEqual([
      ['2026-01-10', '1000 USD'],
      ['2026-01-20', '1250 USD'],
      ['2026-02-01', '1850 USD'],
    ]);
    const window = await h.client.getGoalProgress({ userId, id: goal.id, from: date('2026-01-11'), to: date('2026-01-31') });
    expect(window.items.map((p) => [iso(p.date), minor(p.amount)])).toEqual([['2026-01-20', '1250 USD']]);
    expect(await rejected(h.client.getGoalProgress({ userId, id: goal.id, from: date('2026-02-01'), to: date('2026-01-01') }))).toMatchObject({ httpStatus: 422, errors: [{ path: 'from' }] });
    expect(await rejected(h.client.getGoalProgress({ userId, id: goal.id, from: { year: 2026, month: 2, day: 31 }, to: undefined }))).toMatchObject({ httpStatus: 422, errors: [{ path: 'from' }] });
  });
});
