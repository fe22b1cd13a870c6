import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { status } from '@grpc/grpc-js';
import { budgetingV1 } from '@finance/proto';
import { stubError, waitFor } from '@finance/testing';
import {
  BudgetPeriod,
  createBudget,
  createCategory,
  date,
  iso,
  MONTHLY,
  newBudget,
  registerUser,
  rejected,
  scriptAuth,
  scriptLedger,
  startBudgetingHarness,
  updateProfile,
  type BudgetingHarness,
} from './helpers.js';

let h: BudgetingHarness;

beforeAll(async () => {
  h = await startBudgetingHarness();
});

afterEach(() => {
  expect(h.auth.unscripted).toEqual([]);
  expect(h.ledger.unscripted).toEqual([]);
  scriptAuth(h);
  scriptLedger(h);
});

afterAll(async () => {
  await h?.close();
});

const unchanged = { period: 0, startDate: undefined, endDate: undefined, clearEndDate: false } as const;

describe('CreateBudget / GetBudget / ListBudgets / UpdateBudget / DeleteBudget', () => {
  test('a budget goes through its whole life', async () => {
    const userId = registerUser(h);
    const category = createCategory(h, userId, 'Groceries');
    const { budget } = await h.client.createBudget(
      newBudget(userId, { amount: '450.50', period: BudgetPeriod.BUDGET_PERIOD_WEEKLY, startDate: date('2026-03-02'), endDate: date('2026-12-31'), categoryId: category.id, name: '  Food  ' }),
    );
    expect(budget).toEqual({
      id: expect.any(String),
      name: 'Food',
      amount: { minorUnits: '45050', currency: 'USD' },
      period: BudgetPeriod.BUDGET_PERIOD_WEEKLY,
      startDate: date('2026-03-02'),
      endDate: date('2026-12-31'),
      categoryId: category.id,
      createdAt: expect.any(Date),
      updatedAt: expect.any(Date),
    });

    const got = await h.client.getBudget({ userId, id: budget!.id, date: date('2026-03-04') });
    expect(got.budget).toEqual(budget);
    expect(got.analysis).toMatchObject({ periodStart: date('2026-03-02'), periodEnd: date('2026-03-08') });

    const list = await h.client.listBudgets({ userId, page: { limit: 0, cursor: '' } });
    expect(list.items).toEqual([budget]);

    const { budget: updated } = await h.client.updateBudget({ userId, id: budget!.id, ...unchanged, amount: '500', name: 'Food & drink', categoryId: '', clearEndDate: true });
    expect(updated).toMatchObject({
      name: 'Food & drink',
      amount: { minorUnits: '50000', currency: 'USD' },
      period: BudgetPeriod.BUDGET_PERIOD_WEEKLY,
      startDate: date('2026-03-02'),
      endDate: undefined,
      categoryId: undefined,
      createdAt: budget!.createdAt,
    });
    expect(updated!.updatedAt!.getTime()).toBeGreaterThanOrEqual(budget!.updatedAt!.getTime());
    expect((await h.client.getBudget({ userId, id: budget!.id, date: date('2026-03-04') })).budget).toEqual(updated);

    await h.client.deleteBudget({ userId, id: budget!.id });
    expect(await rejected(h.client.getBudget({ userId, id: budget!.id, date: undefined }))).toMatchObject({ httpStatus: 404, code: 'BUDGETING_BUDGET_NOT_FOUND' });
    expect(await rejected(h.client.deleteBudget({ userId, id: budget!.id }))).toMatchObject({ httpStatus: 404 });
    expect((await h.client.listBudgets({ userId, page: undefined })).items).toEqual([]);
  });

  test("without a currency the budget takes the user's base currency, with its precision", async () => {
    const userId = registerUser(h);
    updateProfile(h, userId, { baseCurrency: 'EUR' });
    expect((await createBudget(h, userId, { currency: undefined, amount: '99.90' })).amount).toEqual({ minorUnits: '9990', currency: 'EUR' });

    updateProfile(h, userId, { baseCurrency: 'JPY' });
    expect((await createBudget(h, userId, { currency: undefined, amount: '5000' })).amount).toEqual({ minorUnits: '5000', currency: 'JPY' });
    expect(await rejected(h.client.createBudget(newBudget(userId, { currency: undefined, amount: '1.5' })))).toMatchObject({
      httpStatus: 422,
      errors: [{ path: 'amount', message: 'JPY does not allow decimal places' }],
    });
  });

  test("the default name is the category's name, or the period's", async () => {
    const userId = registerUser(h);
    const category = createCategory(h, userId, 'Eating out');
    expect((await createBudget(h, userId, { categoryId: category.id })).name).toBe('Eating out');
    expect((await createBudget(h, userId)).name).toBe('Monthly budget');
    expect((await createBudget(h, userId, { period: BudgetPeriod.BUDGET_PERIOD_YEARLY })).name).toBe('Yearly budget');
  });

  test('an end date equal to the start date is a one-day budget', async () => {
    const userId = registerUser(h);
    const budget = await createBudget(h, userId, { startDate: date('2026-05-05'), endDate: date('2026-05-05') });
    const { analysis } = await h.client.getBudget({ userId, id: budget.id, date: date('2026-05-05') });
    expect(analysis).toMatchObject({ periodStart: date('2026-05-05'), periodEnd: date('2026-05-05'), daysInPeriod: 1 });
  });
});

