import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { budgetingV1, ledgerV1, reportingV1 } from '@finance/proto';
import { bearer, startTestGateway, type TestGateway } from './support/gateway.js';
import { expectProblem, type Res } from './support/problems.js';
import { upstreamFailureTests } from './support/upstream-failures.js';

const { Interval } = reportingV1;
const { TransactionType } = ledgerV1;

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(async () => {
  await gw.close();
});

let userId: string;
let token: string;
beforeEach(async () => {
  const seeded = await gw.fake.seedUser();
  userId = seeded.user.id;
  token = seeded.token;
});


const SPENDING_KEYS = ['currency', 'excluded_currencies', 'from', 'items', 'to', 'total'];
const SPENDING_ITEM_KEYS = ['category_id', 'category_name', 'count', 'total'];
const INCOME_VS_EXPENSE_KEYS = ['currency', 'excluded_currencies', 'from', 'interval', 'items', 'to', 'totals'];
const INTERVAL_ITEM_KEYS = ['expense', 'income', 'net', 'period_end', 'period_start'];
const STATUS_KEYS = [
  'amount',
  'budget_id',
  'category_id',
  'currency',
  'excluded_currencies',
  'name',
  'percent_used',
  'period_end',
  'period_start',
  'remaining',
  'spent',
  'status',
];

const get = (url: string, t = token, headers: Record<string, string> = {}) => gw.app.inject({ method: 'GET', url, headers: { ...bearer(t), ...headers } });


/** A 422 naming exactly these fields, decided by the gateway: the reporting service was not asked. */
async function expectRefusedByGateway(send: () => Promise<Res>, paths: string[]) {
  const before = gw.reporting.calls.length;
  const body = expectProblem(await send(), 422, 'VALIDATION_FAILED');
  expect((body.errors as { path: string }[]).map((e) => e.path).sort()).toEqual([...paths].sort());
  for (const error of body.errors) expect(error.message).toEqual(expect.any(String));
  expect(gw.reporting.calls).toHaveLength(before);
  return body;
}

const transaction = (type: 'income' | 'expense', amount: string, date: string, fields: { categoryId?: string; currency?: string; user?: string } = {}) =>
  gw.ledger.seedTransaction(fields.user ?? userId, {
    amount,
    date,
    type: type === 'income' ? TransactionType.TRANSACTION_TYPE_INCOME : TransactionType.TRANSACTION_TYPE_EXPENSE,
    ...(fields.categoryId ? { categoryId: fields.categoryId } : {}),
    ...(fields.currency ? { currency: fields.currency } : {}),
  });

