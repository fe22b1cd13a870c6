import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { budgetingV1 } from '@finance/proto';
import { stubError } from '@finance/testing';
import { CREATED_AT, money, protoAnalysis, protoBudget, protoDate, UPDATED_AT } from './support/builders.js';
import { bearer, startTestGateway, type TestGateway } from './support/gateway.js';
import { expectProblem, type Res } from './support/problems.js';
import { upstreamFailureTests } from './support/upstream-failures.js';

const { BudgetPeriod, BudgetStatus } = budgetingV1;

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
  // By default the service answers the budget it is sent (USD when no currency is given).
  gw.budgeting.on('createBudget', (req) => ({ budget: fromRequest(req) }));
  gw.budgeting.on('updateBudget', (req) => ({ budget: { ...fromRequest(req), id: req.id } }));
});

/** The budget a budgeting service would answer for `req`. */
const fromRequest = (req: budgetingV1.CreateBudgetRequest | budgetingV1.UpdateBudgetRequest) =>
  protoBudget({
    ...(req.amount !== undefined ? { amount: money(req.amount, req.currency ?? 'USD') } : {}),
    ...(req.period ? { period: req.period } : {}),
    ...(req.startDate ? { startDate: req.startDate } : {}),
    ...(req.endDate ? { endDate: req.endDate } : {}),
    ...(req.categoryId ? { categoryId: req.categoryId } : {}),
    ...(req.name !== undefined ? { name: req.name } : {}),
  });
const notFound = () => stubError('not_found', 'BUDGETING_BUDGET_NOT_FOUND', 'Budget not found.');
/** The service refuses `rpc` with its 422 naming `path`. */
const serviceRefuses = (rpc: 'createBudget' | 'updateBudget' | 'listBudgets', path: string) =>
  gw.budgeting.fail(rpc, stubError('invalid_argument', 'BUDGETING_INVALID_FIELDS', `${path}: is invalid`, { errors: [{ path, message: 'is invalid' }] }));


const BUDGET_KEYS = ['amount', 'category_id', 'created_at', 'currency', 'end_date', 'id', 'name', 'period', 'start_date', 'updated_at'];
const ANALYSIS_KEYS = [
  'daily_average',
  'days_elapsed',
  'days_in_period',
  'excluded_currencies',
  'history',
  'percent_used',
  'period_end',
  'period_start',
  'projected_spend',
  'remaining',
  'spent',
  'status',
];
const valid = { amount: '500.00', period: 'monthly', start_date: '2026-03-01' };

const post = (payload: unknown, t = token) => gw.app.inject({ method: 'POST', url: '/budgets', headers: bearer(t), payload: payload as object });
const postRaw = (text: string) => gw.app.inject({ method: 'POST', url: '/budgets', headers: { ...bearer(token), 'content-type': 'application/json' }, payload: text });
const get = (url: string, t = token) => gw.app.inject({ method: 'GET', url, headers: bearer(t) });
const put = (id: string, payload: unknown, t = token) => gw.app.inject({ method: 'PUT', url: `/budgets/${id}`, headers: bearer(t), payload: payload as object });
const del = (id: string, t = token) => gw.app.inject({ method: 'DELETE', url: `/budgets/${id}`, headers: bearer(t) });


/** A 422 naming exactly these fields, decided by the gateway: the budgeting service was not asked. */
async function expectRefusedByGateway(send: () => Promise<Res>, rpc: Parameters<TestGateway['budgeting']['callsOf']>[0], paths: string[]) {
  const before = gw.budgeting.callsOf(rpc).length;
  const body = expectProblem(await send(), 422, 'VALIDATION_FAILED');
  expect((body.errors as { path: string }[]).map((e) => e.path).sort()).toEqual([...paths].sort());
  for (const error of body.errors) expect(error.message).toEqual(expect.any(String));
  expect(gw.budgeting.callsOf(rpc)).toHaveLength(before);
  return body;
}

/** The service's 422, passed through with its code and field. */
function expectRefusedByService(res: Res, path: string) {
  const body = expectProblem(res, 422, 'BUDGETING_INVALID_FIELDS');
  expect(body.errors).toEqual([{ path, message: 'is invalid' }]);
  expect(body.detail).toBe(`${path}: is invalid`);
  return body;
}