describe('bad input is a 422 naming the field, never a 500', () => {
  test.each<[string, string, Partial<budgetingV1.CreateBudgetRequest>]>([
    ['a zero amount', 'amount', { amount: '0' }],
    ['a negative amount', 'amount', { amount: '-10.00' }],
    ['three decimals in USD', 'amount', { amount: '10.005' }],
    ['no amount', 'amount', { amount: '' }],
    ['exponent notation', 'amount', { amount: '1e3' }],
    ['an amount beyond 15 digits', 'amount', { amount: '1234567890123456' }],
    ['an unknown currency', 'currency', { currency: 'XYZ' }],
    ['a lower-case currency', 'currency', { currency: 'usd' }],
    ['no period', 'period', { period: BudgetPeriod.BUDGET_PERIOD_UNSPECIFIED }],
    ['a period outside the enum', 'period', { period: 99 as budgetingV1.BudgetPeriod }],
    ['no start date', 'start_date', { startDate: undefined }],
    ['February 30th', 'start_date', { startDate: date('2026-02-30') }],
    ['an empty date message', 'start_date', { startDate: { year: 0, month: 0, day: 0 } }],
    ['an end date before the start', 'end_date', { startDate: date('2026-03-10'), endDate: date('2026-03-09') }],
    ['an impossible end date', 'end_date', { endDate: date('2026-04-31') }],
    ['a malformed category id', 'category_id', { categoryId: 'groceries' }],
    ['an unknown category id', 'category_id', { categoryId: randomUUID() }],
    ['a blank name', 'name', { name: '   ' }],
    ['a name of 101 characters', 'name', { name: 'n'.repeat(101) }],
    ['a name with NUL', 'name', { name: 'a\u0000b' }],
  ])('%s → 422 on %s', async (_, path, overrides) => {
    const userId = registerUser(h);
    expect(await rejected(h.client.createBudget(newBudget(userId, overrides)))).toMatchObject({
      status: status.INVALID_ARGUMENT,
      httpStatus: 422,
      code: 'BUDGETING_INVALID_FIELDS',
      errors: [{ path, message: expect.any(String) }],
    });
    expect((await h.client.listBudgets({ userId, page: undefined })).items).toEqual([]);
  });

  test('every invalid field is named at once; the ledger is asked about the category when the rest is valid', async () => {
    const userId = registerUser(h);
    const failure = await rejected(h.client.createBudget(newBudget(userId, { amount: '0', startDate: undefined, categoryId: 'food', name: '' })));
    expect(failure.errors!.map((e) => e.path)).toEqual(['amount', 'start_date', 'category_id', 'name']);
    updateProfile(h, userId, { baseCurrency: 'JPY' });
    const remote = await rejected(h.client.createBudget(newBudget(userId, { amount: '0.50', currency: undefined, categoryId: randomUUID() })));
    expect(remote.errors).toEqual([
      { path: 'amount', message: 'JPY does not allow decimal places' },
      { path: 'category_id', message: 'is not one of your categories' },
    ]);
  });

  test("another user's category is not yours: 422 on category_id, on create and on update", async () => {
    const owner = registerUser(h);
    const stranger = registerUser(h);
    const category = createCategory(h, owner);
    expect(await rejected(h.client.createBudget(newBudget(stranger, { categoryId: category.id })))).toMatchObject({
      httpStatus: 422,
      errors: [{ path: 'category_id', message: 'is not one of your categories' }],
    });
    const budget = await createBudget(h, stranger);
    expect(await rejected(h.client.updateBudget({ userId: stranger, id: budget.id, ...unchanged, categoryId: category.id }))).toMatchObject({
      httpStatus: 422,
      errors: [{ path: 'category_id' }],
    });
  });

  test('updates are checked against the whole budget', async () => {
    const userId = registerUser(h);
    const budget = await createBudget(h, userId, { amount: '12.50', startDate: date('2026-03-01'), endDate: date('2026-06-30') });
    const update = (fields: Partial<budgetingV1.UpdateBudgetRequest>) => rejected(h.client.updateBudget({ userId, id: budget.id, ...unchanged, ...fields }));
    expect(await update({ startDate: date('2026-07-01') })).toMatchObject({ httpStatus: 422, errors: [{ path: 'end_date', message: 'must not be before start_date' }] });
    expect(await update({ endDate: date('2026-02-28') })).toMatchObject({ errors: [{ path: 'end_date' }] });
    expect(await update({ clearEndDate: true, endDate: date('2026-12-31') })).toMatchObject({ errors: [{ path: 'end_date' }] });
    expect(await update({ currency: 'JPY' })).toMatchObject({ errors: [{ path: 'currency', message: expect.stringContaining('cannot be expressed in JPY') }] });
    expect(await update({ amount: '0' })).toMatchObject({ errors: [{ path: 'amount' }] });
    expect(await update({ name: '' })).toMatchObject({ errors: [{ path: 'name' }] });
    expect(await update({ categoryId: 'nope' })).toMatchObject({ errors: [{ path: 'category_id' }] });
    expect(await update({ period: 42 as budgetingV1.BudgetPeriod })).toMatchObject({ errors: [{ path: 'period' }] });
    // Nothing of the refused updates was kept; a start moved together with a cleared end is fine.
    expect((await h.client.getBudget({ userId, id: budget.id, date: date('2026-03-01') })).budget).toEqual(budget);
    const { budget: moved } = await h.client.updateBudget({ userId, id: budget.id, ...unchanged, startDate: date('2026-07-01'), clearEndDate: true, currency: 'EUR' });
    expect(moved).toMatchObject({ startDate: date('2026-07-01'), endDate: undefined, amount: { minorUnits: '1250', currency: 'EUR' } });
  });

  test('a date that is not a date → 422 on date', async () => {
    const userId = registerUser(h);
    const budget = await createBudget(h, userId);
    expect(await rejected(h.client.getBudget({ userId, id: budget.id, date: date('2026-02-29') }))).toMatchObject({ httpStatus: 422, errors: [{ path: 'date' }] });
    expect(await rejected(h.client.getBudgetStatus({ userId, date: date('2026-13-01') }))).toMatchObject({ httpStatus: 422, errors: [{ path: 'date' }] });
  });

  test('a user id that is not a uuid is a 422 on user_id, not a database error', async () => {
    expect(await rejected(h.client.listBudgets({ userId: 'me', page: undefined }))).toMatchObject({ httpStatus: 422, errors: [{ path: 'user_id' }] });
    expect(await rejected(h.client.createBudget(newBudget('me')))).toMatchObject({ httpStatus: 422, errors: [{ path: 'user_id' }] });
  });
});

