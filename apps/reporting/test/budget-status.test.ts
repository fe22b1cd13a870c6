import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { budgetingV1, type reportingV1 } from '@finance/proto';
import { waitFor } from '@finance/testing';
import { BudgetStatus, createCategory, date, iso, recordTransaction, registerUser, rejected, startReportingHarness, updateProfile, type ReportingHarness } from './helpers.js';

let h: ReportingHarness;

beforeAll(async () => {
  h = await startReportingHarness();
});

afterAll(async () => {
  await h?.close();
});

const MONTHLY = budgetingV1.BudgetPeriod.BUDGET_PERIOD_MONTHLY;
const WEEKLY = budgetingV1.BudgetPeriod.BUDGET_PERIOD_WEEKLY;

async function createBudget(userId: string, overrides: Partial<budgetingV1.CreateBudgetRequest> = {}) {
  const { budget } = await h.budgetingClient.createBudget({
    userId,
    amount: '100.00',
    period: MONTHLY,
    startDate: date('2026-01-01'),
    endDate: undefined,
    currency: 'USD',
    ...overrides,
  });
  return budget!;
}

/** Budgeting's item flattened by hand: what reporting must answer for it. */
function flattened(item: budgetingV1.BudgetStatusItem): reportingV1.BudgetStatusItem {
  const { budget, analysis } = item;
  return {
    budgetId: budget!.id,
    name: budget!.name,
    ...(budget!.categoryId === undefined ? {} : { categoryId: budget!.categoryId }),
    amount: budget!.amount,
    spent: analysis!.spent,
    remaining: analysis!.remaining,
    percentUsed: analysis!.percentUsed,
    // The two enums have the same numbers; spelled out so that a change shows here.
    status: analysis!.status === budgetingV1.BudgetStatus.BUDGET_STATUS_OVER ? BudgetStatus.BUDGET_STATUS_OVER : BudgetStatus.BUDGET_STATUS_UNDER,
    periodStart: analysis!.periodStart,
    periodEnd: analysis!.periodEnd,
    excludedCurrencies: analysis!.excludedCurrencies,
  };
}

describe('GetBudgetStatus', () => {
  test("every active budget, flattened from budgeting's own analysis, in its order, with the date", async () => {
    const userId = await registerUser(h);
    const food = await createCategory(h, userId, 'Food');
    await createBudget(userId, { name: 'All', amount: '50.00' });
    await createBudget(userId, { categoryId: food.id, amount: '20.00', period: WEEKLY, startDate: date('2026-03-02') });
    await createBudget(userId, { name: 'Ended', endDate: date('2026-02-28') });
    await createBudget(userId, { name: 'Euro', currency: 'EUR' });
    await recordTransaction(h, userId, '12.50', '2026-03-10', { categoryId: food.id });
    await recordTransaction(h, userId, '40.00', '2026-03-11');
    await recordTransaction(h, userId, '3.00', '2026-03-11', { currency: 'EUR' });

    const theirs = await h.budgetingClient.getBudgetStatus({ userId, date: date('2026-03-11') });
    const ours = await h.client.getBudgetStatus({ userId, date: date('2026-03-11') });

    expect(ours).toEqual({ date: date('2026-03-11'), items: theirs.items.map(flattened) });
    // And what that is, so that the comparison above cannot pass on two empty lists.
    expect(ours.items.map((i) => [i.name, i.categoryId ?? null, i.spent!.minorUnits, i.remaining!.minorUnits, i.percentUsed, i.status, iso(i.periodStart), iso(i.periodEnd), i.excludedCurrencies])).toEqual([
      ['All', null, '5250', '-250', '105.00', BudgetStatus.BUDGET_STATUS_OVER, '2026-03-01', '2026-03-31', ['EUR']],
      // The EUR expense is uncategorized: not one of Food's, so not listed there.
      ['Food', food.id, '1250', '750', '62.50', BudgetStatus.BUDGET_STATUS_UNDER, '2026-03-09', '2026-03-15', []],
      ['Euro', null, '300', '9700', '3.00', BudgetStatus.BUDGET_STATUS_UNDER, '2026-03-01', '2026-03-31', ['USD']],
    ]);
  });

  test('without a date: today in the user\'s time zone, as budgeting resolved it, is echoed', async () => {
    h.setNow(new Date('2026-03-31T20:30:00Z')); // already April 1st on Kiritimati (UTC+14)
    try {
      const utcUser = await registerUser(h);
      const kiritimatiUser = await registerUser(h);
      await updateProfile(h, kiritimatiUser, { timezone: 'Pacific/Kiritimati' });
      for (const userId of [utcUser, kiritimatiUser]) await createBudget(userId, { name: 'april', startDate: date('2026-04-01') });

      const utc = await h.client.getBudgetStatus({ userId: utcUser, date: undefined });
      const kiritimati = await h.client.getBudgetStatus({ userId: kiritimatiUser, date: undefined });

      expect({ date: iso(utc.date), items: utc.items.length }).toEqual({ date: '2026-03-31', items: 0 });
      expect({ date: iso(kiritimati.date), items: kiritimati.items.map((i) => i.name) }).toEqual({ date: '2026-04-01', items: ['april'] });
    } finally {
      h.setNow(undefined);
    }
  });

  test('no budgets: an empty list, still with the date', async () => {
    const userId = await registerUser(h);
    expect(await h.client.getBudgetStatus({ userId, date: date('2026-01-01') })).toEqual({ date: date('2026-01-01'), items: [] });
  });

  test('bad input is INVALID_ARGUMENT (422) on its field', async () => {
    const userId = await registerUser(h);
    expect(await rejected(h.client.getBudgetStatus({ userId, date: date('2026-02-30') }))).toMatchObject({
      status: status.INVALID_ARGUMENT,
      httpStatus: 422,
      code: 'REPORTING_INVALID_FIELDS',
      errors: [{ path: 'date' }],
    });
    expect(await rejected(h.client.getBudgetStatus({ userId: 'nobody', date: undefined }))).toMatchObject({ httpStatus: 422, errors: [{ path: 'user_id' }] });
  });

  test('a user auth no longer knows, without a date (budgeting must ask auth for the zone): UNAUTHENTICATED (401)', async () => {
    const userId = await registerUser(h);
    await h.authClient.deleteUser({ userId });
    expect(await rejected(h.client.getBudgetStatus({ userId, date: undefined }))).toMatchObject({ status: status.UNAUTHENTICATED, code: 'REPORTING_USER_NOT_FOUND' });
  });
});