describe('POST /budgets', () => {
  it('sends every field to CreateBudget and answers 201 with the budget in snake_case', async () => {
    const category = { id: randomUUID() };
    const res = await post({
      amount: '400.5',
      period: 'weekly',
      start_date: '2026-03-02',
      end_date: '2026-06-28',
      category_id: category.id.toUpperCase(),
      currency: 'EUR',
      name: '  Food  ',
    });
    expect(res.statusCode).toBe(201);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(gw.budgeting.lastRequest('createBudget')).toEqual({
      userId,
      amount: '400.5',
      period: BudgetPeriod.BUDGET_PERIOD_WEEKLY,
      startDate: { year: 2026, month: 3, day: 2 },
      endDate: { year: 2026, month: 6, day: 28 },
      categoryId: category.id,
      currency: 'EUR',
      name: 'Food',
    });
    const body = res.json();
    expect(Object.keys(body).sort()).toEqual(BUDGET_KEYS);
    expect(body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: 'Food',
      amount: '400.50',
      currency: 'EUR',
      period: 'weekly',
      start_date: '2026-03-02',
      end_date: '2026-06-28',
      category_id: category.id,
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      updated_at: expect.stringMatching(/Z$/),
    });
    expect(res.headers.location).toBe(`/budgets/${body.id}`);
  });

  it.each([
    ['daily', BudgetPeriod.BUDGET_PERIOD_DAILY],
    ['weekly', BudgetPeriod.BUDGET_PERIOD_WEEKLY],
    ['monthly', BudgetPeriod.BUDGET_PERIOD_MONTHLY],
    ['yearly', BudgetPeriod.BUDGET_PERIOD_YEARLY],
  ] as const)('period "%s" travels as its enum value and comes back by name', async (period, value) => {
    const res = await post({ ...valid, period });
    expect(res.statusCode).toBe(201);
    expect(gw.budgeting.lastRequest('createBudget').period).toBe(value);
    expect(res.json().period).toBe(period);
  });

  it('without the optional fields none is sent; the service’s answer (base currency, its name) comes back with null end_date and category_id', async () => {
    gw.budgeting.answer('createBudget', { budget: protoBudget({ amount: money('500.00', 'EUR'), name: 'Monthly budget' }) });
    const res = await post(valid);
    expect(res.statusCode).toBe(201);
    expect(gw.budgeting.lastRequest('createBudget')).toEqual({
      userId,
      amount: '500.00',
      period: BudgetPeriod.BUDGET_PERIOD_MONTHLY,
      startDate: { year: 2026, month: 3, day: 1 },
      endDate: undefined,
      categoryId: undefined,
      currency: undefined,
      name: undefined,
    });
    expect(res.json()).toMatchObject({ currency: 'EUR', amount: '500.00', end_date: null, category_id: null, name: 'Monthly budget' });
  });

  it('null for end_date, category_id and name counts as not given', async () => {
    const res = await post({ ...valid, end_date: null, category_id: null, name: null });
    expect(res.statusCode).toBe(201);
    expect(gw.budgeting.lastRequest('createBudget')).toMatchObject({ endDate: undefined, categoryId: undefined, name: undefined });
    expect(res.json()).toMatchObject({ end_date: null, category_id: null });
  });

  it('a JSON number amount travels as its exact decimal string; the answer has the currency’s decimals (JPY 0, KWD 3)', async () => {
    for (const [amount, currency, sent, shown] of [
      [0.1, 'USD', '0.1', '0.10'],
      [250, 'USD', '250', '250.00'],
      [50000, 'JPY', '50000', '50000'],
      ['1.25', 'KWD', '1.25', '1.250'],
    ] as const) {
      const res = await post({ ...valid, amount, currency });
      expect(res.statusCode).toBe(201);
      expect(gw.budgeting.lastRequest('createBudget').amount).toBe(sent);
      expect(res.json()).toMatchObject({ amount: shown, currency });
    }
  });

  it('end_date equal to start_date is a one-day budget', async () => {
    expect((await post({ ...valid, end_date: valid.start_date })).statusCode).toBe(201);
  });

  it('a user_id or id in the body has no effect', async () => {
    const other = randomUUID();
    const res = await post({ ...valid, user_id: other, id: other });
    expect(res.statusCode).toBe(201);
    expect(gw.budgeting.lastRequest('createBudget').userId).toBe(userId);
    expect(gw.budgeting.lastRequest('createBudget')).not.toHaveProperty('id');
  });

  describe('422 from the gateway, naming the field, before any RPC', () => {
    it.each([
      ['no amount', { amount: undefined }, ['amount']],
      ['amount null', { amount: null }, ['amount']],
      ['amount true', { amount: true }, ['amount']],
      ['amount "abc"', { amount: 'abc' }, ['amount']],
      ['amount "0"', { amount: '0' }, ['amount']],
      ['amount 0', { amount: 0 }, ['amount']],
      ['a negative amount', { amount: '-5.00' }, ['amount']],
      ['a negative JSON number', { amount: -5 }, ['amount']],
      ['the string "1e3"', { amount: '1e3' }, ['amount']],
      ['amount "1,000.00"', { amount: '1,000.00' }, ['amount']],
      ['16 integer digits', { amount: '1234567890123456' }, ['amount']],
      ['more digits than a double carries', { amount: 0.30000000000000004 }, ['amount']],
      ['no period', { period: undefined }, ['period']],
      ['period null', { period: null }, ['period']],
      ['period "biweekly"', { period: 'biweekly' }, ['period']],
      ['period "Monthly"', { period: 'Monthly' }, ['period']],
      ['period 3', { period: 3 }, ['period']],
      ['no start_date', { start_date: undefined }, ['start_date']],
      ['start_date 2026-02-30', { start_date: '2026-02-30' }, ['start_date']],
      ['start_date 2025-02-29 (not a leap year)', { start_date: '2025-02-29' }, ['start_date']],
      ['start_date 2026-3-1', { start_date: '2026-3-1' }, ['start_date']],
      ['start_date with a time', { start_date: '2026-03-01T00:00:00Z' }, ['start_date']],
      ['start_date 0000-01-01', { start_date: '0000-01-01' }, ['start_date']],
      ['end_date 2026-13-01', { end_date: '2026-13-01' }, ['end_date']],
      ['end_date before start_date', { end_date: '2026-02-28' }, ['end_date']],
      ['category_id not a UUID', { category_id: 'food' }, ['category_id']],
      ['currency in lower case', { currency: 'usd' }, ['currency']],
      ['currency null', { currency: null }, ['currency']],
      ['an empty name', { name: '' }, ['name']],
      ['a blank name', { name: '   ' }, ['name']],
      ['a name of 101 characters', { name: 'n'.repeat(101) }, ['name']],
      ['a name that is a number', { name: 7 }, ['name']],
      ['several fields at once', { amount: 'x', period: 'never', start_date: '2026-02-30', currency: 'x' }, ['amount', 'currency', 'period', 'start_date']],
      ['a bad start_date with an earlier end_date: only start_date', { start_date: '2026-13-01', end_date: '2026-01-01' }, ['start_date']],
    ])('%s', async (_name, change, paths) => {
      await expectRefusedByGateway(() => post({ ...valid, ...change }), 'createBudget', paths);
    });

    it('a JSON number written with an exponent beyond 15 integer digits (5e2 is read as "500")', async () => {
      const body = await expectRefusedByGateway(() => postRaw('{"amount": 5e15, "period": "monthly", "start_date": "2026-03-01"}'), 'createBudget', ['amount']);
      expect(body.errors[0].message).toMatch(/too large/);
      expect((await postRaw('{"amount": 5e2, "period": "monthly", "start_date": "2026-03-01"}')).statusCode).toBe(201);
      expect(gw.budgeting.lastRequest('createBudget').amount).toBe('500');
    });

    it('a name of 100 characters (emoji count as one) is fine', async () => {
      expect((await post({ ...valid, name: 'n'.repeat(100) })).statusCode).toBe(201);
      expect((await post({ ...valid, name: '💶'.repeat(100) })).statusCode).toBe(201);
      await expectRefusedByGateway(() => post({ ...valid, name: '💶'.repeat(101) }), 'createBudget', ['name']);
    });
  });

  describe('the service’s verdict passes through as 422 with its field', () => {
    it.each([
      ['"12.345" in USD (too precise)', { amount: '12.345' }, 'amount'],
      ['"10.5" in JPY', { amount: '10.5', currency: 'JPY' }, 'amount'],
      ['the number 10.5 in JPY', { amount: 10.5, currency: 'JPY' }, 'amount'],
      ['an unknown currency', { currency: 'XYZ' }, 'currency'],
      ['a category that does not exist', { category_id: randomUUID() }, 'category_id'],
    ])('%s: forwarded as given, the service’s 422 comes back with its code, message and field', async (_name, change, path) => {
      serviceRefuses('createBudget', path);
      expectRefusedByService(await post({ ...valid, ...change }), path);
      const request = gw.budgeting.lastRequest('createBudget');
      if ('amount' in change) expect(request.amount).toBe(String(change.amount));
      if ('currency' in change) expect(request.currency).toBe(change.currency);
      if ('category_id' in change) expect(request.categoryId).toBe(change.category_id);
    });
  });

  it('400 without a body, 415 for a non-JSON body', async () => {
    expectProblem(await gw.app.inject({ method: 'POST', url: '/budgets', headers: bearer(token) }), 400, 'BODY_NOT_OBJECT');
    expectProblem(
      await gw.app.inject({ method: 'POST', url: '/budgets', headers: { ...bearer(token), 'content-type': 'text/plain' }, payload: 'amount=1' }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
  });
});

describe('GET /budgets', () => {
  it('a page of the service’s budgets in its order; limit and cursor pass through both ways; next_cursor null on the last page', async () => {
    const mine = ['A', 'B', 'C'].map((name) => protoBudget({ name }));
    gw.budgeting.on('listBudgets', (req) =>
      req.page?.cursor === '' ? { items: [mine[0]!, mine[1]!], page: { nextCursor: 'opaque-cursor/2' } } : { items: [mine[2]!], page: { nextCursor: '' } },
    );

    const first = await get('/budgets?limit=2');
    expect(first.statusCode).toBe(200);
    expect(gw.budgeting.lastRequest('listBudgets')).toEqual({ userId, page: { limit: 2, cursor: '' } });
    const page = first.json();
    expect(page.items.map((b: { id: string }) => b.id)).toEqual([mine[0]!.id, mine[1]!.id]);
    expect(Object.keys(page.items[0]).sort()).toEqual(BUDGET_KEYS);
    expect(page.next_cursor).toBe('opaque-cursor/2');

    const second = await get(`/budgets?limit=2&cursor=${encodeURIComponent(page.next_cursor)}`);
    expect(gw.budgeting.lastRequest('listBudgets')).toEqual({ userId, page: { limit: 2, cursor: 'opaque-cursor/2' } });
    expect(second.json()).toEqual({ items: [expect.objectContaining({ id: mine[2]!.id, name: 'C' })], next_cursor: null });
  });

  it('each item in full: end_date and category_id null when open-ended and for all expenses', async () => {
    const categoryId = randomUUID();
    const open = protoBudget({ amount: money('1000', 'JPY'), period: BudgetPeriod.BUDGET_PERIOD_YEARLY, startDate: protoDate('2024-02-29') });
    const closed = protoBudget({ amount: money('75.5'), categoryId, startDate: protoDate('2026-01-31'), endDate: protoDate('2026-12-31'), name: 'Cafés' });
    gw.budgeting.answer('listBudgets', { items: [open, closed], page: { nextCursor: '' } });
    const { items } = (await get('/budgets')).json();
    expect(items).toEqual([
      {
        id: open.id,
        name: 'Monthly budget',
        amount: '1000',
        currency: 'JPY',
        period: 'yearly',
        start_date: '2024-02-29',
        end_date: null,
        category_id: null,
        created_at: CREATED_AT.toISOString(),
        updated_at: UPDATED_AT.toISOString(),
      },
      {
        id: closed.id,
        name: 'Cafés',
        amount: '75.50',
        currency: 'USD',
        period: 'monthly',
        start_date: '2026-01-31',
        end_date: '2026-12-31',
        category_id: categoryId,
        created_at: CREATED_AT.toISOString(),
        updated_at: UPDATED_AT.toISOString(),
      },
    ]);
  });

  it('limit defaults to 50; unknown parameters are ignored; no budgets → an empty page', async () => {
    gw.budgeting.answer('listBudgets', { items: [], page: { nextCursor: '' } });
    const res = await get(`/budgets?sort=name&user_id=${randomUUID()}`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ items: [], next_cursor: null });
    expect(gw.budgeting.lastRequest('listBudgets')).toEqual({ userId, page: { limit: 50, cursor: '' } });
  });

  it.each(['limit=0', 'limit=201', 'limit=x', 'limit=1.5'])('422 for ?%s, before any RPC', async (query) => {
    await expectRefusedByGateway(() => get(`/budgets?${query}`), 'listBudgets', ['limit']);
  });

  it('a tampered cursor → the service’s 422 naming cursor', async () => {
    gw.budgeting.fail('listBudgets', stubError('invalid_argument', 'BUDGETING_INVALID_CURSOR', 'cursor: is not a cursor this service issued', { errors: [{ path: 'cursor', message: 'is not a cursor this service issued' }] }));
    const body = expectProblem(await get('/budgets?cursor=garbage'), 422, 'BUDGETING_INVALID_CURSOR');
    expect(body.errors).toEqual([{ path: 'cursor', message: 'is not a cursor this service issued' }]);
    expect(gw.budgeting.lastRequest('listBudgets').page?.cursor).toBe('garbage');
  });
});

