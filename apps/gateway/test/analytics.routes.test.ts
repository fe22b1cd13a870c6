import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { reportingV1 } from '@finance/proto';
import { stubError } from '@finance/testing';
import { money, protoBudget, protoBudgetStatusItem, protoDate, protoIncomeVsExpense, protoSpending } from './support/builders.js';
import { bearer, startTestGateway, type TestGateway } from './support/gateway.js';
import { expectProblem, type Res } from './support/problems.js';
import { upstreamFailureTests } from './support/upstream-failures.js';

const { Interval, BudgetStatus } = reportingV1;

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
  gw.reset();
  ({ userId, token } = await gw.caller());
});

const invalidFields = (code: string, path: string, message: string, detail = `${path}: ${message}`) =>
  stubError('invalid_argument', code, detail, { errors: [{ path, message }] });
const interval = (start: string, end: string, income: string, expense: string, net: string, currency = 'USD'): reportingV1.IntervalTotals => ({
  periodStart: protoDate(start),
  periodEnd: protoDate(end),
  income: money(income, currency),
  expense: money(expense, currency),
  net: money(net, currency),
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

describe('GET /analytics/spending', () => {
  it('sends the range to GetSpending and answers exactly the documented fields: per category, uncategorized as null, count a JSON integer', async () => {
    const food = randomUUID();
    const fun = randomUUID();
    gw.reporting.answer(
      'getSpending',
      protoSpending({
        total: money('17.80'),
        items: [
          { categoryId: fun, categoryName: 'Fun', total: money('12.50'), count: '1' },
          { total: money('5.00'), count: '1' },
          { categoryId: food, categoryName: 'Food', total: money('0.30'), count: '3' },
        ],
        excludedCurrencies: ['EUR', 'JPY'],
      }),
    );
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
        { category_id: fun, category_name: 'Fun', total: '12.50', count: 1 },
        { category_id: null, category_name: null, total: '5.00', count: 1 },
        { category_id: food, category_name: 'Food', total: '0.30', count: 3 },
      ],
      excluded_currencies: ['EUR', 'JPY'],
    });
    expect(typeof body.items[2].count).toBe('number');
  });

  it('amounts have the base currency’s decimals (JPY none); an empty range is a zero total and no items', async () => {
    gw.reporting.answer('getSpending', protoSpending({ from: protoDate('2026-05-01'), to: protoDate('2026-05-31'), currency: 'JPY', total: money('1200', 'JPY'), items: [{ total: money('1200', 'JPY'), count: '1' }] }));
    expect((await get('/analytics/spending?from=2026-05-01&to=2026-05-31')).json()).toMatchObject({
      currency: 'JPY',
      total: '1200',
      items: [{ category_id: null, category_name: null, total: '1200', count: 1 }],
      excluded_currencies: [],
    });
    gw.reporting.answer('getSpending', protoSpending({ from: protoDate('2026-06-01'), to: protoDate('2026-06-01'), currency: 'JPY', total: money('0', 'JPY') }));
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
    gw.reporting.answer('getSpending', protoSpending({ to: protoDate('2026-03-01') }));
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
    gw.reporting.fail('getSpending', invalidFields('REPORTING_INVALID_FIELDS', 'from', 'must not be after to'));
    const res = await get('/analytics/spending?from=2026-03-02&to=2026-03-01');
    const body = expectProblem(res, 422, 'REPORTING_INVALID_FIELDS');
    expect(body.detail).toBe('from: must not be after to');
    expect(body.errors).toEqual([{ path: 'from', message: 'must not be after to' }]);
    // The gateway leaves the order of the dates to the service.
    expect(gw.reporting.lastRequest('getSpending')).toMatchObject({ from: protoDate('2026-03-02'), to: protoDate('2026-03-01') });
  });
});

