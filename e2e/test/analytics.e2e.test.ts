import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { client, signUp, startStack, type Reply, type Stack } from './support/stack.js';
import { INCOME_VS_EXPENSE_FIELDS, INTERVAL_FIELDS, SPENDING_FIELDS, SPENDING_ITEM_FIELDS, STATUS_FIELDS } from './support/fields.js';
import { expectInvalid, expectProblem } from './support/problems.js';

// Every analytics row of API.md (Version 2: spending, income vs expense, budget status) through the
// gateway, with the real auth, ledger, budgeting and reporting services behind it, as a client calls them.

let stack: Stack;
let api: ReturnType<typeof client>;

beforeAll(async () => {
  // Per-address limits are configurable (API.md); this suite sends more than a minute's default.
  stack = await startStack({ RATE_LIMIT_PER_MINUTE: '100000', AUTH_RATE_LIMIT_PER_MINUTE: '100000' });
  api = client(stack.baseUrl);
});

afterAll(async () => {
  await stack.close();
});


interface SpendingItem {
  category_id: string | null;
  category_name: string | null;
  total: string;
  count: number;
}

interface Spending {
  from: string;
  to: string;
  currency: string;
  total: string;
  items: SpendingItem[];
  excluded_currencies: string[];
}

interface IntervalTotals {
  period_start: string;
  period_end: string;
  income: string;
  expense: string;
  net: string;
}

interface IncomeVsExpense {
  from: string;
  to: string;
  interval: 'day' | 'week' | 'month' | 'year';
  currency: string;
  items: IntervalTotals[];
  totals: { income: string; expense: string; net: string };
  excluded_currencies: string[];
}

async function newUser(prefix = 'analytics') {
  const { tokens, user } = await signUp(api, prefix);
  return { token: tokens.access_token, user };
}