describe('ownership', () => {
  test("another user's, unknown and malformed budget ids are NOT_FOUND for every RPC, and nothing changes", async () => {
    const owner = registerUser(h);
    const stranger = registerUser(h);
    const budget = await createBudget(h, owner);
    for (const id of [budget.id, randomUUID(), 'x', '', `${budget.id}'--`]) {
      const notFound = { status: status.NOT_FOUND, httpStatus: 404, code: 'BUDGETING_BUDGET_NOT_FOUND' };
      expect(await rejected(h.client.getBudget({ userId: stranger, id, date: date('2026-03-01') }))).toMatchObject(notFound);
      expect(await rejected(h.client.updateBudget({ userId: stranger, id, ...unchanged, name: 'mine now' }))).toMatchObject(notFound);
      expect(await rejected(h.client.deleteBudget({ userId: stranger, id }))).toMatchObject(notFound);
    }
    expect((await h.client.listBudgets({ userId: stranger, page: undefined })).items).toEqual([]);
    expect((await h.client.getBudget({ userId: owner, id: budget.id, date: date('2026-03-01') })).budget).toEqual(budget);
  });
});

describe('ListBudgets paging', () => {
  test('pages in creation order visit every budget once; next_cursor is empty on the last page', async () => {
    const userId = registerUser(h);
    const other = registerUser(h);
    await createBudget(h, other);
    const created = [];
    for (let i = 0; i < 5; i++) created.push((await createBudget(h, userId, { name: `B${i}` })).id);

    const seen: string[] = [];
    const sizes: number[] = [];
    let cursor = '';
    for (;;) {
      const { items, page } = await h.client.listBudgets({ userId, page: { limit: 2, cursor } });
      seen.push(...items.map((b) => b.id));
      sizes.push(items.length);
      cursor = page!.nextCursor;
      if (!cursor) break;
      // A budget created between pages shows up once, at the end.
      if (sizes.length === 1) created.push((await createBudget(h, userId, { name: 'late' })).id);
    }
    expect(seen).toEqual(created);
    expect(sizes).toEqual([2, 2, 2]);
  });

  test('limit outside 1..200 → 422 on limit; a tampered cursor → 422 on cursor', async () => {
    const userId = registerUser(h);
    for (let i = 0; i < 2; i++) await createBudget(h, userId);
    expect(await rejected(h.client.listBudgets({ userId, page: { limit: 201, cursor: '' } }))).toMatchObject({ httpStatus: 422, errors: [{ path: 'limit' }] });
    expect(await rejected(h.client.listBudgets({ userId, page: { limit: -1, cursor: '' } }))).toMatchObject({ httpStatus: 422, errors: [{ path: 'limit' }] });
    const { page } = await h.client.listBudgets({ userId, page: { limit: 1, cursor: '' } });
    const decoded = JSON.parse(Buffer.from(page!.nextCursor, 'base64url').toString()) as string[];
    const tampered = [
      `${page!.nextCursor.slice(0, -2)}!!`,
      Buffer.from(JSON.stringify(['b', decoded[1], 'not-a-uuid'])).toString('base64url'),
      Buffer.from(JSON.stringify(['b', '2026-02-30T00:00:00.000000Z', decoded[2]])).toString('base64url'),
      Buffer.from(JSON.stringify(['c', 'name', decoded[2]])).toString('base64url'),
    ];
    for (const cursor of tampered) {
      expect(await rejected(h.client.listBudgets({ userId, page: { limit: 1, cursor } }))).toMatchObject({
        httpStatus: 422,
        code: 'BUDGETING_INVALID_CURSOR',
        errors: [{ path: 'cursor' }],
      });
    }
  });
});