describe('GET /budgets/{id}', () => {
  it('the budget with the analysis of the period that contains ?date: exact decimals, the budget currency’s digits', async () => {
    const budget = protoBudget({ amount: money('100.00'), startDate: protoDate('2026-03-01') });
    gw.budgeting.answer('getBudget', { budget, analysis: protoAnalysis() });
    const res = await get(`/budgets/${budget.id.toUpperCase()}?date=2026-03-10`);
    expect(res.statusCode).toBe(200);
    expect(gw.budgeting.lastRequest('getBudget')).toEqual({ userId, id: budget.id, date: { year: 2026, month: 3, day: 10 } });
    const body = res.json();
    expect(Object.keys(body).sort()).toEqual([...BUDGET_KEYS, 'analysis'].sort());
    expect(Object.keys(body.analysis).sort()).toEqual(ANALYSIS_KEYS);
    expect(body).toEqual({
      id: budget.id,
      name: 'Monthly budget',
      amount: '100.00',
      currency: 'USD',
      period: 'monthly',
      start_date: '2026-03-01',
      end_date: null,
      category_id: null,
      created_at: CREATED_AT.toISOString(),
      updated_at: UPDATED_AT.toISOString(),
      analysis: {
        period_start: '2026-03-01',
        period_end: '2026-03-31',
        spent: '0.30',
        remaining: '99.70',
        percent_used: '0.30',
        status: 'under',
        daily_average: '0.03',
        projected_spend: '0.93',
        days_in_period: 31,
        days_elapsed: 10,
        history: [],
        excluded_currencies: [],
      },
    });
  });

  it('over budget: status "over", remaining negative ("-5.00"), percent above 100; history in the service’s order', async () => {
    const budget = protoBudget({ amount: money('50.00'), startDate: protoDate('2026-01-15') });
    gw.budgeting.answer('getBudget', {
      budget,
      analysis: protoAnalysis({
        periodStart: protoDate('2026-03-15'),
        periodEnd: protoDate('2026-04-14'),
        spent: money('55.00'),
        remaining: money('-5.00'),
        percentUsed: '110.00',
        status: BudgetStatus.BUDGET_STATUS_OVER,
        history: [
          { periodStart: protoDate('2026-02-15'), periodEnd: protoDate('2026-03-14'), spent: money('50.00'), status: BudgetStatus.BUDGET_STATUS_UNDER },
          { periodStart: protoDate('2026-01-15'), periodEnd: protoDate('2026-02-14'), spent: money('50.01'), status: BudgetStatus.BUDGET_STATUS_OVER },
        ],
      }),
    });
    const { analysis } = (await get(`/budgets/${budget.id}?date=2026-03-25`)).json();
    expect(analysis).toMatchObject({ period_start: '2026-03-15', period_end: '2026-04-14', spent: '55.00', remaining: '-5.00', percent_used: '110.00', status: 'over' });
    expect(analysis.history).toEqual([
      { period_start: '2026-02-15', period_end: '2026-03-14', spent: '50.00', status: 'under' },
      { period_start: '2026-01-15', period_end: '2026-02-14', spent: '50.01', status: 'over' },
    ]);
  });

  it('amounts of a JPY budget have no decimals, of a KWD budget three; excluded currencies are listed', async () => {
    const yen = protoBudget({ amount: money('30000', 'JPY'), period: BudgetPeriod.BUDGET_PERIOD_WEEKLY, startDate: protoDate('2026-03-02') });
    gw.budgeting.answer('getBudget', {
      budget: yen,
      analysis: protoAnalysis({
        spent: money('35000', 'JPY'),
        remaining: money('-5000', 'JPY'),
        dailyAverage: money('11667', 'JPY'),
        projectedSpend: money('81669', 'JPY'),
        daysInPeriod: 7,
        daysElapsed: 3,
        excludedCurrencies: ['USD'],
      }),
    });
    expect((await get(`/budgets/${yen.id}?date=2026-03-04`)).json()).toMatchObject({
      amount: '30000',
      currency: 'JPY',
      analysis: { spent: '35000', remaining: '-5000', daily_average: '11667', projected_spend: '81669', days_in_period: 7, days_elapsed: 3, excluded_currencies: ['USD'] },
    });
    const dinar = protoBudget({ amount: money('10', 'KWD'), period: BudgetPeriod.BUDGET_PERIOD_DAILY });
    gw.budgeting.answer('getBudget', {
      budget: dinar,
      analysis: protoAnalysis({
        periodStart: protoDate('2026-03-04'),
        periodEnd: protoDate('2026-03-04'),
        spent: money('1.5', 'KWD'),
        remaining: money('8.5', 'KWD'),
        dailyAverage: money('1.5', 'KWD'),
        projectedSpend: money('1.5', 'KWD'),
      }),
    });
    expect((await get(`/budgets/${dinar.id}?date=2026-03-04`)).json()).toMatchObject({
      amount: '10.000',
      analysis: { period_start: '2026-03-04', period_end: '2026-03-04', spent: '1.500', remaining: '8.500', daily_average: '1.500' },
    });
  });

  it('analysis: null when the service has none for ?date (outside the budget)', async () => {
    const budget = protoBudget({ startDate: protoDate('2026-03-01'), endDate: protoDate('2026-03-31') });
    gw.budgeting.answer('getBudget', { budget, analysis: undefined });
    const res = await get(`/budgets/${budget.id}?date=2026-04-01`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: budget.id, end_date: '2026-03-31', analysis: null });
  });

  it('without ?date no date is sent (the service picks today)', async () => {
    const budget = protoBudget();
    gw.budgeting.answer('getBudget', { budget, analysis: protoAnalysis({ daysElapsed: 15 }) });
    const res = await get(`/budgets/${budget.id}`);
    expect(res.statusCode).toBe(200);
    expect(gw.budgeting.lastRequest('getBudget')).toEqual({ userId, id: budget.id, date: undefined });
    expect(res.json().analysis).toMatchObject({ period_start: '2026-03-01', days_elapsed: 15 });
  });

  it.each(['date=2026-02-30', 'date=2026-3-1', 'date=today', 'date=', 'date=2026-03-01T00:00:00Z'])('422 for ?%s, before any RPC', async (query) => {
    await expectRefusedByGateway(() => get(`/budgets/${randomUUID()}?${query}`), 'getBudget', ['date']);
  });

  it('the service’s NOT_FOUND (missing, or another user’s) → 404 with its code and message', async () => {
    gw.budgeting.fail('getBudget', notFound());
    const body = expectProblem(await get(`/budgets/${randomUUID()}?date=2026-03-01`), 404, 'BUDGETING_BUDGET_NOT_FOUND');
    expect(body.detail).toBe('Budget not found.');
  });
});

