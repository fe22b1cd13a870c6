import { randomUUID } from 'node:crypto';
import { status } from '@grpc/grpc-js';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { budgetingV1 } from '@finance/proto';
import { waitFor } from '@finance/testing';
import { allCalls, BudgetStatus, categoryPage, categoryRow, date, iso, range, rejected, startReportingHarness, stubError, wireMoney, type ReportingHarness } from './helpers.js';

// GetBudgetStatus against a scripted budgeting stub (budgeting's analysis is budgeting's tests'; the
// same figures through the real budgeting are e2e's), and how reporting answers when a service it
// calls is away, failing or slow.

let h: ReportingHarness;

beforeAll(async () => {
  h = await startReportingHarness();
});

beforeEach(() => h.reset());

afterEach(() => {
  expect(h.unscripted()).toEqual([]);
});

afterAll(async () => {
  await h?.close();
});

const { BUDGET_PERIOD_MONTHLY: MONTHLY, BUDGET_PERIOD_WEEKLY: WEEKLY } = budgetingV1.BudgetPeriod;
const { BUDGET_STATUS_OVER: OVER, BUDGET_STATUS_UNDER: UNDER } = budgetingV1.BudgetStatus;

/** One item of budgeting's GetBudgetStatus. */
function budgetItem(
  b: { name: string; amount: string; currency?: string; categoryId?: string; period?: budgetingV1.BudgetPeriod },
  a: { spent: string; remaining: string; percentUsed: string; status: budgetingV1.BudgetStatus; from: string; to: string; excluded?: string[] },
): budgetingV1.BudgetStatusItem {
  const currency = b.currency ?? 'USD';
  return {
    budget: {
      id: randomUUID(),
      name: b.name,
      amount: wireMoney(b.amount, currency),
      period: b.period ?? MONTHLY,
      startDate: date('2026-01-01'),
      endDate: undefined,
      ...(b.categoryId ? { categoryId: b.categoryId } : {}),
      createdAt: new Date('2026-01-01T00:00:00Z'),
      updatedAt: new Date('2026-01-01T00:00:00Z'),
    },
    analysis: {
      periodStart: date(a.from),
      periodEnd: date(a.to),
      spent: wireMoney(a.spent, currency),
      remaining: wireMoney(a.remaining, currency),
      percentUsed: a.percentUsed,
      status: a.status,
      dailyAverage: wireMoney('0', currency),
      projectedSpend: wireMoney('0', currency),
      daysInPeriod: 31,
      daysElapsed: 11,
      history: [],
      excludedCurrencies: a.excluded ?? [],
    },
  };
}