describe('GET /analytics/spending', () => {
  it('sends the range to GetSpending and answers exactly the documented fields: per category, uncategorized as null, count a JSON integer', async () => {
    const food = gw.ledger.seedCategory(userId, { name: 'Food' });
    const fun = gw.ledger.seedCategory(userId, { name: 'Fun' });
    for (const date of ['2026-03-01', '2026-03-05', '2026-03-31']) transaction('expense', '0.10', date, { categoryId: food.id });
    transaction('expense', '12.5', '2026-03-10', { categoryId: fun.id });
    transaction('expense', '5', '2026-03-11');
    transaction('income', '1000', '2026-03-12', { categoryId: food.id });
    transaction('expense', '99', '2026-04-01', { categoryId: food.id });
    transaction('expense', '7', '2026-03-13', { currency: 'EUR' });
    transaction('expense', '700', '2026-03-14', { currency: 'JPY' });
    const stranger = await gw.fake.seedUser();
    transaction('expense', '50', '2026-03-15', { user: stranger.user.id });

    const res = await get('/analytics/spending?from=2026-03-01&to=2026-03-31');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(gw.reporting.lastRequest('getSpending')).toEqual({ userId, from: { year: 2026, month: 3, day: 1 }, to: { year: 2026, month: 3, day: 31 } });
    const body = res.json();
    expect(Object.keys(body).sort()).toEqual(SPENDING_KEYS);
    for (const item of body.items) expect(Object.keys(item).sort()).toEqual(SPENDING_ITEM_KEYS);
    expect(body).toEqual({
      from: '2026-03-01',
      to: '2026-03-31',
      currency: 'USD',
      total: '17.80',
      items: [
        { category_id: fun.id, category_name: 'Fun', total: '12.50', count: 1 },
        { category_id: null, category_name: null, total: '5.00', count: 1 },
        { category_id: food.id, category_name: 'Food', total: '0.30', count: 3 },
      ],
      excluded_currencies: ['EUR', 'JPY'],
    });
    expect(typeof body.items[2].count).toBe('number');
  });

  it('amounts have the base currency’s decimals (JPY none); an empty range is a zero total and no items', async () => {
    gw.fake.users.get(userId)!.user.baseCurrency = 'JPY';
    transaction('expense', '1200', '2026-05-05', { currency: 'JPY' });
    expect((await get('/analytics/spending?from=2026-05-01&to=2026-05-31')).json()).toMatchObject({
      currency: 'JPY',
      total: '1200',
      items: [{ category_id: null, category_name: null, total: '1200', count: 1 }],
      excluded_currencies: [],
    });
    expect((await get('/analytics/spending?from=2026-06-01&to=2026-06-01')).json()).toEqual({
      from: '2026-06-01',
      to: '2026-06-01',
      currency: 'JPY',
      total: '0',
      items: [],
      excluded_currencies: [],
    });
  });

  it('a one-day range is fine; unknown query parameters are ignored', async () => {
    const res = await get('/analytics/spending?from=2026-03-01&to=2026-03-01&user_id=someone&interval=nonsense');
    expect(res.statusCode).toBe(200);
    expect(gw.reporting.lastRequest('getSpending')).toEqual({ userId, from: { year: 2026, month: 3, day: 1 }, to: { year: 2026, month: 3, day: 1 } });
  });

  it.each([
    ['no from', 'to=2026-03-31', ['from']],
    ['no to', 'from=2026-03-01', ['to']],
    ['neither', '', ['from', 'to']],
    ['from 2026-02-30', 'from=2026-02-30&to=2026-03-31', ['from']],
    ['to 2025-02-29 (not a leap year)', 'from=2025-01-01&to=2025-02-29', ['to']],
    ['from 2026-3-1', 'from=2026-3-1&to=2026-03-31', ['from']],
    ['from with a time', 'from=2026-03-01T00:00:00Z&to=2026-03-31', ['from']],
    ['from empty', 'from=&to=2026-03-31', ['from']],
    ['to "today"', 'from=2026-03-01&to=today', ['to']],
    ['from 0000-01-01', 'from=0000-01-01&to=2026-03-31', ['from']],
    ['from given twice', 'from=2026-03-01&from=2026-03-02&to=2026-03-31', ['from']],
    ['both malformed', 'from=03/01/2026&to=2026-13-01', ['from', 'to']],
  ])('422 for %s, naming the field, before any RPC', async (_name, query, paths) => {
    await expectRefusedByGateway(() => get(`/analytics/spending?${query}`), paths);
  });

  it('from after to: the reporting service’s 422 passes through with its code, message and field', async () => {
    const res = await get('/analytics/spending?from=2026-03-02&to=2026-03-01');
    const body = expectProblem(res, 422, 'REPORTING_INVALID_FIELDS');
    expect(body.detail).toBe('from: must not be after to');
    expect(body.errors).toEqual([{ path: 'from', message: 'must not be after to' }]);
    expect(gw.reporting.callsOf('getSpending')).not.toHaveLength(0);
  });
});