describe('a path id that is not a UUID cannot exist: 404, and the service is not asked', () => {
  it('the answer is the one the service gives for an id that does not exist', async () => {
    gw.budgeting.fail('getBudget', notFound());
    const { instance: _a, ...malformed } = expectProblem(await get('/budgets/nope'), 404);
    const { instance: _b, ...missing } = expectProblem(await get(`/budgets/${randomUUID()}`), 404);
    expect(malformed).toEqual(missing);
  });

  it.each((['GET', 'PUT', 'DELETE'] as const).flatMap((method) => ['x', '42', 'not-a-uuid', `${randomUUID()}x`].map((id) => [method, id] as const)))(
    '%s /budgets/%s',
    async (method, id) => {
      const calls = gw.budgeting.calls.length;
      // PUT carries an invalid body too, GET an invalid date: the missing resource is what the caller learns first.
      const res = await gw.app.inject({
        method,
        url: `/budgets/${id}${method === 'GET' ? '?date=nope' : ''}`,
        headers: bearer(token),
        ...(method === 'PUT' ? { payload: { amount: true } } : {}),
      });
      const body = expectProblem(res, 404, 'BUDGETING_BUDGET_NOT_FOUND');
      expect(body).not.toHaveProperty('errors');
      expect(gw.budgeting.calls).toHaveLength(calls);
    },
  );
});

