import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { namespacedSubject } from '@finance/events';
import { userDeleted } from '@finance/events/contracts/auth';
import { categoryDeleted } from '@finance/events/contracts/ledger';
import { inspector, waitFor } from '@finance/testing';
import { countRows, createBudget, createCategory, date, newBudget, publishEvent, registerUser, rejected, startBudgetingHarness, type BudgetingHarness } from './helpers.js';

// The events of the ledger and auth are published here as their outbox relays would; that those
// services really publish them is e2e's (budgets.e2e.test.ts, "deleting a category deletes its
// budgets"; auth-users.e2e.test.ts, "all of its data in every service is erased").

let h: BudgetingHarness;
let nats: Awaited<ReturnType<typeof inspector>>;

beforeAll(async () => {
  h = await startBudgetingHarness();
  nats = await inspector();
});

afterAll(async () => {
  await nats?.nc.close();
  await h?.close();
});

const budgetIds = async (userId: string) => (await h.client.listBudgets({ userId, page: undefined })).items.map((b) => b.id);

async function alertMarks(budgetId: string): Promise<number> {
  const [row] = await h.orm.em.fork().execute<{ n: number }[]>('select count(*)::int as n from budgeting.budget_alert where budget_id = ?', [budgetId]);
  return row!.n;
}

describe('ledger.category.deleted.v1', () => {
  test('ledger.category.deleted.v1 deletes the budgets of that category, and only those (also when its transactions are reassigned)', async () => {
    const userId = registerUser(h);
    const food = createCategory(h, userId, 'Food');
    const rent = createCategory(h, userId, 'Rent');
    const travel = createCategory(h, userId, 'Travel');
    const foodBudgets = [await createBudget(h, userId, { categoryId: food.id }), await createBudget(h, userId, { categoryId: food.id })];
    const rentBudget = await createBudget(h, userId, { categoryId: rent.id });
    const travelBudget = await createBudget(h, userId, { categoryId: travel.id });
    const allBudget = await createBudget(h, userId);

    await publishEvent(h, categoryDeleted, { user_id: userId, category_id: food.id, reassigned_to: null });
    await waitFor(async () => !(await budgetIds(userId)).includes(foodBudgets[0]!.id), { timeoutMs: 10_000, message: 'the food budgets to be deleted' });
    expect(await budgetIds(userId)).toEqual([rentBudget.id, travelBudget.id, allBudget.id]);

    await publishEvent(h, categoryDeleted, { user_id: userId, category_id: travel.id, reassigned_to: rent.id });
    await waitFor(async () => !(await budgetIds(userId)).includes(travelBudget.id), { timeoutMs: 10_000, message: 'the travel budget to be deleted' });
    expect(await budgetIds(userId)).toEqual([rentBudget.id, allBudget.id]);
  });

  test('a deleted category cannot get a budget afterwards, even while the ledger still answers it', async () => {
    const userId = registerUser(h);
    const food = createCategory(h, userId);
    const budget = await createBudget(h, userId);
    await publishEvent(h, categoryDeleted, { user_id: userId, category_id: food.id, reassigned_to: null });
    await waitFor(async () => (await countRows(h, 'deleted_category', userId)) === 1, { timeoutMs: 10_000, message: 'the deletion to be handled' });
    expect(await rejected(h.client.createBudget(newBudget(userId, { categoryId: food.id })))).toMatchObject({ httpStatus: 422, errors: [{ path: 'category_id' }] });
    expect(await rejected(h.client.updateBudget({ userId, id: budget.id, period: 0, startDate: undefined, endDate: undefined, clearEndDate: false, categoryId: food.id }))).toMatchObject({
      httpStatus: 422,
      errors: [{ path: 'category_id' }],
    });
  });

  test('a redelivered event changes nothing more (idempotent), and the alert marks go with their budget', async () => {
    const userId = registerUser(h);
    const food = createCategory(h, userId);
    const budget = await createBudget(h, userId, { categoryId: food.id });
    await h.orm.em.fork().execute("insert into budgeting.budget_alert (budget_id, period_start, threshold, sent_at) values (?, '2026-01-01', 80, now())", [budget.id]);
    const { data: original } = await publishEvent(h, categoryDeleted, { user_id: userId, category_id: food.id, reassigned_to: null });
    await waitFor(async () => (await budgetIds(userId)).length === 0, { timeoutMs: 10_000, message: 'the budget to be deleted' });
    expect(await alertMarks(budget.id)).toBe(0);

    // The very same event again (a plain publish, no message id, so the stream keeps the copy) ...
    // ... after a budget that the handler would delete if it ran again (written directly: the service would refuse it).
    await h.orm.em.fork().execute(
      "insert into budgeting.budget (id, user_id, name, amount_minor, currency, period, start_date, category_id, created_at, updated_at) values (?, ?, 'late', 100, 'USD', 'monthly', '2026-01-01', ?, now(), now())",
      [randomUUID(), userId, food.id],
    );
    nats.nc.publish(namespacedSubject(h.namespace, categoryDeleted.subject), original);
    // A new event for another category: once it is handled, the copy before it was too.
    const marker = createCategory(h, userId);
    const markerBudget = await createBudget(h, userId, { categoryId: marker.id });
    await publishEvent(h, categoryDeleted, { user_id: userId, category_id: marker.id, reassigned_to: null });
    await waitFor(async () => !(await budgetIds(userId)).includes(markerBudget.id), { timeoutMs: 10_000, message: 'the marker event' });
    expect(await countRows(h, 'budget', userId)).toBe(1);
  });
});

describe('auth.user.deleted.v1', () => {
  test("auth.user.deleted.v1 erases the user's budgets, deleted-category marks and alert marks, and only theirs", async () => {
    const userId = registerUser(h);
    const bystander = registerUser(h);
    const category = createCategory(h, userId);
    const budgets = [await createBudget(h, userId, { categoryId: category.id }), await createBudget(h, userId, { startDate: date('2025-06-01') })];
    await h.orm.em.fork().execute("insert into budgeting.budget_alert (budget_id, period_start, threshold, sent_at) values (?, '2026-01-01', 100, now())", [budgets[1]!.id]);
    const kept = await createBudget(h, bystander);
    const gone = createCategory(h, userId);
    await publishEvent(h, categoryDeleted, { user_id: userId, category_id: gone.id, reassigned_to: null });
    await waitFor(async () => (await countRows(h, 'deleted_category', userId)) === 1, { timeoutMs: 10_000, message: 'the category deletion to be recorded' });
    expect(await countRows(h, 'budget', userId)).toBe(2);

    await publishEvent(h, userDeleted, { user_id: userId });

    await waitFor(async () => (await countRows(h, 'budget', userId)) === 0, { timeoutMs: 10_000, message: 'the budgets of the deleted user to be erased' });
    expect(await countRows(h, 'deleted_category', userId)).toBe(0);
    expect(await alertMarks(budgets[1]!.id)).toBe(0);
    expect(await budgetIds(bystander)).toEqual([kept.id]);
    const processed = await h.orm.em.fork().execute<{ consumer: string }[]>('select consumer from budgeting.processed_event');
    expect(processed.map((p) => p.consumer)).toContain(`${h.namespace}_budgeting-user-deleted`);
  });
});
