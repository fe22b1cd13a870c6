import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { client, signUp, startStack, type Stack } from './support/stack.js';
import { expectInvalid } from './support/problems.js';

// What budgeting takes from the real ledger that budgets.e2e.test.ts does not already show: the
// category's name as the ledger keeps it, and the ledger's "no such category" once it deleted one.
// (Budgeting's own integration tests script the ledger; sums, base currency, time zone, category
// deletion and erasure through the real services are in budgets.e2e and auth-users.e2e.)

let stack: Stack;
let api: ReturnType<typeof client>;

beforeAll(async () => {
  stack = await startStack();
  api = client(stack.baseUrl);
});

afterAll(async () => {
  await stack?.close();
});

test('a category budget without a name is named after the category as the ledger has it; once the ledger deleted the category it can get no new budget', async () => {
  const { tokens } = await signUp(api, 'wiring');
  const token = tokens.access_token;
  const category = await api.post('/categories', { name: '  Eating out  ', color: '#336699' }, token);
  expect(category.status).toBe(201);
  const budget = await api.post('/budgets', { amount: '100.00', period: 'monthly', start_date: '2026-03-01', category_id: category.body.id }, token);
  expect(budget.status).toBe(201);
  expect(budget.body).toMatchObject({ name: 'Eating out', category_id: category.body.id });

  expect((await api.delete(`/categories/${category.body.id}`, token)).status).toBe(204);
  expectInvalid(await api.post('/budgets', { amount: '100.00', period: 'monthly', start_date: '2026-03-01', category_id: category.body.id }, token), 'category_id');
});