describe('PUT /budgets/{id}', () => {
  it('sends only the fields given (the service keeps the others) and answers the service’s budget', async () => {
    const category = { id: randomUUID() };
    const budget = protoBudget({ amount: money('250'), startDate: protoDate('2026-01-01'), endDate: protoDate('2026-12-31'), categoryId: category.id, name: 'Food' });
    gw.budgeting.answer('updateBudget', { budget });
    const res = await put(budget.id, { amount: '250' });
    expect(res.statusCode).toBe(200);
    expect(gw.budgeting.lastRequest('updateBudget')).toEqual({
      userId,
      id: budget.id,
      amount: '250',
      period: BudgetPeriod.BUDGET_PERIOD_UNSPECIFIED,
      startDate: undefined,
      endDate: undefined,
      clearEndDate: false,
      categoryId: undefined,
      currency: undefined,
      name: undefined,
    });
    const body = res.json();
    expect(Object.keys(body).sort()).toEqual(BUDGET_KEYS);
    expect(body).toMatchObject({ id: budget.id, amount: '250.00', start_date: '2026-01-01', end_date: '2026-12-31', category_id: category.id, name: 'Food', period: 'monthly' });
  });

  it('maps every field', async () => {
    const budget = { id: randomUUID() };
    const category = { id: randomUUID() };
    const res = await put(budget.id, {
      amount: 3000,
      period: 'yearly',
      start_date: '2026-02-01',
      end_date: '2027-01-31',
      category_id: category.id.toUpperCase(),
      currency: 'JPY',
      name: ' Travel ',
    });
    expect(res.statusCode).toBe(200);
    expect(gw.budgeting.lastRequest('updateBudget')).toEqual({
      userId,
      id: budget.id,
      amount: '3000',
      period: BudgetPeriod.BUDGET_PERIOD_YEARLY,
      startDate: { year: 2026, month: 2, day: 1 },
      endDate: { year: 2027, month: 1, day: 31 },
      clearEndDate: false,
      categoryId: category.id,
      currency: 'JPY',
      name: 'Travel',
    });
    expect(res.json()).toMatchObject({
      amount: '3000',
      currency: 'JPY',
      period: 'yearly',
      start_date: '2026-02-01',
      end_date: '2027-01-31',
      category_id: category.id,
      name: 'Travel',
    });
  });

  it('end_date: null → clear_end_date (open-ended again); category_id: null → "" (all expenses)', async () => {
    const budget = { id: randomUUID() };
    const res = await put(budget.id, { end_date: null, category_id: null });
    expect(res.statusCode).toBe(200);
    const request = gw.budgeting.lastRequest('updateBudget');
    expect(request).toMatchObject({ clearEndDate: true, categoryId: '' });
    expect(request.endDate).toBeUndefined();
    expect(res.json()).toMatchObject({ end_date: null, category_id: null });
  });

  it('an empty body sends no field', async () => {
    const id = randomUUID();
    const res = await put(id, {});
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id });
    expect(gw.budgeting.lastRequest('updateBudget')).toEqual({
      userId,
      id,
      amount: undefined,
      period: BudgetPeriod.BUDGET_PERIOD_UNSPECIFIED,
      startDate: undefined,
      endDate: undefined,
      clearEndDate: false,
      categoryId: undefined,
      currency: undefined,
      name: undefined,
    });
  });

  it('a user_id in the body has no effect', async () => {
    const budget = { id: randomUUID() };
    expect((await put(budget.id, { user_id: randomUUID(), name: 'Mine' })).statusCode).toBe(200);
    expect(gw.budgeting.lastRequest('updateBudget').userId).toBe(userId);
  });

  it.each([
    ['amount null', { amount: null }, ['amount']],
    ['amount "0"', { amount: '0' }, ['amount']],
    ['amount "-1"', { amount: '-1' }, ['amount']],
    ['period null', { period: null }, ['period']],
    ['period "never"', { period: 'never' }, ['period']],
    ['start_date null', { start_date: null }, ['start_date']],
    ['start_date 2026-02-30', { start_date: '2026-02-30' }, ['start_date']],
    ['end_date 2026-04-31', { end_date: '2026-04-31' }, ['end_date']],
    ['end_date before start_date (both given)', { start_date: '2026-05-01', end_date: '2026-04-30' }, ['end_date']],
    ['category_id not a UUID', { category_id: 'groceries' }, ['category_id']],
    ['currency null', { currency: null }, ['currency']],
    ['currency "EURO"', { currency: 'EURO' }, ['currency']],
    ['name null', { name: null }, ['name']],
    ['an empty name', { name: '' }, ['name']],
    ['a name of 101 characters', { name: 'n'.repeat(101) }, ['name']],
  ])('422 for %s, before any RPC', async (_name, payload, paths) => {
    await expectRefusedByGateway(() => put(randomUUID(), payload), 'updateBudget', paths);
  });

  it.each([
    ['end_date before the stored start_date', { end_date: '2026-02-28' }, 'end_date'],
    ['too precise an amount', { amount: '1.999' }, 'amount'],
    ['a category that is not the caller’s', { category_id: '0b7c2a52-63a4-4a5e-9a55-3b8d7d1f0e11' }, 'category_id'],
  ])('what only the service can judge (%s) is forwarded; its 422 passes through', async (_name, payload, path) => {
    serviceRefuses('updateBudget', path);
    expectRefusedByService(await put(randomUUID(), payload), path);
    expect(gw.budgeting.callsOf('updateBudget')).toHaveLength(1);
  });

  it('the service’s NOT_FOUND (missing, or another user’s) → 404 with its code', async () => {
    gw.budgeting.fail('updateBudget', notFound());
    expectProblem(await put(randomUUID(), { name: 'Hijacked' }), 404, 'BUDGETING_BUDGET_NOT_FOUND');
  });
});