describe('GetBudgetStatus', () => {
  test("every active budget, flattened from budgeting's own analysis, in its order, with the date", async () => {
    const userId = h.user();
    const food = randomUUID();
    const all = budgetItem({ name: 'All', amount: '5000' }, { spent: '5250', remaining: '-250', percentUsed: '105.00', status: OVER, from: '2026-03-01', to: '2026-03-31', excluded: ['EUR'] });
    const foodBudget = budgetItem(
      { name: 'Food', amount: '2000', categoryId: food, period: WEEKLY },
      { spent: '1250', remaining: '750', percentUsed: '62.50', status: UNDER, from: '2026-03-09', to: '2026-03-15' },
    );
    const euro = budgetItem({ name: 'Euro', amount: '10000', currency: 'EUR' }, { spent: '300', remaining: '9700', percentUsed: '3.00', status: UNDER, from: '2026-03-01', to: '2026-03-31', excluded: ['USD'] });
    // An item without an analysis (not active on the date after all) has no status: left out.
    const noAnalysis = { ...budgetItem({ name: 'Ended', amount: '100' }, { spent: '0', remaining: '100', percentUsed: '0.00', status: UNDER, from: '2026-03-01', to: '2026-03-31' }), analysis: undefined };
    h.budgeting.answer('getBudgetStatus', { date: date('2026-03-11'), items: [all, foodBudget, noAnalysis, euro] });

    const ours = await h.client.getBudgetStatus({ userId, date: date('2026-03-11') });

    expect(h.budgeting.lastRequest('getBudgetStatus')).toEqual({ userId, date: date('2026-03-11') });
    expect(ours).toEqual({
      date: date('2026-03-11'),
      items: [
        {
          budgetId: all.budget!.id,
          name: 'All',
          amount: wireMoney('5000'),
          spent: wireMoney('5250'),
          remaining: wireMoney('-250'),
          percentUsed: '105.00',
          status: BudgetStatus.BUDGET_STATUS_OVER,
          periodStart: date('2026-03-01'),
          periodEnd: date('2026-03-31'),
          excludedCurrencies: ['EUR'],
        },
        {
          budgetId: foodBudget.budget!.id,
          name: 'Food',
          categoryId: food,
          amount: wireMoney('2000'),
          spent: wireMoney('1250'),
          remaining: wireMoney('750'),
          percentUsed: '62.50',
          status: BudgetStatus.BUDGET_STATUS_UNDER,
          periodStart: date('2026-03-09'),
          periodEnd: date('2026-03-15'),
          excludedCurrencies: [],
        },
        {
          budgetId: euro.budget!.id,
          name: 'Euro',
          amount: wireMoney('10000', 'EUR'),
          spent: wireMoney('300', 'EUR'),
          remaining: wireMoney('9700', 'EUR'),
          percentUsed: '3.00',
          status: BudgetStatus.BUDGET_STATUS_UNDER,
          periodStart: date('2026-03-01'),
          periodEnd: date('2026-03-31'),
          excludedCurrencies: ['USD'],
        },
      ],
    });
    // Budgeting asks auth and the ledger itself: reporting asks nobody else.
    expect(allCalls(h).map((c) => c.rpc)).toEqual(['getBudgetStatus']);
  });

  test("without a date: budgeting is asked for today (in the user's zone, which it resolves) and the day it took is echoed", async () => {
    const userId = h.user();
    h.budgeting.answer('getBudgetStatus', { date: date('2026-04-01'), items: [] });
    const r = await h.client.getBudgetStatus({ userId, date: undefined });
    expect(h.budgeting.lastRequest('getBudgetStatus')).toEqual({ userId, date: undefined });
    expect(iso(r.date)).toBe('2026-04-01');
  });

  test('no budgets: an empty list, still with the date (the one asked when budgeting names none)', async () => {
    const userId = h.user();
    h.budgeting.answer('getBudgetStatus', { items: [] });
    expect(await h.client.getBudgetStatus({ userId, date: date('2026-01-01') })).toEqual({ date: date('2026-01-01'), items: [] });
  });

  test('bad input is INVALID_ARGUMENT (422) on its field, and budgeting is not asked', async () => {
    const userId = h.user();
    expect(await rejected(h.client.getBudgetStatus({ userId, date: date('2026-02-30') }))).toMatchObject({
      status: status.INVALID_ARGUMENT,
      httpStatus: 422,
      code: 'REPORTING_INVALID_FIELDS',
      errors: [{ path: 'date' }],
    });
    expect(await rejected(h.client.getBudgetStatus({ userId: 'nobody', date: undefined }))).toMatchObject({ httpStatus: 422, errors: [{ path: 'user_id' }] });
    expect(allCalls(h)).toEqual([]);
  });

  test('a user budgeting no longer knows (it asks auth for the zone): UNAUTHENTICATED (401)', async () => {
    const userId = h.user();
    h.budgeting.fail('getBudgetStatus', stubError('unauthenticated', 'BUDGETING_USER_NOT_FOUND', 'The account of this request no longer exists.'));
    expect(await rejected(h.client.getBudgetStatus({ userId, date: undefined }))).toMatchObject({
      status: status.UNAUTHENTICATED,
      httpStatus: 401,
      code: 'REPORTING_USER_NOT_FOUND',
    });
  });

  test("budgeting's spending too large to report: REPORTING_SUM_TOO_LARGE (409)", async () => {
    const userId = h.user();
    h.budgeting.fail('getBudgetStatus', stubError('failed_precondition', 'BUDGETING_SUM_TOO_LARGE'));
    expect(await rejected(h.client.getBudgetStatus({ userId, date: date('2026-03-01') }))).toMatchObject({
      status: status.FAILED_PRECONDITION,
      httpStatus: 409,
      code: 'REPORTING_SUM_TOO_LARGE',
    });
  });

  test("the call to budgeting carries the caller's request id and at most the caller's remaining time", async () => {
    const userId = h.user();
    h.budgeting.answer('getBudgetStatus', { items: [] });
    const requestId = `req-${randomUUID()}`;
    await h.client.getBudgetStatus({ userId, date: date('2026-03-01') }, { requestId, deadlineMs: 2_000 });
    const [call] = h.budgeting.callsOf('getBudgetStatus');
    expect(call!.requestId).toBe(requestId);
    expect(call!.remainingMs).toBeLessThanOrEqual(2_000);
    expect(call!.remainingMs).toBeGreaterThan(1_000);
  });
});