describe('GET /analytics/income-vs-expense', () => {
  it('default interval month: every month overlapping the range, zeros included; totals; net negative when more went out', async () => {
    transaction('income', '2000', '2026-01-20');
    transaction('expense', '0.10', '2026-01-14'); // before `from`: not counted, although its month is listed
    transaction('expense', '150.25', '2026-01-31');
    transaction('expense', '2500', '2026-03-10');
    transaction('expense', '1', '2026-03-11'); // after `to`
    transaction('income', '30', '2026-03-01', { currency: 'EUR' });
    const stranger = await gw.fake.seedUser();
    transaction('income', '999', '2026-02-02', { user: stranger.user.id });

    const res = await get('/analytics/income-vs-expense?from=2026-01-15&to=2026-03-10');
    expect(res.statusCode).toBe(200);
    expect(gw.reporting.lastRequest('getIncomeVsExpense')).toEqual({
      userId,
      from: { year: 2026, month: 1, day: 15 },
      to: { year: 2026, month: 3, day: 10 },
      interval: Interval.INTERVAL_MONTH,
    });
    const body = res.json();
    expect(Object.keys(body).sort()).toEqual(INCOME_VS_EXPENSE_KEYS);
    for (const item of body.items) expect(Object.keys(item).sort()).toEqual(INTERVAL_ITEM_KEYS);
    expect(body).toEqual({
      from: '2026-01-15',
      to: '2026-03-10',
      interval: 'month',
      currency: 'USD',
      items: [
        { period_start: '2026-01-01', period_end: '2026-01-31', income: '2000.00', expense: '150.25', net: '1849.75' },
        { period_start: '2026-02-01', period_end: '2026-02-28', income: '0.00', expense: '0.00', net: '0.00' },
        { period_start: '2026-03-01', period_end: '2026-03-31', income: '0.00', expense: '2500.00', net: '-2500.00' },
      ],
      totals: { income: '2000.00', expense: '2650.25', net: '-650.25' },
      excluded_currencies: ['EUR'],
    });
  });

  it.each([
    ['day', Interval.INTERVAL_DAY, [['2026-03-07', '2026-03-07'], ['2026-03-08', '2026-03-08'], ['2026-03-09', '2026-03-09']]],
    ['week', Interval.INTERVAL_WEEK, [['2026-03-02', '2026-03-08'], ['2026-03-09', '2026-03-15']]],
    ['month', Interval.INTERVAL_MONTH, [['2026-03-01', '2026-03-31']]],
    ['year', Interval.INTERVAL_YEAR, [['2026-01-01', '2026-12-31']]],
  ] as const)('interval=%s travels as its enum value and comes back by name, with its periods', async (interval, value, periods) => {
    // 2026-03-07 is a Saturday: its week started on Monday 2026-03-02.
    const res = await get(`/analytics/income-vs-expense?from=2026-03-07&to=2026-03-09&interval=${interval}`);
    expect(res.statusCode).toBe(200);
    expect(gw.reporting.lastRequest<reportingV1.GetIncomeVsExpenseRequest>('getIncomeVsExpense').interval).toBe(value);
    const body = res.json();
    expect(body.interval).toBe(interval);
    expect(body.items.map((i: { period_start: string; period_end: string }) => [i.period_start, i.period_end])).toEqual(periods);
  });

  it('amounts in a base currency with 3 decimals (KWD)', async () => {
    gw.fake.users.get(userId)!.user.baseCurrency = 'KWD';
    transaction('income', '1.5', '2026-03-03', { currency: 'KWD' });
    transaction('expense', '2.25', '2026-03-04', { currency: 'KWD' });
    const body = (await get('/analytics/income-vs-expense?from=2026-03-01&to=2026-03-31&interval=year')).json();
    expect(body).toMatchObject({
      currency: 'KWD',
      items: [{ period_start: '2026-01-01', period_end: '2026-12-31', income: '1.500', expense: '2.250', net: '-0.750' }],
      totals: { income: '1.500', expense: '2.250', net: '-0.750' },
    });
  });

  it.each([
    ['interval=weekly', 'from=2026-03-01&to=2026-03-31&interval=weekly', ['interval']],
    ['interval=Month', 'from=2026-03-01&to=2026-03-31&interval=Month', ['interval']],
    ['interval=hour', 'from=2026-03-01&to=2026-03-31&interval=hour', ['interval']],
    ['interval empty', 'from=2026-03-01&to=2026-03-31&interval=', ['interval']],
    ['interval=3', 'from=2026-03-01&to=2026-03-31&interval=3', ['interval']],
    ['no from and no to', 'interval=day', ['from', 'to']],
    ['a bad date and a bad interval', 'from=2026-02-30&to=2026-03-31&interval=fortnight', ['from', 'interval']],
  ])('422 for %s, naming the field, before any RPC', async (_name, query, paths) => {
    const body = await expectRefusedByGateway(() => get(`/analytics/income-vs-expense?${query}`), paths);
    if (paths.includes('interval')) expect(body.errors.find((e: { path: string }) => e.path === 'interval').message).toMatch(/day, week, month, year/);
  });

  it('the reporting service’s 422 passes through: from after to, and a range with too many intervals (ten years by day)', async () => {
    const reversed = expectProblem(await get('/analytics/income-vs-expense?from=2026-03-02&to=2026-03-01&interval=day'), 422, 'REPORTING_INVALID_FIELDS');
    expect(reversed.errors).toEqual([{ path: 'from', message: 'must not be after to' }]);

    const tooLong = expectProblem(await get('/analytics/income-vs-expense?from=2016-01-01&to=2025-12-31&interval=day'), 422, 'REPORTING_TOO_MANY_INTERVALS');
    const message =
      '2016-01-01 to 2025-12-31 spans 3,653 daily intervals, more than the 1,000 one report may have: choose a longer interval (week: 523 intervals) or a shorter range.';
    expect(tooLong.detail).toBe(message);
    expect(tooLong.errors).toEqual([{ path: 'interval', message }]);
    // The same range by month is fine.
    expect((await get('/analytics/income-vs-expense?from=2016-01-01&to=2025-12-31')).json().items).toHaveLength(120);
  });
});