describe('auth and ledger unavailable', () => {
  test('calls that need the ledger answer UNAVAILABLE (503); calls that do not still work', async () => {
    const userId = registerUser(h);
    const category = createCategory(h, userId);
    const budget = await createBudget(h, userId, { categoryId: category.id });
    h.ledgerProxy.cut();
    try {
      const unavailable = { status: status.UNAVAILABLE, httpStatus: 503, code: 'LEDGER_UNAVAILABLE' };
      expect(await rejected(h.client.createBudget(newBudget(userId, { categoryId: category.id })))).toMatchObject(unavailable);
      expect(await rejected(h.client.getBudget({ userId, id: budget.id, date: date('2026-03-01') }))).toMatchObject(unavailable);
      expect(await rejected(h.client.getBudgetStatus({ userId, date: date('2026-03-01') }))).toMatchObject(unavailable);
      // No category, a named currency, a date outside the budget: nothing to ask.
      await expect(h.client.createBudget(newBudget(userId))).resolves.toBeTruthy();
      expect((await h.client.getBudget({ userId, id: budget.id, date: date('2025-12-31') })).analysis).toBeUndefined();
      await expect(h.client.listBudgets({ userId, page: undefined })).resolves.toBeTruthy();
    } finally {
      h.ledgerProxy.restore();
    }
    // Back once the channel reconnects.
    await waitFor(() => h.client.getBudget({ userId, id: budget.id, date: date('2026-03-01') }), { timeoutMs: 10_000, message: 'the ledger to be reachable again' });
  });

  test('calls that need auth (no currency, no date) answer UNAVAILABLE (503) while it is away', async () => {
    const userId = registerUser(h);
    const budget = await createBudget(h, userId);
    await waitFor(() => h.client.getBudget({ userId, id: budget.id, date: date('2026-03-01') }), { timeoutMs: 10_000, message: 'the ledger to be reachable' });
    h.authProxy.cut();
    try {
      const unavailable = { status: status.UNAVAILABLE, httpStatus: 503, code: 'AUTH_UNAVAILABLE' };
      expect(await rejected(h.client.createBudget(newBudget(userId, { currency: undefined })))).toMatchObject(unavailable);
      expect(await rejected(h.client.getBudget({ userId, id: budget.id, date: undefined }))).toMatchObject(unavailable);
      expect(await rejected(h.client.getBudgetStatus({ userId, date: undefined }))).toMatchObject(unavailable);
      await expect(h.client.createBudget(newBudget(userId, { currency: 'EUR' }))).resolves.toBeTruthy();
      await expect(h.client.getBudget({ userId, id: budget.id, date: date('2026-03-01') })).resolves.toBeTruthy();
    } finally {
      h.authProxy.restore();
    }
    await waitFor(() => h.client.getBudget({ userId, id: budget.id, date: undefined }), { timeoutMs: 10_000, message: 'auth to be reachable again' });
  });

  test('a user auth no longer knows is UNAUTHENTICATED when auth must be asked', async () => {
    const userId = registerUser(h);
    h.profiles.delete(userId); // auth answers UNAUTHENTICATED AUTH_USER_NOT_FOUND, as for a deleted account
    expect(await rejected(h.client.createBudget(newBudget(userId, { currency: undefined })))).toMatchObject({ httpStatus: 401, code: 'BUDGETING_USER_NOT_FOUND' });
    h.auth.fail('getUser', stubError('not_found', 'AUTH_USER_NOT_FOUND', 'User not found.'));
    expect(await rejected(h.client.createBudget(newBudget(userId, { currency: undefined })))).toMatchObject({ httpStatus: 401, code: 'BUDGETING_USER_NOT_FOUND' });
  });

  test('a fault inside the ledger or auth is a 503 of that service, without its text', async () => {
    const userId = registerUser(h);
    const category = createCategory(h, userId);
    const budget = await createBudget(h, userId, { categoryId: category.id });
    h.ledger.outage = new Error('ledger exploded');
    const fromLedger = await rejected(h.client.getBudget({ userId, id: budget.id, date: date('2026-03-01') }));
    expect(fromLedger).toMatchObject({ status: status.UNAVAILABLE, httpStatus: 503, code: 'LEDGER_UNAVAILABLE' });
    expect(JSON.stringify(fromLedger)).not.toContain('exploded');
    expect(await rejected(h.client.createBudget(newBudget(userId, { categoryId: category.id })))).toMatchObject({ httpStatus: 503, code: 'LEDGER_UNAVAILABLE' });
    h.auth.outage = new Error('auth exploded');
    const fromAuth = await rejected(h.client.getBudgetStatus({ userId, date: undefined }));
    expect(fromAuth).toMatchObject({ status: status.UNAVAILABLE, httpStatus: 503, code: 'AUTH_UNAVAILABLE' });
    expect(JSON.stringify(fromAuth)).not.toContain('exploded');
    expect((await h.client.listBudgets({ userId, page: undefined })).items).toHaveLength(1);
  });

  test('a ledger answering too late is a 504 LEDGER_DEADLINE_EXCEEDED, within the caller’s own deadline', async () => {
    const userId = registerUser(h);
    const budget = await createBudget(h, userId);
    // Longer than budgeting gives the ledger, shorter than the caller's 15 s.
    h.ledger.delayMs = 7_000;
    const started = Date.now();
    expect(await rejected(h.client.getBudget({ userId, id: budget.id, date: date('2026-03-01') }))).toMatchObject({
      status: status.DEADLINE_EXCEEDED,
      httpStatus: 504,
      code: 'LEDGER_DEADLINE_EXCEEDED',
    });
    expect(Date.now() - started).toBeLessThan(7_000);
    // Let the stub's late answer go out before the next test (its pending timer would outlive the run).
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, started + 7_000 + 50 - Date.now())));
  });
});