describe('DELETE /budgets/{id}', () => {
  it('sends DeleteBudget the caller and id; 204 with no body', async () => {
    gw.budgeting.answer('deleteBudget', {});
    const budget = { id: randomUUID() };
    const res = await gw.app.inject({ method: 'DELETE', url: `/budgets/${budget.id}`, headers: { ...bearer(token), 'content-type': 'application/json' } });
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe('');
    expect(gw.budgeting.lastRequest('deleteBudget')).toEqual({ userId, id: budget.id });
  });

  it('the service’s NOT_FOUND (gone, or another user’s) → 404 with its code', async () => {
    gw.budgeting.fail('deleteBudget', notFound());
    expectProblem(await del(randomUUID()), 404, 'BUDGETING_BUDGET_NOT_FOUND');
  });
});

describe('budgeting failures', () => {
  upstreamFailureTests(
    'budgeting',
    ['/budgets', `/budgets/${randomUUID()}`],
    (local) => {
      local.budgeting.answer('listBudgets', { items: [], page: { nextCursor: '' } });
      local.budgeting.answer('getBudget', { budget: protoBudget(), analysis: protoAnalysis() });
    },
    () => ({ gw, token }),
  );

  it.each([
    ['a budget without period', 'getBudget', (r: budgetingV1.GetBudgetResponse) => ({ ...r, budget: { ...r.budget!, period: BudgetPeriod.BUDGET_PERIOD_UNSPECIFIED } })],
    ['an analysis without status', 'getBudget', (r: budgetingV1.GetBudgetResponse) => ({ ...r, analysis: { ...r.analysis!, status: BudgetStatus.BUDGET_STATUS_UNSPECIFIED } })],
    ['spent in another currency', 'getBudget', (r: budgetingV1.GetBudgetResponse) => ({ ...r, analysis: { ...r.analysis!, spent: { minorUnits: '1', currency: 'EUR' } } })],
    ['a percent that is not a decimal', 'getBudget', (r: budgetingV1.GetBudgetResponse) => ({ ...r, analysis: { ...r.analysis!, percentUsed: '' } })],
  ] as const)('an answer that breaks the contract (%s) → 500, not a half-filled body', async (_name, rpc, tamper) => {
    const budget = protoBudget();
    gw.budgeting.answer(rpc, tamper({ budget, analysis: protoAnalysis() }) as budgetingV1.GetBudgetResponse);
    expectProblem(await get(`/budgets/${budget.id}?date=2026-03-02`), 500, 'INTERNAL_ERROR');
  });
});