describe('GET /analytics/budget-status (reporting’s GetBudgetStatus)', () => {
  it('every budget active on ?date with exactly the documented fields; amounts in each budget’s currency', async () => {
    const category = gw.ledger.seedCategory(userId);
    const food = gw.budgeting.seedBudget(userId, { amount: '20.00', categoryId: category.id, startDate: '2026-03-01', name: 'Food' });
    const all = gw.budgeting.seedBudget(userId, {
      amount: '1000',
      currency: 'JPY',
      period: budgetingV1.BudgetPeriod.BUDGET_PERIOD_WEEKLY,
      startDate: '2026-03-02',
      name: 'Everything',
    });
    gw.budgeting.seedBudget(userId, { startDate: '2026-04-01', name: 'Not yet' });
    gw.budgeting.seedBudget(userId, { startDate: '2026-01-01', endDate: '2026-02-28', name: 'Ended' });
    const stranger = await gw.fake.seedUser();
    gw.budgeting.seedBudget(stranger.user.id, { startDate: '2026-03-01', name: 'Theirs' });
    transaction('expense', '25.50', '2026-03-09', { categoryId: category.id });
    transaction('expense', '400', '2026-03-10', { currency: 'JPY' });

    const budgetingCalls = gw.budgeting.calls.length;
    const res = await get('/analytics/budget-status?date=2026-03-10');
    expect(res.statusCode).toBe(200);
    expect(gw.reporting.lastRequest('getBudgetStatus')).toEqual({ userId, date: { year: 2026, month: 3, day: 10 } });
    // Served by reporting, not by the budgeting service directly.
    expect(gw.budgeting.calls).toHaveLength(budgetingCalls);
    const body = res.json();
    expect(Object.keys(body).sort()).toEqual(['date', 'items']);
    for (const item of body.items) expect(Object.keys(item).sort()).toEqual(STATUS_KEYS);
    expect(body).toEqual({
      date: '2026-03-10',
      items: [
        {
          budget_id: food.id,
          name: 'Food',
          category_id: category.id,
          amount: '20.00',
          currency: 'USD',
          spent: '25.50',
          remaining: '-5.50',
          percent_used: '127.50',
          status: 'over',
          period_start: '2026-03-01',
          period_end: '2026-03-31',
          excluded_currencies: [],
        },
        {
          budget_id: all.id,
          name: 'Everything',
          category_id: null,
          amount: '1000',
          currency: 'JPY',
          spent: '400',
          remaining: '600',
          percent_used: '40.00',
          status: 'under',
          period_start: '2026-03-09',
          period_end: '2026-03-15',
          excluded_currencies: ['USD'],
        },
      ],
    });
  });

  it('without ?date the service picks today and says which day that is; no active budget → no items', async () => {
    const res = await get('/analytics/budget-status');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ date: '2026-03-15', items: [] });
    expect(gw.reporting.lastRequest('getBudgetStatus')).toEqual({ userId, date: undefined });
  });

  it.each(['date=2026-02-30', 'date=03/10/2026', 'date=2026-03-1', 'date=', 'date=2026-03-10&date=2026-03-11'])('422 for ?%s, before any RPC', async (query) => {
    await expectRefusedByGateway(() => get(`/analytics/budget-status?${query}`), ['date']);
  });
});