describe('what calls to auth and the ledger carry', () => {
  test("the caller's request id, and no more time than the caller still waits", async () => {
    const userId = registerUser(h);
    const category = createCategory(h, userId);
    const budget = await createBudget(h, userId, { categoryId: category.id });
    h.auth.calls.length = 0;
    h.ledger.calls.length = 0;
    // A deadline shorter than budgeting's own for either service: only forwarding it keeps the calls within it.
    await h.client.getBudget({ userId, id: budget.id, date: undefined }, { requestId: 'req-budgeting-1', deadlineMs: 1_500 });
    await h.client.createBudget(newBudget(userId, { categoryId: category.id }), { requestId: 'req-budgeting-2', deadlineMs: 1_200 });
    const calls = [...h.auth.calls, ...h.ledger.calls].map((c) => ({ rpc: c.rpc, requestId: c.requestId, withinDeadline: c.remainingMs > 0 && c.remainingMs <= (c.requestId === 'req-budgeting-1' ? 1_500 : 1_200) }));
    expect(calls).toEqual(
      expect.arrayContaining([
        { rpc: 'getUser', requestId: 'req-budgeting-1', withinDeadline: true },
        { rpc: 'sumTransactions', requestId: 'req-budgeting-1', withinDeadline: true },
        { rpc: 'getCategory', requestId: 'req-budgeting-2', withinDeadline: true },
      ]),
    );
    expect(calls.every((c) => c.withinDeadline && c.requestId.startsWith('req-budgeting-'))).toBe(true);
  });
});

test('MONTHLY is the proto enum the gateway sends', () => {
  expect(MONTHLY).toBe(3);
  expect(iso(date('2026-01-02'))).toBe('2026-01-02');
});