describe('a service that is away or failing is UNAVAILABLE (503) under its own code, and reporting recovers when it is back', () => {
  const spending = (userId: string) => h.client.getSpending({ userId, ...range('2026-03-01', '2026-03-31') });
  const budgetStatus = (userId: string) => h.client.getBudgetStatus({ userId, date: date('2026-03-01') });
  /** Auth knows the user, the ledger and budgeting answer: every report works. */
  const allWell = () => {
    h.ledger.answer('sumTransactions', { rows: [categoryRow(undefined, '100', 'USD', 1)] }).answer('listCategories', categoryPage([]));
    h.budgeting.answer('getBudgetStatus', { items: [] });
  };

  test('budgeting unreachable: GetBudgetStatus fails; the other reports still answer', async () => {
    const userId = h.user();
    allWell();
    await budgetStatus(userId);
    h.proxies.budgeting.cut();
    try {
      expect(await rejected(budgetStatus(userId))).toMatchObject({ status: status.UNAVAILABLE, httpStatus: 503, code: 'BUDGETING_UNAVAILABLE' });
      await expect(spending(userId)).resolves.toBeTruthy();
    } finally {
      h.proxies.budgeting.restore();
    }
    await waitFor(() => budgetStatus(userId), { timeoutMs: 10_000, message: 'budgeting to be reachable again' });
  });

  test("the ledger unreachable: spending and income vs expense fail on the ledger; budget status passes on budgeting's own LEDGER_UNAVAILABLE, asked once", async () => {
    const userId = h.user();
    allWell();
    await spending(userId);
    h.proxies.ledger.cut();
    // Budgeting, behind which the ledger is down too, says so with its code: a verdict, not retried.
    h.budgeting.fail('getBudgetStatus', stubError('unavailable', 'LEDGER_UNAVAILABLE', 'The ledger service did not answer; try again shortly.'));
    try {
      const ledgerAway = { status: status.UNAVAILABLE, httpStatus: 503, code: 'LEDGER_UNAVAILABLE' };
      expect(await rejected(spending(userId))).toMatchObject(ledgerAway);
      expect(await rejected(h.client.getIncomeVsExpense({ userId, ...range('2026-03-01', '2026-03-31'), interval: 0 }))).toMatchObject(ledgerAway);
      expect(await rejected(budgetStatus(userId))).toMatchObject(ledgerAway);
      expect(h.budgeting.callsOf('getBudgetStatus')).toHaveLength(1);
    } finally {
      h.proxies.ledger.restore();
    }
    await waitFor(() => spending(userId), { timeoutMs: 10_000, message: 'the ledger to be reachable again' });
  });

  test('auth unreachable: spending fails on auth (the base currency is needed)', async () => {
    const userId = h.user();
    allWell();
    await spending(userId);
    h.proxies.auth.cut();
    try {
      expect(await rejected(spending(userId))).toMatchObject({ status: status.UNAVAILABLE, httpStatus: 503, code: 'AUTH_UNAVAILABLE' });
    } finally {
      h.proxies.auth.restore();
    }
    await waitFor(() => spending(userId), { timeoutMs: 10_000, message: 'auth to be reachable again' });
  });

  test('an internal fault of the ledger is LEDGER_UNAVAILABLE (503), without its text, and not sent again', async () => {
    const userId = h.user();
    h.ledger.answer('listCategories', categoryPage([]));
    h.ledger.fail('sumTransactions', new Error('the disk is on fire'));
    const failure = await spending(userId).catch((err: unknown) => err);
    expect(await rejected(Promise.reject(failure))).toMatchObject({ status: status.UNAVAILABLE, httpStatus: 503, code: 'LEDGER_UNAVAILABLE' });
    expect(String((failure as Error).message)).not.toMatch(/disk|fire/);
    expect(h.ledger.callsOf('sumTransactions')).toHaveLength(1);
  });

  test('a read whose connection drops is sent again, and the caller gets the answer', async () => {
    const userId = h.user();
    allWell();
    let dropped = false;
    h.ledger.on('sumTransactions', () => {
      if (!dropped) {
        dropped = true;
        // The connection goes away with this call in flight; new ones are accepted again at once.
        h.proxies.ledger.cut();
        h.proxies.ledger.restore();
      }
      return { rows: [categoryRow(undefined, '100', 'USD', 1)] };
    });
    expect((await spending(userId)).total).toEqual(wireMoney('100'));
    expect(h.ledger.callsOf('sumTransactions')).toHaveLength(2);
  });

  test('a service too slow is <SERVICE>_DEADLINE_EXCEEDED (504), without waiting for it', async () => {
    const userId = h.user();
    allWell();
    h.auth.delayMs = 8_000;
    const started = Date.now();
    expect(await rejected(spending(userId))).toMatchObject({ status: status.DEADLINE_EXCEEDED, httpStatus: 504, code: 'AUTH_DEADLINE_EXCEEDED' });
    expect(Date.now() - started).toBeLessThan(8_000);
    // A deadline, not a refusal: sent once, with reporting's own limit for auth (3 s) though the caller waits 15 s.
    const calls = h.auth.callsOf('getUser');
    expect(calls).toHaveLength(1);
    expect(calls[0]!.remainingMs).toBeLessThanOrEqual(3_000);
  }, 20_000);
});