describe('every budgets route needs a bearer token', () => {
  const id = randomUUID();
  const routes = [
    ['POST', '/budgets'],
    ['GET', '/budgets'],
    ['GET', `/budgets/${id}`],
    ['GET', `/budgets/${id}?date=2026-03-01`],
    ['PUT', `/budgets/${id}`],
    ['DELETE', `/budgets/${id}`],
    // Checked before the id or the query: an anonymous caller learns nothing, not even a 404 or 422.
    ['GET', '/budgets/not-a-uuid'],
    ['GET', '/budgets/not-a-uuid?date=nope'],
  ] as const;

  it.each(routes)('%s %s → 401 without a token, 401 with a bad one; the service is not asked', async (method, url) => {
    const calls = gw.budgeting.calls.length;
    const payload = method === 'POST' || method === 'PUT' ? { payload: { amount: 'x' } } : {};
    const anonymous = await gw.app.inject({ method, url, ...payload });
    expectProblem(anonymous, 401, 'TOKEN_MISSING');
    expect(anonymous.headers['www-authenticate']).toBe('Bearer');
    expectProblem(await gw.app.inject({ method, url, headers: bearer('not.a.token'), ...payload }), 401, 'TOKEN_INVALID');
    expect(gw.budgeting.calls).toHaveLength(calls);
  });
});