describe('GET /analytics/income-vs-expense', () => {
  it('default interval month: the service’s intervals, zeros included; totals; net negative when more went out', async () => {
    gw.reporting.answer(
      'getIncomeVsExpense',
      protoIncomeVsExpense({
        items: [
          interval('2026-01-01', '2026-01-31', '2000', '150.25', '1849.75'),
          interval('2026-02-01', '2026-02-28', '0', '0', '0'),
          interval('2026-03-01', '2026-03-31', '0', '2500', '-2500'),
        ],
        totals: { income: money('2000'), expense: money('2650.25'), net: money('-650.25') },
        excludedCurrencies: ['EUR'],
      }),
    );

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
  ] as const)('interval=%s travels as its enum value and comes back by name, with the service’s periods', async (name, value, periods) => {
    gw.reporting.on('getIncomeVsExpense', (req) =>
      protoIncomeVsExpense({ interval: req.interval, items: periods.map(([start, end]) => interval(start, end, '0', '0', '0')) }),
    );
    const res = await get(`/analytics/income-vs-expense?from=2026-03-07&to=2026-03-09&interval=${name}`);
    expect(res.statusCode).toBe(200);
    expect(gw.reporting.lastRequest('getIncomeVsExpense').interval).toBe(value);
    const body = res.json();
    expect(body.interval).toBe(name);
    expect(body.items.map((i: { period_start: string; period_end: string }) => [i.period_start, i.period_end])).toEqual(periods);
  });

  it('amounts in a base currency with 3 decimals (KWD)', async () => {
    gw.reporting.answer(
      'getIncomeVsExpense',
      protoIncomeVsExpense({
        currency: 'KWD',
        interval: Interval.INTERVAL_YEAR,
        items: [interval('2026-01-01', '2026-12-31', '1.5', '2.25', '-0.75', 'KWD')],
        totals: { income: money('1.5', 'KWD'), expense: money('2.25', 'KWD'), net: money('-0.75', 'KWD') },
      }),
    );
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
    gw.reporting.fail('getIncomeVsExpense', invalidFields('REPORTING_INVALID_FIELDS', 'from', 'must not be after to'));
    const reversed = expectProblem(await get('/analytics/income-vs-expense?from=2026-03-02&to=2026-03-01&interval=day'), 422, 'REPORTING_INVALID_FIELDS');
    expect(reversed.errors).toEqual([{ path: 'from', message: 'must not be after to' }]);

    const message =
      '2016-01-01 to 2025-12-31 spans 3,653 daily intervals, more than the 1,000 one report may have: choose a longer interval (week: 523 intervals) or a shorter range.';
    gw.reporting.fail('getIncomeVsExpense', invalidFields('REPORTING_TOO_MANY_INTERVALS', 'interval', message, message));
    const tooLong = expectProblem(await get('/analytics/income-vs-expense?from=2016-01-01&to=2025-12-31&interval=day'), 422, 'REPORTING_TOO_MANY_INTERVALS');
    expect(tooLong.detail).toBe(message);
    expect(tooLong.errors).toEqual([{ path: 'interval', message }]);
    // The gateway sets no limit of its own on the range: the service decides.
    expect(gw.reporting.lastRequest('getIncomeVsExpense')).toEqual({ userId, from: protoDate('2016-01-01'), to: protoDate('2025-12-31'), interval: Interval.INTERVAL_DAY });
  });
});

describe('GET /analytics/budget-status (reporting’s GetBudgetStatus)', () => {
  it('every budget the service lists with exactly the documented fields; amounts in each budget’s currency', async () => {
    const categoryId = randomUUID();
    const food = protoBudgetStatusItem({
      name: 'Food',
      categoryId,
      amount: money('20.00'),
      spent: money('25.50'),
      remaining: money('-5.50'),
      percentUsed: '127.50',
      status: BudgetStatus.BUDGET_STATUS_OVER,
    });
    const all = protoBudgetStatusItem({
      name: 'Everything',
      amount: money('1000', 'JPY'),
      spent: money('400', 'JPY'),
      remaining: money('600', 'JPY'),
      percentUsed: '40.00',
      status: BudgetStatus.BUDGET_STATUS_UNDER,
      periodStart: protoDate('2026-03-09'),
      periodEnd: protoDate('2026-03-15'),
      excludedCurrencies: ['USD'],
    });
    gw.reporting.answer('getBudgetStatus', { date: protoDate('2026-03-10'), items: [food, all] });
    const food_ = { id: food.budgetId };
    const category = { id: categoryId };

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
          budget_id: food_.id,
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
          budget_id: all.budgetId,
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

  it('without ?date no date is sent; the service says which day it took; no active budget → no items', async () => {
    gw.reporting.answer('getBudgetStatus', { date: protoDate('2026-03-15'), items: [] });
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
  const scriptReporting = (local: TestGateway) => {
    local.reporting.answer('getSpending', protoSpending({ items: [{ total: money('1.00'), count: '1' }], total: money('1.00') }));
    local.reporting.on('getIncomeVsExpense', (req) =>
      protoIncomeVsExpense({ interval: req.interval, items: [interval('2026-03-02', '2026-03-08', '0', '1.00', '-1.00')] }),
    );
    local.reporting.answer('getBudgetStatus', { date: protoDate('2026-03-02'), items: [protoBudgetStatusItem()] });
  };
  upstreamFailureTests(
    'reporting',
    ['/analytics/spending?from=2026-03-01&to=2026-03-31', '/analytics/income-vs-expense?from=2026-03-01&to=2026-03-31', '/analytics/budget-status'],
    scriptReporting,
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
    const wellFormed: Record<string, () => unknown> = {
      getSpending: () => protoSpending({ items: [{ total: money('1.00'), count: '1' }], total: money('1.00') }),
      getIncomeVsExpense: () => protoIncomeVsExpense({ interval: Interval.INTERVAL_WEEK, items: [interval('2026-03-02', '2026-03-08', '0', '1.00', '-1.00')] }),
      getBudgetStatus: () => ({ date: protoDate('2026-03-02'), items: [protoBudgetStatusItem()] }),
    };
    const answer = wellFormed[rpc]!;
    gw.reporting.on(rpc as 'getSpending', () => answer() as reportingV1.GetSpendingResponse);
    expect((await get(url)).statusCode).toBe(200);
    gw.reporting.on(rpc as 'getSpending', () => tamper(answer()) as reportingV1.GetSpendingResponse);
    expectProblem(await get(url), 500, 'INTERNAL_ERROR');
  });

  it('budgets themselves do not need reporting', async () => {
    const local = await startTestGateway();
    try {
      local.budgeting.answer('listBudgets', { items: [protoBudget()], page: { nextCursor: '' } });
      const { token: t } = await local.caller();
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