describe('a service that is away is UNAVAILABLE (503), and reporting recovers when it is back', () => {
  test('budgeting cut: GetBudgetStatus fails; the other reports still answer', async () => {
    const userId = await registerUser(h);
    await h.client.getBudgetStatus({ userId, date: date('2026-03-01') });
    h.budgetingProxy.cut();
    try {
      expect(await rejected(h.client.getBudgetStatus({ userId, date: date('2026-03-01') }))).toMatchObject({
        status: status.UNAVAILABLE,
        httpStatus: 503,
        code: 'REPORTING_BUDGETING_UNAVAILABLE',
      });
      await expect(h.client.getSpending({ userId, from: date('2026-03-01'), to: date('2026-03-31') })).resolves.toBeTruthy();
    } finally {
      h.budgetingProxy.restore();
    }
    await waitFor(() => h.client.getBudgetStatus({ userId, date: date('2026-03-01') }), { timeoutMs: 10_000, message: 'budgeting to be reachable again' });
  });

  test('the ledger cut: spending and income vs expense fail on the ledger; budget status on budgeting (which lost the ledger too)', async () => {
    const userId = await registerUser(h);
    await createBudget(userId);
    const spending = () => h.client.getSpending({ userId, from: date('2026-03-01'), to: date('2026-03-31') });
    await spending();
    h.ledgerProxy.cut();
    try {
      const ledgerAway = { status: status.UNAVAILABLE, httpStatus: 503, code: 'REPORTING_LEDGER_UNAVAILABLE' };
      expect(await rejected(spending())).toMatchObject(ledgerAway);
      expect(await rejected(h.client.getIncomeVsExpense({ userId, from: date('2026-03-01'), to: date('2026-03-31'), interval: 0 }))).toMatchObject(ledgerAway);
      expect(await rejected(h.client.getBudgetStatus({ userId, date: date('2026-03-01') }))).toMatchObject({ status: status.UNAVAILABLE, code: 'REPORTING_BUDGETING_UNAVAILABLE' });
    } finally {
      h.ledgerProxy.restore();
    }
    await waitFor(spending, { timeoutMs: 10_000, message: 'the ledger to be reachable again' });
  });

  test('auth cut: spending fails on auth (the base currency is needed)', async () => {
    const userId = await registerUser(h);
    const spending = () => h.client.getSpending({ userId, from: date('2026-03-01'), to: date('2026-03-31') });
    await spending();
    h.authProxy.cut();
    try {
      expect(await rejected(spending())).toMatchObject({ status: status.UNAVAILABLE, httpStatus: 503, code: 'REPORTING_AUTH_UNAVAILABLE' });
    } finally {
      h.authProxy.restore();
    }
    await waitFor(spending, { timeoutMs: 10_000, message: 'auth to be reachable again' });
  });
});
