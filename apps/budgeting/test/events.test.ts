import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { namespacedStream, namespacedSubject } from '@finance/events';
import { inspector, streamMessages, waitFor } from '@finance/testing';
import { countRows, createBudget, createCategory, date, newBudget, registerUser, rejected, startBudgetingHarness, type BudgetingHarness } from './helpers.js';

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
  test("deleting a category in the ledger deletes its budgets, and only those (also when its transactions are reassigned)", async () => {
    const userId = await registerUser(h);
    const food = await createCategory(h, userId, 'Food');
    const rent = await createCategory(h, userId, 'Rent');
    const travel = await createCategory(h, userId, 'Travel');
    const foodBudgets = [await createBudget(h, userId, { categoryId: food.id }), await createBudget(h, userId, { categoryId: food.id })];
    const rentBudget = await createBudget(h, userId, { categoryId: rent.id });
    const travelBudget = await createBudget(h, userId, { categoryId: travel.id });
    const allBudget = await createBudget(h, userId);

    await h.ledgerClient.deleteCategory({ userId, id: food.id });
    await waitFor(async () => !(await budgetIds(userId)).includes(foodBudgets[0]!.id), { timeoutMs: 10_000, message: 'the food budgets to be deleted' });
    expect(await budgetIds(userId)).toEqual([rentBudget.id, travelBudget.id, allBudget.id]);

    await h.ledgerClient.deleteCategory({ userId, id: travel.id, reassignTo: rent.id });
    await waitFor(async () => !(await budgetIds(userId)).includes(travelBudget.id), { timeoutMs: 10_000, message: 'the travel budget to be deleted' });
    expect(await budgetIds(userId)).toEqual([rentBudget.id, allBudget.id]);
  });

  test('a deleted category cannot get a budget afterwards, even if the ledger were asked before', async () => {
    const userId = await registerUser(h);
    const food = await createCategory(h, userId);
    const budget = await createBudget(h, userId);
    await h.ledgerClient.deleteCategory({ userId, id: food.id });
    await waitFor(async () => (await countRows(h, 'deleted_category', userId)) === 1, { timeoutMs: 10_000, message: 'the deletion to be handled' });
    expect(await rejected(h.client.createBudget(newBudget(userId, { categoryId: food.id })))).toMatchObject({ httpStatus: 422, errors: [{ path: 'category_id' }] });
    expect(await rejected(h.client.updateBudget({ userId, id: budget.id, period: 0, startDate: undefined, endDate: undefined, clearEndDate: false, categoryId: food.id }))).toMatchObject({
      httpStatus: 422,
      errors: [{ path: 'category_id' }],
    });
  });

  test('a redelivered event changes nothing more (idempotent), and the alert marks go with their budget', async () => {
    const userId = await registerUser(h);
    const food = await createCategory(h, userId);
    const budget = await createBudget(h, userId, { categoryId: food.id });
    await h.orm.em.fork().execute("insert into budgeting.budget_alert (budget_id, period_start, threshold, sent_at) values (?, '2026-01-01', 80, now())", [budget.id]);
    await h.ledgerClient.deleteCategory({ userId, id: food.id });
    await waitFor(async () => (await budgetIds(userId)).length === 0, { timeoutMs: 10_000, message: 'the budget to be deleted' });
    expect(await alertMarks(budget.id)).toBe(0);

    // The very same event again (a plain publish, no message id, so the stream keeps the copy) ...
    const subject = namespacedSubject(h.namespace, 'ledger.category.deleted.v1');
    const original = (await streamMessages(nats.jsm, namespacedStream(h.namespace, 'LEDGER'))).find(
      (m) => m.subject === subject && m.json<{ category_id: string }>().category_id === food.id,
    )!;
    // ... after a budget that the handler would delete if it ran again (written directly: the service would refuse it).
    await h.orm.em.fork().execute(
      "insert into budgeting.budget (id, user_id, name, amount_minor, currency, period, start_date, category_id, created_at, updated_at) values (?, ?, 'late', 100, 'USD', 'monthly', '2026-01-01', ?, now(), now())",
      [randomUUID(), userId, food.id],
    );
    nats.nc.publish(subject, original.data);
    // A new event for another category: once it is handled, the copy before it was too.
    const marker = await createCategory(h, userId);
    const markerBudget = await createBudget(h, userId, { categoryId: marker.id });
    await h.ledgerClient.deleteCategory({ userId, id: marker.id });
    await waitFor(async () => !(await budgetIds(userId)).includes(markerBudget.id), { timeoutMs: 10_000, message: 'the marker event' });
    expect(await countRows(h, 'budget', userId)).toBe(1);
  });
});

describe('auth.user.deleted.v1', () => {
  test("deleting the user in auth erases the user's budgets and alert marks, and only theirs", async () => {
    const userId = await registerUser(h);
    const bystander = await registerUser(h);
    const category = await createCategory(h, userId);
    const budgets = [await createBudget(h, userId, { categoryId: category.id }), await createBudget(h, userId, { startDate: date('2025-06-01') })];
    await h.orm.em.fork().execute("insert into budgeting.budget_alert (budget_id, period_start, threshold, sent_at) values (?, '2026-01-01', 100, now())", [budgets[1]!.id]);
    const kept = await createBudget(h, bystander);
    const gone = await createCategory(h, userId);
    await h.ledgerClient.deleteCategory({ userId, id: gone.id });
    await waitFor(async () => (await countRows(h, 'deleted_category', userId)) === 1, { timeoutMs: 10_000, message: 'the category deletion to be recorded' });
    expect(await countRows(h, 'budget', userId)).toBe(2);

    await h.authClient.deleteUser({ userId });

    await waitFor(async () => (await countRows(h, 'budget', userId)) === 0, { timeoutMs: 10_000, message: 'the budgets of the deleted user to be erased' });
    expect(await countRows(h, 'deleted_category', userId)).toBe(0);
    expect(await alertMarks(budgets[1]!.id)).toBe(0);
    expect(await budgetIds(bystander)).toEqual([kept.id]);
    const processed = await h.orm.em.fork().execute<{ consumer: string }[]>('select consumer from budgeting.processed_event');
    expect(processed.map((p) => p.consumer)).toContain(`${h.namespace}_budgeting-user-deleted`);
  });
});