async function createCategory(token: string, name: string): Promise<{ id: string; name: string }> {
  const reply = await api.post('/categories', { name, color: '#336699' }, token);
  if (reply.status !== 201) throw new Error(`POST /categories: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body;
}

async function record(token: string, transaction_type: 'income' | 'expense', amount: string, date: string, fields: Record<string, unknown> = {}): Promise<{ id: string }> {
  const reply = await api.post('/transactions', { amount, transaction_type, date, ...fields }, token);
  if (reply.status !== 201) throw new Error(`POST /transactions: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body;
}

const spend = (token: string, amount: string, date: string, fields: Record<string, unknown> = {}) => record(token, 'expense', amount, date, fields);
const earn = (token: string, amount: string, date: string, fields: Record<string, unknown> = {}) => record(token, 'income', amount, date, fields);

async function createBudget(token: string, fields: Record<string, unknown>): Promise<{ id: string; name: string }> {
  const reply = await api.post('/budgets', { amount: '100.00', period: 'monthly', start_date: '2026-03-01', ...fields }, token);
  if (reply.status !== 201) throw new Error(`POST /budgets: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body;
}

function ok(reply: Reply, what: string) {
  if (reply.status !== 200) throw new Error(`${what}: ${reply.status} ${JSON.stringify(reply.body)}`);
  expect(reply.headers.get('content-type')).toMatch(/^application\/json/);
  return reply.body;
}

async function spending(token: string, from: string, to: string): Promise<Spending> {
  const body = ok(await api.get(`/analytics/spending?from=${from}&to=${to}`, token), 'GET /analytics/spending') as Spending;
  expect(Object.keys(body).sort()).toEqual(SPENDING_FIELDS);
  for (const item of body.items) expect(Object.keys(item).sort()).toEqual(SPENDING_ITEM_FIELDS);
  return body;
}

async function incomeVsExpense(token: string, query: string): Promise<IncomeVsExpense> {
  const body = ok(await api.get(`/analytics/income-vs-expense?${query}`, token), 'GET /analytics/income-vs-expense') as IncomeVsExpense;
  expect(Object.keys(body).sort()).toEqual(INCOME_VS_EXPENSE_FIELDS);
  for (const item of body.items) expect(Object.keys(item).sort()).toEqual(INTERVAL_FIELDS);
  expect(Object.keys(body.totals).sort()).toEqual(['expense', 'income', 'net']);
  return body;
}

const periods = (body: IncomeVsExpense) => body.items.map((i) => [i.period_start, i.period_end]);

/** Today in an IANA time zone, YYYY-MM-DD. */
const todayIn = (timeZone: string) => new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());

describe('GET /analytics/spending', () => {
  test('exact decimals: three expenses of 0.10 total exactly "0.30", count a JSON integer', async () => {
    const { token } = await newUser();
    const coffee = await createCategory(token, 'Coffee');
    for (const date of ['2026-03-02', '2026-03-05', '2026-03-10']) await spend(token, '0.10', date, { category_id: coffee.id });
    expect(await spending(token, '2026-03-01', '2026-03-31')).toEqual({
      from: '2026-03-01',
      to: '2026-03-31',
      currency: 'USD',
      total: '0.30',
      items: [{ category_id: coffee.id, category_name: 'Coffee', total: '0.30', count: 3 }],
      excluded_currencies: [],
    });
  });

  test('expenses only, per category with its name, uncategorized as category_id null, largest total first; from and to are inclusive', async () => {
    const { token } = await newUser();
    const food = await createCategory(token, 'Food');
    const rent = await createCategory(token, 'Rent');
    const unused = await createCategory(token, 'Unused');
    await spend(token, '12.34', '2026-03-01', { category_id: food.id }); // on `from`
    await spend(token, '7.66', '2026-03-31', { category_id: food.id }); // on `to`
    await spend(token, '900', '2026-03-03', { category_id: rent.id });
    await spend(token, '4.5', '2026-03-15');
    await spend(token, '0.5', '2026-03-16');
    await earn(token, '5000', '2026-03-01', { category_id: food.id }); // income never counts
    await earn(token, '100', '2026-03-02');
    await spend(token, '1000', '2026-02-28', { category_id: food.id }); // before `from`
    await spend(token, '1000', '2026-04-01', { category_id: unused.id }); // after `to`

    const body = await spending(token, '2026-03-01', '2026-03-31');
    expect(body).toEqual({
      from: '2026-03-01',
      to: '2026-03-31',
      currency: 'USD',
      total: '925.00',
      items: [
        { category_id: rent.id, category_name: 'Rent', total: '900.00', count: 1 },
        { category_id: food.id, category_name: 'Food', total: '20.00', count: 2 },
        { category_id: null, category_name: null, total: '5.00', count: 2 },
      ],
      excluded_currencies: [],
    });
    // A one-day range.
    expect((await spending(token, '2026-03-31', '2026-03-31')).items).toEqual([{ category_id: food.id, category_name: 'Food', total: '7.66', count: 1 }]);
    // Nothing spent: a zero total, no items.
    expect(await spending(token, '2025-01-01', '2025-12-31')).toEqual({
      from: '2025-01-01',
      to: '2025-12-31',
      currency: 'USD',
      total: '0.00',
      items: [],
      excluded_currencies: [],
    });
  });

  test('another user’s transactions are never counted, even in a category of the same name', async () => {
    const alice = await newUser('alice');
    const bob = await newUser('bob');
    const aliceFood = await createCategory(alice.token, 'Food');
    const bobFood = await createCategory(bob.token, 'Food');
    await spend(alice.token, '10.00', '2026-03-05', { category_id: aliceFood.id });
    await spend(bob.token, '99.99', '2026-03-05', { category_id: bobFood.id });
    await spend(bob.token, '1.01', '2026-03-06');
    await spend(bob.token, '5.00', '2026-03-07', { user_id: alice.user.id }); // a user_id in the body changes nothing

    expect(await spending(alice.token, '2026-03-01', '2026-03-31')).toMatchObject({
      total: '10.00',
      items: [{ category_id: aliceFood.id, category_name: 'Food', total: '10.00', count: 1 }],
    });
    expect(await spending(bob.token, '2026-03-01', '2026-03-31')).toMatchObject({
      total: '106.00',
      items: [
        { category_id: bobFood.id, category_name: 'Food', total: '99.99', count: 1 },
        { category_id: null, category_name: null, total: '6.01', count: 2 },
      ],
    });
  });

  test('in the base currency: other currencies converted at the ECB rate of their date; only one without a rate is left out and listed in excluded_currencies', async () => {
    const { token } = await newUser();
    const travel = await createCategory(token, 'Travel');
    await spend(token, '20.00', '2026-03-05', { category_id: travel.id });
    await spend(token, '15.00', '2026-03-06', { category_id: travel.id, currency: 'EUR' });
    await spend(token, '3000', '2026-03-07', { currency: 'JPY' });
    await spend(token, '1.000', '2026-03-07', { currency: 'KWD' }); // never published by the ECB: no rate
    await spend(token, '1.00', '2026-04-07', { currency: 'CHF' }); // outside the range: not listed
    await earn(token, '50.00', '2026-03-08', { currency: 'GBP' }); // income: not an expense, not listed

    // ECB: 2026-03-06 USD 1.1561, JPY 182.57 (Saturday 03-07 uses Friday's); 2026-03-05 USD 1.1618, JPY 183.03.
    // 15.00 EUR × 1.1561 = 17.3415 → 17.34 USD; 3000 JPY / 182.57 × 1.1561 = 18.997… → 19.00 USD.
    expect(await spending(token, '2026-03-01', '2026-03-31')).toEqual({
      from: '2026-03-01',
      to: '2026-03-31',
      currency: 'USD',
      total: '56.34',
      items: [
        { category_id: travel.id, category_name: 'Travel', total: '37.34', count: 2 },
        { category_id: null, category_name: null, total: '19.00', count: 1 },
      ],
      excluded_currencies: ['KWD'],
    });

    // With JPY as the base currency the same expenses in whole yen: 20.00 USD / 1.1618 × 183.03 = 3150.80… → 3151;
    // 15.00 EUR × 182.57 = 2738.55 → 2739.
    expect((await api.put('/users/me', { base_currency: 'JPY' }, token)).status).toBe(200);
    expect(await spending(token, '2026-03-01', '2026-03-31')).toEqual({
      from: '2026-03-01',
      to: '2026-03-31',
      currency: 'JPY',
      total: '8890',
      items: [
        { category_id: travel.id, category_name: 'Travel', total: '5890', count: 2 },
        { category_id: null, category_name: null, total: '3000', count: 1 },
      ],
      excluded_currencies: ['KWD'],
    });
  });

  test('a deleted category’s expenses count as uncategorized; a renamed one shows its new name', async () => {
    const { token } = await newUser();
    const old = await createCategory(token, 'Old');
    const kept = await createCategory(token, 'Kept');
    await spend(token, '3.00', '2026-03-05', { category_id: old.id });
    await spend(token, '2.00', '2026-03-06');
    await spend(token, '1.00', '2026-03-07', { category_id: kept.id });
    expect((await api.delete(`/categories/${old.id}`, token)).status).toBe(204);
    expect((await api.put(`/categories/${kept.id}`, { name: 'Renamed' }, token)).status).toBe(200);
    expect((await spending(token, '2026-03-01', '2026-03-31')).items).toEqual([
      { category_id: null, category_name: null, total: '5.00', count: 2 },
      { category_id: kept.id, category_name: 'Renamed', total: '1.00', count: 1 },
    ]);
  });
});

describe('GET /analytics/income-vs-expense', () => {
  test('default interval month: every month overlapping the range, zeros included; only transactions within [from, to]; totals; negative net', async () => {
    const { token } = await newUser();
    await spend(token, '999', '2026-01-14'); // the day before `from`: its month is listed, it is not counted
    await earn(token, '3000', '2026-01-20');
    await spend(token, '100.10', '2026-01-31');
    await spend(token, '3500', '2026-03-15');
    await earn(token, '0.01', '2026-04-10'); // on `to`
    await spend(token, '999', '2026-04-11'); // after `to`

    const body = await incomeVsExpense(token, 'from=2026-01-15&to=2026-04-10');
    expect(body).toEqual({
      from: '2026-01-15',
      to: '2026-04-10',
      interval: 'month',
      currency: 'USD',
      items: [
        { period_start: '2026-01-01', period_end: '2026-01-31', income: '3000.00', expense: '100.10', net: '2899.90' },
        { period_start: '2026-02-01', period_end: '2026-02-28', income: '0.00', expense: '0.00', net: '0.00' },
        { period_start: '2026-03-01', period_end: '2026-03-31', income: '0.00', expense: '3500.00', net: '-3500.00' },
        { period_start: '2026-04-01', period_end: '2026-04-30', income: '0.01', expense: '0.00', net: '0.01' },
      ],
      totals: { income: '3000.01', expense: '3600.10', net: '-600.09' },
      excluded_currencies: [],
    });
    // interval=month is the default.
    expect(await incomeVsExpense(token, 'from=2026-01-15&to=2026-04-10&interval=month')).toEqual(body);
  });

  test('months start on the 1st: a leap February ends on the 29th, a range inside one month is one item', async () => {
    const { token } = await newUser();
    await spend(token, '1.00', '2024-02-29');
    expect(periods(await incomeVsExpense(token, 'from=2024-02-10&to=2024-03-05'))).toEqual([
      ['2024-02-01', '2024-02-29'],
      ['2024-03-01', '2024-03-31'],
    ]);
    const one = await incomeVsExpense(token, 'from=2024-02-29&to=2024-02-29&interval=month');
    expect(one.items).toEqual([{ period_start: '2024-02-01', period_end: '2024-02-29', income: '0.00', expense: '1.00', net: '-1.00' }]);
  });

  test('weeks start on Monday, also across a new year; Sunday and Monday fall in different weeks', async () => {
    const { token } = await newUser();
    // 2026-03-08 is a Sunday, 2026-03-09 a Monday.
    await spend(token, '8.00', '2026-03-08');
    await earn(token, '9.00', '2026-03-09');
    const body = await incomeVsExpense(token, 'from=2026-03-04&to=2026-03-17&interval=week');
    expect(body).toMatchObject({ from: '2026-03-04', to: '2026-03-17', interval: 'week' });
    expect(body.items).toEqual([
      { period_start: '2026-03-02', period_end: '2026-03-08', income: '0.00', expense: '8.00', net: '-8.00' },
      { period_start: '2026-03-09', period_end: '2026-03-15', income: '9.00', expense: '0.00', net: '9.00' },
      { period_start: '2026-03-16', period_end: '2026-03-22', income: '0.00', expense: '0.00', net: '0.00' },
    ]);
    expect(body.totals).toEqual({ income: '9.00', expense: '8.00', net: '1.00' });
    // Wednesday 2025-12-31 is in the week of Monday 2025-12-29.
    expect(periods(await incomeVsExpense(token, 'from=2025-12-31&to=2026-01-05&interval=week'))).toEqual([
      ['2025-12-29', '2026-01-04'],
      ['2026-01-05', '2026-01-11'],
    ]);
  });

  test('interval=day: one item per day, zeros included', async () => {
    const { token } = await newUser();
    await earn(token, '10.00', '2026-02-27');
    await spend(token, '2.50', '2026-03-02');
    expect((await incomeVsExpense(token, 'from=2026-02-27&to=2026-03-02&interval=day')).items).toEqual([
      { period_start: '2026-02-27', period_end: '2026-02-27', income: '10.00', expense: '0.00', net: '10.00' },
      { period_start: '2026-02-28', period_end: '2026-02-28', income: '0.00', expense: '0.00', net: '0.00' },
      { period_start: '2026-03-01', period_end: '2026-03-01', income: '0.00', expense: '0.00', net: '0.00' },
      { period_start: '2026-03-02', period_end: '2026-03-02', income: '0.00', expense: '2.50', net: '-2.50' },
    ]);
  });

  test('interval=year: calendar years from January 1st', async () => {
    const { token } = await newUser();
    await earn(token, '100.00', '2024-12-31');
    await spend(token, '40.00', '2026-01-01');
    const body = await incomeVsExpense(token, 'from=2024-06-01&to=2026-02-01&interval=year');
    expect(body.items).toEqual([
      { period_start: '2024-01-01', period_end: '2024-12-31', income: '100.00', expense: '0.00', net: '100.00' },
      { period_start: '2025-01-01', period_end: '2025-12-31', income: '0.00', expense: '0.00', net: '0.00' },
      { period_start: '2026-01-01', period_end: '2026-12-31', income: '0.00', expense: '40.00', net: '-40.00' },
    ]);
    expect(body.totals).toEqual({ income: '100.00', expense: '40.00', net: '60.00' });
  });

  test('in the base currency: other currencies converted at their date’s rate; another user’s transactions never counted', async () => {
    const { token } = await newUser();
    const other = await newUser();
    await earn(token, '0.10', '2026-03-01');
    await earn(token, '0.20', '2026-03-02');
    await spend(token, '0.05', '2026-03-03');
    await earn(token, '1000', '2026-03-04', { currency: 'JPY' });
    await spend(token, '5.00', '2026-03-05', { currency: 'EUR' });
    await earn(other.token, '777.77', '2026-03-06');
    await spend(other.token, '66.66', '2026-03-06');
    const body = await incomeVsExpense(token, 'from=2026-03-01&to=2026-03-31');
    // ECB: 1000 JPY / 183.02 × 1.1649 (2026-03-04) = 6.3648… → 6.36 USD; 5.00 EUR × 1.1618 (03-05) = 5.809 → 5.81 USD.
    expect(body.items).toEqual([{ period_start: '2026-03-01', period_end: '2026-03-31', income: '6.66', expense: '5.86', net: '0.80' }]);
    expect(body.totals).toEqual({ income: '6.66', expense: '5.86', net: '0.80' });
    expect(body.excluded_currencies).toEqual([]);
  });
});

describe('GET /analytics/budget-status', () => {
  test('an active budget’s figures on ?date, with its currency; ended and not-yet-started budgets are absent', async () => {
    const { token } = await newUser();
    const food = await createCategory(token, 'Food');
    const foodBudget = await createBudget(token, { amount: '20.00', category_id: food.id, name: 'Food budget' });
    const euros = await createBudget(token, { amount: '50.00', currency: 'EUR', period: 'weekly', start_date: '2026-03-02', name: 'Euros' });
    await createBudget(token, { start_date: '2026-04-01', name: 'Not yet' });
    await createBudget(token, { start_date: '2026-01-01', end_date: '2026-03-09', name: 'Ended' });
    await spend(token, '25.50', '2026-03-09', { category_id: food.id });
    await spend(token, '12.34', '2026-03-10', { currency: 'EUR' });

    const reply = await api.get('/analytics/budget-status?date=2026-03-10', token);
    const body = ok(reply, 'GET /analytics/budget-status');
    expect(Object.keys(body).sort()).toEqual(['date', 'items']);
    for (const item of body.items) expect(Object.keys(item).sort()).toEqual(STATUS_FIELDS);
    expect(body).toEqual({
      date: '2026-03-10',
      items: [
        {
          budget_id: foodBudget.id,
          name: 'Food budget',
          category_id: food.id,
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
          budget_id: euros.id,
          name: 'Euros',
          category_id: null,
          amount: '50.00',
          currency: 'EUR',
          // 12.34 EUR plus the 25.50 USD of 2026-03-09 at that day's ECB rate: / 1.1555 = 22.068… → 22.07 EUR.
          spent: '34.41',
          remaining: '15.59',
          percent_used: '68.82',
          status: 'under',
          period_start: '2026-03-09',
          period_end: '2026-03-15',
          excluded_currencies: [],
        },
      ],
    });

    // The same figures as GET /budgets/{id} for that day.
    const analysis = (await api.get(`/budgets/${euros.id}?date=2026-03-10`, token)).body.analysis;
    expect(body.items[1]).toMatchObject({ spent: analysis.spent, remaining: analysis.remaining, percent_used: analysis.percent_used, period_start: analysis.period_start });

    // `date` decides which budgets are active: the ended one on its end_date, the future one from its start_date.
    const names = async (date: string) => {
      const status = ok(await api.get(`/analytics/budget-status?date=${date}`, token), 'GET /analytics/budget-status');
      expect(status.date).toBe(date);
      return (status.items as { name: string }[]).map((i) => i.name);
    };
    expect(await names('2026-03-09')).toEqual(['Food budget', 'Euros', 'Ended']);
    expect(await names('2026-04-01')).toEqual(['Food budget', 'Euros', 'Not yet']);
    expect(await names('2025-12-31')).toEqual([]);
  });

  test('without ?date: today in the user’s time zone, and the answer says which day that is', async () => {
    // UTC+14 and UTC−11 are 25 hours apart: at any moment their dates differ.
    const zones = ['Pacific/Kiritimati', 'Pacific/Pago_Pago'];
    const dates: string[] = [];
    for (const timezone of zones) {
      const { token } = await newUser();
      expect((await api.put('/users/me', { timezone }, token)).status).toBe(200);
      await createBudget(token, { period: 'daily', start_date: '2020-01-01', name: 'Daily' });
      const before = todayIn(timezone);
      const body = ok(await api.get('/analytics/budget-status', token), 'GET /analytics/budget-status');
      const after = todayIn(timezone);
      expect([before, after]).toContain(body.date);
      expect(body.items).toHaveLength(1);
      expect(body.items[0]).toMatchObject({ name: 'Daily', period_start: body.date, period_end: body.date });
      dates.push(body.date);
    }
    expect(dates[0]! > dates[1]!).toBe(true);
  });

  test('another user’s budgets are never listed', async () => {
    const owner = await newUser();
    const other = await newUser();
    await createBudget(owner.token, { name: 'Private' });
    expect(ok(await api.get('/analytics/budget-status?date=2026-03-10', other.token), 'status')).toEqual({ date: '2026-03-10', items: [] });
  });
});

describe('bad input', () => {
  let token: string;
  beforeAll(async () => {
    ({ token } = await newUser('badinput'));
  });

  test.each([
    ['spending', '/analytics/spending?from=2026-03-02&to=2026-03-01'],
    ['income-vs-expense', '/analytics/income-vs-expense?from=2026-03-02&to=2026-03-01'],
    ['income-vs-expense by day', '/analytics/income-vs-expense?from=2027-01-01&to=2026-01-01&interval=day'],
  ])('%s: from after to → 422 naming `from`, with the service’s message', async (_name, url) => {
    const reply = await api.get(url, token);
    const body = expectInvalid(reply, 'from');
    expect(body.errors).toEqual([{ path: 'from', message: 'must not be after to' }]);
    expect((reply.body as { detail: string }).detail).toBe('from: must not be after to');
  });

  test('ten years by day → 422 naming `interval`, saying how many intervals, the limit and what fits; the same range by week or month is fine', async () => {
    const reply = await api.get('/analytics/income-vs-expense?from=2016-01-01&to=2025-12-31&interval=day', token);
    const body = expectInvalid(reply, 'interval');
    const message =
      '2016-01-01 to 2025-12-31 spans 3,653 daily intervals, more than the 1,000 one report may have: choose a longer interval (week: 523 intervals) or a shorter range.';
    expect(body.errors).toEqual([{ path: 'interval', message }]);
    expect((reply.body as { detail: string }).detail).toBe(message);
    expect((await incomeVsExpense(token, 'from=2016-01-01&to=2025-12-31&interval=week')).items).toHaveLength(523);
    expect((await incomeVsExpense(token, 'from=2016-01-01&to=2025-12-31')).items).toHaveLength(120);
  });

  test.each(['2026-02-30', '2025-02-29', '2026-3-1', '03/01/2026', 'today', '', '2026-03-01T00:00:00Z'])('malformed date "%s" → 422 naming the field', async (bad) => {
    expectInvalid(await api.get(`/analytics/spending?from=${encodeURIComponent(bad)}&to=2026-03-31`, token), 'from');
    expectInvalid(await api.get(`/analytics/spending?from=2026-03-01&to=${encodeURIComponent(bad)}`, token), 'to');
    expectInvalid(await api.get(`/analytics/income-vs-expense?from=${encodeURIComponent(bad)}&to=2026-03-31`, token), 'from');
    expectInvalid(await api.get(`/analytics/income-vs-expense?from=2026-03-01&to=${encodeURIComponent(bad)}&interval=day`, token), 'to');
    expectInvalid(await api.get(`/analytics/budget-status?date=${encodeURIComponent(bad)}`, token), 'date');
  });

  test('missing from or to → 422 naming each', async () => {
    for (const path of ['/analytics/spending', '/analytics/income-vs-expense']) {
      expectInvalid(await api.get(`${path}?to=2026-03-31`, token), 'from');
      expectInvalid(await api.get(`${path}?from=2026-03-01`, token), 'to');
      const both = expectProblem(await api.get(path, token), 422);
      expect(both.errors!.map((e) => e.path).sort()).toEqual(['from', 'to']);
    }
  });

  test.each(['hour', 'weekly', 'Month', 'DAY', '', '2'])('unknown interval "%s" → 422 naming interval', async (interval) => {
    const body = expectInvalid(await api.get(`/analytics/income-vs-expense?from=2026-03-01&to=2026-03-31&interval=${interval}`, token), 'interval');
    expect(body.errors!.find((e) => e.path === 'interval')!.message).toMatch(/day.*week.*month.*year/);
  });

  test('every analytics route answers 401 without a valid bearer token (before looking at the query)', async () => {
    const urls = [
      '/analytics/spending?from=2026-03-01&to=2026-03-31',
      '/analytics/income-vs-expense?from=2026-03-01&to=2026-03-31&interval=week',
      '/analytics/budget-status?date=2026-03-01',
      '/analytics/spending',
      '/analytics/income-vs-expense?interval=hour',
    ];
    for (const url of urls) {
      for (const bad of [undefined, 'garbage', `${token.slice(0, -4)}AAAA`]) {
        const reply = await api.request('GET', url, bad ? { token: bad } : {});
        expectProblem(reply, 401);
        expect(reply.headers.get('www-authenticate')).toMatch(/^Bearer/);
      }
    }
  });
});

describe('operations', () => {
  test('GET /health reports reporting too', async () => {
    const reply = await api.get('/health');
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ status: 'ok', services: { auth: 'SERVING', ledger: 'SERVING', budgeting: 'SERVING', reporting: 'SERVING' } });
  });

  test('GET /docs/json documents the three analytics operations', async () => {
    const doc = (await api.get('/docs/json')).body;
    expect(doc.paths['/analytics/spending'].get.operationId).toBe('getSpending');
    expect(doc.paths['/analytics/income-vs-expense'].get.operationId).toBe('getIncomeVsExpense');
    expect(doc.paths['/analytics/budget-status'].get.operationId).toBe('getBudgetStatus');
  });
});