describe('reporting failures', () => {
  upstreamFailureTests(
    'reporting',
    ['/analytics/spending?from=2026-03-01&to=2026-03-31', '/analytics/income-vs-expense?from=2026-03-01&to=2026-03-31', '/analytics/budget-status'],
    () => ({ gw, token }),
  );

  const spendingUrl = '/analytics/spending?from=2026-03-01&to=2026-03-31';
  const incomeUrl = '/analytics/income-vs-expense?from=2026-03-01&to=2026-03-31&interval=week';
  const statusUrl = '/analytics/budget-status?date=2026-03-02';
  type Tamper = (response: any) => unknown;
  it.each<[string, string, string, Tamper]>([
    ['a spending total in another currency', 'getSpending', spendingUrl, (r) => ({ ...r, total: { minorUnits: '1', currency: 'EUR' } })],
    ['an item total in another currency', 'getSpending', spendingUrl, (r) => ({ ...r, items: r.items.map((i: object) => ({ ...i, total: { minorUnits: '1', currency: 'EUR' } })) })],
    ['a count that is not a whole number', 'getSpending', spendingUrl, (r) => ({ ...r, items: r.items.map((i: object) => ({ ...i, count: '-1' })) })],
    ['a count beyond 2^53', 'getSpending', spendingUrl, (r) => ({ ...r, items: r.items.map((i: object) => ({ ...i, count: '9007199254740993' })) })],
    ['no currency', 'getSpending', spendingUrl, (r) => ({ ...r, currency: '' })],
    ['no total', 'getSpending', spendingUrl, (r) => ({ ...r, total: undefined })],
    ['no from', 'getSpending', spendingUrl, (r) => ({ ...r, from: undefined })],
    ['another interval than asked for', 'getIncomeVsExpense', incomeUrl, (r) => ({ ...r, interval: Interval.INTERVAL_DAY })],
    ['an unknown interval', 'getIncomeVsExpense', incomeUrl, (r) => ({ ...r, interval: 9 })],
    ['no totals', 'getIncomeVsExpense', incomeUrl, (r) => ({ ...r, totals: undefined })],
    ['an item without net', 'getIncomeVsExpense', incomeUrl, (r) => ({ ...r, items: r.items.map((i: object) => ({ ...i, net: undefined })) })],
    ['an item without period_start', 'getIncomeVsExpense', incomeUrl, (r) => ({ ...r, items: r.items.map((i: object) => ({ ...i, periodStart: undefined })) })],
    ['no date', 'getBudgetStatus', statusUrl, (r) => ({ ...r, date: undefined })],
    ['a budget without amount', 'getBudgetStatus', statusUrl, (r) => ({ ...r, items: r.items.map((i: object) => ({ ...i, amount: undefined })) })],
    ['spent in another currency than the budget', 'getBudgetStatus', statusUrl, (r) => ({ ...r, items: r.items.map((i: object) => ({ ...i, spent: { minorUnits: '1', currency: 'EUR' } })) })],
    ['an unknown status', 'getBudgetStatus', statusUrl, (r) => ({ ...r, items: r.items.map((i: object) => ({ ...i, status: 0 })) })],
    ['a percent that is not a decimal', 'getBudgetStatus', statusUrl, (r) => ({ ...r, items: r.items.map((i: object) => ({ ...i, percentUsed: 'lots' })) })],
  ])('an answer that breaks the contract (%s) → 500, not a half-filled body', async (_name, rpc, url, tamper) => {
    gw.budgeting.seedBudget(userId, { startDate: '2026-03-01' });
    transaction('expense', '1.00', '2026-03-02');
    gw.reporting.tamper = (name, response) => (name === rpc ? tamper(response) : response);
    try {
      expectProblem(await get(url), 500, 'INTERNAL_ERROR');
    } finally {
      gw.reporting.tamper = undefined;
    }
  });

  it('budgets themselves do not need reporting', async () => {
    const local = await startTestGateway();
    try {
      const { token: t } = await local.fake.seedUser();
      await local.reporting.stop();
      expectProblem(await local.app.inject({ method: 'GET', url: '/analytics/budget-status', headers: bearer(t) }), 503);
      expect((await local.app.inject({ method: 'GET', url: '/budgets', headers: bearer(t) })).statusCode).toBe(200);
    } finally {
      await local.close();
    }
  });
});

describe('every analytics route needs a bearer token', () => {
  const routes = [
    '/analytics/spending?from=2026-03-01&to=2026-03-31',
    '/analytics/income-vs-expense?from=2026-03-01&to=2026-03-31',
    '/analytics/budget-status',
    // Checked before the query: an anonymous caller learns nothing, not even a 422.
    '/analytics/spending',
    '/analytics/income-vs-expense?interval=hour',
    '/analytics/budget-status?date=nope',
  ];

  it.each(routes)('GET %s → 401 without a token, 401 with a bad one; the service is not asked', async (url) => {
    const calls = gw.reporting.calls.length;
    const anonymous = await gw.app.inject({ method: 'GET', url });
    expectProblem(anonymous, 401, 'TOKEN_MISSING');
    expect(anonymous.headers['www-authenticate']).toBe('Bearer');
    expectProblem(await gw.app.inject({ method: 'GET', url, headers: bearer('not.a.token') }), 401, 'TOKEN_INVALID');
    expect(gw.reporting.calls).toHaveLength(calls);
  });
});
