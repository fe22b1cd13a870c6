import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { client, problemCore, signUp, startStack, type Reply, type Stack } from './support/stack.js';
import { ANALYSIS_FIELDS, BUDGET_FIELDS, ISO_UTC, STATUS_FIELDS, UUID } from './support/fields.js';
import { expectInvalid, expectProblem } from './support/problems.js';

// Every row of API.md's budgets table (Version 2) and GET /analytics/budget-status, through the
// gateway with the real auth, ledger and budgeting services behind it, as a client calls them.

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


interface Budget {
  id: string;
  name: string;
  amount: string;
  currency: string;
  period: 'daily' | 'weekly' | 'monthly' | 'yearly';
  start_date: string;
  end_date: string | null;
  category_id: string | null;
  created_at: string;
  updated_at: string;
}

interface Analysis {
  period_start: string;
  period_end: string;
  spent: string;
  remaining: string;
  percent_used: string;
  status: 'under' | 'over';
  daily_average: string;
  projected_spend: string;
  days_in_period: number;
  days_elapsed: number;
  history: { period_start: string; period_end: string; spent: string; status: 'under' | 'over' }[];
  excluded_currencies: string[];
}

interface StatusItem {
  budget_id: string;
  name: string;
  category_id: string | null;
  amount: string;
  currency: string;
  spent: string;
  remaining: string;
  percent_used: string;
  status: 'under' | 'over';
  period_start: string;
  period_end: string;
  excluded_currencies: string[];
}

async function newUser(prefix = 'budget') {
  const { tokens, user } = await signUp(api, prefix);
  return { token: tokens.access_token, user };
}



const base = { amount: '100.00', period: 'monthly', start_date: '2026-03-01' };

async function createBudget(token: string, fields: Record<string, unknown> = {}): Promise<Budget> {
  const reply = await api.post('/budgets', { ...base, ...fields }, token);
  if (reply.status !== 201) throw new Error(`POST /budgets: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body as Budget;
}

async function createCategory(token: string, name = `Category ${randomUUID().slice(0, 8)}`): Promise<{ id: string; name: string }> {
  const reply = await api.post('/categories', { name, color: '#336699' }, token);
  if (reply.status !== 201) throw new Error(`POST /categories: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body;
}

async function spend(token: string, amount: string, date: string, fields: Record<string, unknown> = {}): Promise<{ id: string }> {
  const reply = await api.post('/transactions', { amount, transaction_type: 'expense', date, ...fields }, token);
  if (reply.status !== 201) throw new Error(`POST /transactions: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body;
}

async function analysisOn(token: string, id: string, date: string): Promise<Analysis> {
  const reply = await api.get(`/budgets/${id}?date=${date}`, token);
  if (reply.status !== 200) throw new Error(`GET /budgets/${id}?date=${date}: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body.analysis as Analysis;
}

async function statusOn(token: string, date: string): Promise<StatusItem[]> {
  const reply = await api.get(`/analytics/budget-status?date=${date}`, token);
  if (reply.status !== 200) throw new Error(`GET /analytics/budget-status?date=${date}: ${reply.status} ${JSON.stringify(reply.body)}`);
  expect(Object.keys(reply.body).sort()).toEqual(['date', 'items']);
  expect(reply.body.date).toBe(date);
  return reply.body.items as StatusItem[];
}

/** Follows next_cursor from the first page to the last. */
async function walk<T>(path: string, token: string): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const separator = path.includes('?') ? '&' : '?';
    const reply = await api.get(cursor === null ? path : `${path}${separator}cursor=${encodeURIComponent(cursor)}`, token);
    expect(reply.status).toBe(200);
    expect(Object.keys(reply.body).sort()).toEqual(['items', 'next_cursor']);
    items.push(...(reply.body.items as T[]));
    cursor = reply.body.next_cursor;
    pages++;
    if (pages > 100) throw new Error('pagination does not end');
  } while (cursor !== null);
  return { items, pages };
}

/** The budget part of GET /budgets/{id} (without `analysis`). */
function withoutAnalysis(body: Record<string, unknown>): Record<string, unknown> {
  const { analysis: _analysis, ...budget } = body;
  return budget;
}

const todayUtc = () => new Date().toISOString().slice(0, 10);

/** Today in an IANA time zone, YYYY-MM-DD. */
const todayIn = (timeZone: string) => new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());

describe('POST /budgets', () => {
  test('201 with the budget: exactly the documented fields, amount as a decimal string, Location; what was answered is what is stored', async () => {
    const { token } = await newUser();
    const category = await createCategory(token, 'Groceries');
    const reply = await api.post(
      '/budgets',
      { amount: '400.5', period: 'weekly', start_date: '2026-03-02', end_date: '2026-06-28', category_id: category.id, currency: 'EUR', name: 'Food' },
      token,
    );
    expect(reply.status).toBe(201);
    expect(Object.keys(reply.body).sort()).toEqual(BUDGET_FIELDS);
    expect(reply.body).toMatchObject({
      id: expect.stringMatching(UUID),
      name: 'Food',
      amount: '400.50',
      currency: 'EUR',
      period: 'weekly',
      start_date: '2026-03-02',
      end_date: '2026-06-28',
      category_id: category.id,
    });
    expect(reply.body.created_at).toMatch(ISO_UTC);
    expect(reply.body.updated_at).toMatch(ISO_UTC);
    expect(reply.headers.get('location')).toBe(`/budgets/${reply.body.id}`);
    const stored = await api.get(`/budgets/${reply.body.id}`, token);
    expect(stored.status).toBe(200);
    expect(withoutAnalysis(stored.body)).toEqual(reply.body);
  });

  test('without the optional fields: all expenses (category_id null), open-ended (end_date null), the user’s base currency, a name', async () => {
    const { token } = await newUser();
    const usd = await createBudget(token);
    expect(usd).toMatchObject({ amount: '100.00', currency: 'USD', period: 'monthly', start_date: '2026-03-01', end_date: null, category_id: null });
    expect(usd.name).toEqual(expect.any(String));
    expect(usd.name.length).toBeGreaterThan(0);
    expect((await api.put('/users/me', { base_currency: 'JPY' }, token)).status).toBe(200);
    expect(await createBudget(token, { amount: '5000' })).toMatchObject({ amount: '5000', currency: 'JPY' });
    // The base currency's precision applies too.
    expectInvalid(await api.post('/budgets', { ...base, amount: '50.50' }, token), 'amount');
    // null counts as not given.
    const nulls = await createBudget(token, { amount: '5000', end_date: null, category_id: null, name: null });
    expect(nulls).toMatchObject({ end_date: null, category_id: null, currency: 'JPY' });
  });

  test('every period; JSON numbers are exact; the currency decides the decimals (JPY 0, KWD 3)', async () => {
    const { token } = await newUser();
    for (const period of ['daily', 'weekly', 'monthly', 'yearly']) expect((await createBudget(token, { period })).period).toBe(period);
    expect((await createBudget(token, { amount: 0.1 })).amount).toBe('0.10');
    expect((await createBudget(token, { amount: 250 })).amount).toBe('250.00');
    expect((await createBudget(token, { amount: 30000, currency: 'JPY' })).amount).toBe('30000');
    expect((await createBudget(token, { amount: '1.25', currency: 'KWD' })).amount).toBe('1.250');
    expect((await createBudget(token, { amount: '999999999999999.99' })).amount).toBe('999999999999999.99');
    expect((await createBudget(token, { end_date: base.start_date })).end_date).toBe(base.start_date);
  });

  test('a user_id in the body has no effect: the budget is the caller’s', async () => {
    const a = await newUser();
    const b = await newUser();
    const budget = await createBudget(a.token, { user_id: b.user.id, id: randomUUID() });
    expect((await api.get(`/budgets/${budget.id}`, a.token)).status).toBe(200);
    expectProblem(await api.get(`/budgets/${budget.id}`, b.token), 404);
  });

  describe('422 for bad input, naming the field; nothing is created', () => {
    let token: string;
    let theirCategory: string;
    beforeAll(async () => {
      ({ token } = await newUser('badbudget'));
      theirCategory = (await createCategory((await newUser()).token)).id;
    });

    test.each([
      ['"12.345" in USD (3 decimals)', { amount: '12.345' }, 'amount'],
      ['"10.5" in JPY', { amount: '10.5', currency: 'JPY' }, 'amount'],
      ['the number 10.5 in JPY', { amount: 10.5, currency: 'JPY' }, 'amount'],
      ['zero', { amount: '0' }, 'amount'],
      ['a negative amount', { amount: '-5.00' }, 'amount'],
      ['"abc"', { amount: 'abc' }, 'amount'],
      ['the string "1e3"', { amount: '1e3' }, 'amount'],
      ['16 integer digits', { amount: '1234567890123456' }, 'amount'],
      ['no amount', { amount: undefined }, 'amount'],
      ['period "biweekly"', { period: 'biweekly' }, 'period'],
      ['period "Monthly"', { period: 'Monthly' }, 'period'],
      ['no period', { period: undefined }, 'period'],
      ['start_date 2026-02-30', { start_date: '2026-02-30' }, 'start_date'],
      ['start_date 2025-02-29', { start_date: '2025-02-29' }, 'start_date'],
      ['start_date 2026-3-1', { start_date: '2026-3-1' }, 'start_date'],
      ['no start_date', { start_date: undefined }, 'start_date'],
      ['end_date 2026-04-31', { end_date: '2026-04-31' }, 'end_date'],
      ['end_date before start_date', { end_date: '2026-02-28' }, 'end_date'],
      ['a category_id that is not an id', { category_id: 'food' }, 'category_id'],
      ['a category_id that does not exist', { category_id: randomUUID() }, 'category_id'],
      ['an unknown currency', { currency: 'XYZ' }, 'currency'],
      ['a currency in lower case', { currency: 'eur' }, 'currency'],
      ['an empty name', { name: '' }, 'name'],
      ['a name of 101 characters', { name: 'n'.repeat(101) }, 'name'],
    ])('%s', async (_name, change, path) => {
      expectInvalid(await api.post('/budgets', { ...base, ...change }, token), path);
      expect((await api.get('/budgets', token)).body.items).toEqual([]);
    });

    test('another user’s category → 422 on category_id (not 404: it does not exist for the caller)', async () => {
      expectInvalid(await api.post('/budgets', { ...base, category_id: theirCategory }, token), 'category_id');
      expect((await api.get('/budgets', token)).body.items).toEqual([]);
    });

    test('an amount written with an exponent past 15 integer digits (5e15) → 422; malformed JSON → 400', async () => {
      const raw = (body: string) => api.request('POST', '/budgets', { token, body, headers: { 'content-type': 'application/json' } });
      expectInvalid(await raw('{"amount": 5e15, "period": "monthly", "start_date": "2026-03-01"}'), 'amount');
      expectProblem(await raw('{"amount": '), 400);
      expect((await api.get('/budgets', token)).body.items).toEqual([]);
    });

    test('several invalid fields are all named', async () => {
      const body = expectProblem(await api.post('/budgets', { amount: 'abc', period: 'x', start_date: '2026-02-30' }, token), 422);
      expect(body.errors!.map((e) => e.path).sort()).toEqual(['amount', 'period', 'start_date']);
    });
  });
});

describe('GET /budgets', () => {
  test('pages through all of the caller’s budgets, oldest first (limit, cursor, next_cursor null at the end)', async () => {
    const { token } = await newUser();
    const other = await newUser();
    await createBudget(other.token);
    const created: Budget[] = [];
    for (let i = 0; i < 7; i++) created.push(await createBudget(token, { name: `Budget ${i}` }));
    const { items, pages } = await walk<Budget>('/budgets?limit=3', token);
    expect(pages).toBe(3);
    expect(items).toEqual(created);
    expect((await api.get('/budgets', token)).body).toEqual({ items: created, next_cursor: null });
  });

  test('a default page holds 50; the next page the rest; limit 200 is allowed', async () => {
    const { token } = await newUser();
    const created = await Promise.all(Array.from({ length: 51 }, (_, i) => createBudget(token, { name: `Bulk ${i}` })));
    const first = await api.get('/budgets', token);
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(50);
    expect(first.body.next_cursor).toEqual(expect.any(String));
    const second = await api.get(`/budgets?cursor=${encodeURIComponent(first.body.next_cursor)}`, token);
    expect(second.status).toBe(200);
    expect(second.body.items).toHaveLength(1);
    expect(second.body.next_cursor).toBeNull();
    expect([...first.body.items, ...second.body.items].map((b: Budget) => b.id).sort()).toEqual(created.map((b) => b.id).sort());
    const all = await api.get('/budgets?limit=200', token);
    expect(all.body).toEqual({ items: [...first.body.items, ...second.body.items], next_cursor: null });
  });

  test('422 for a bad limit or a cursor it did not issue', async () => {
    const { token } = await newUser();
    expectInvalid(await api.get('/budgets?limit=0', token), 'limit');
    expectInvalid(await api.get('/budgets?limit=201', token), 'limit');
    expectInvalid(await api.get('/budgets?cursor=garbage', token), 'cursor');
  });
});

describe('GET /budgets/{id}: the analysis of the period that contains ?date', () => {
  test('exact decimals: three expenses of 0.10 are "0.30", never 0.30000000000000004', async () => {
    const { token } = await newUser();
    const budget = await createBudget(token, { amount: '1.00' });
    for (const date of ['2026-03-02', '2026-03-05', '2026-03-10']) await spend(token, '0.10', date);
    const reply = await api.get(`/budgets/${budget.id}?date=2026-03-10`, token);
    expect(reply.status).toBe(200);
    expect(Object.keys(reply.body).sort()).toEqual([...BUDGET_FIELDS, 'analysis'].sort());
    expect(withoutAnalysis(reply.body)).toEqual(budget);
    expect(Object.keys(reply.body.analysis).sort()).toEqual(ANALYSIS_FIELDS);
    expect(reply.body.analysis).toEqual({
      period_start: '2026-03-01',
      period_end: '2026-03-31',
      spent: '0.30',
      remaining: '0.70',
      percent_used: '30.00',
      status: 'under',
      daily_average: '0.03',
      projected_spend: '0.93',
      days_in_period: 31,
      days_elapsed: 10,
      history: [],
      excluded_currencies: [],
    });
  });

  test('status is "over" exactly when spent > amount; remaining then is negative', async () => {
    const { token } = await newUser();
    const budget = await createBudget(token, { amount: '50.00' });
    await spend(token, '49.99', '2026-03-03');
    expect(await analysisOn(token, budget.id, '2026-03-15')).toMatchObject({ spent: '49.99', remaining: '0.01', status: 'under' });
    await spend(token, '0.01', '2026-03-04');
    expect(await analysisOn(token, budget.id, '2026-03-15')).toMatchObject({ spent: '50.00', remaining: '0.00', percent_used: '100.00', status: 'under' });
    await spend(token, '0.01', '2026-03-05');
    expect(await analysisOn(token, budget.id, '2026-03-15')).toMatchObject({ spent: '50.01', remaining: '-0.01', percent_used: '100.02', status: 'over' });
    await spend(token, '4.99', '2026-03-31');
    expect(await analysisOn(token, budget.id, '2026-03-31')).toMatchObject({ spent: '55.00', remaining: '-5.00', percent_used: '110.00', status: 'over' });
    // The next month starts afresh; March is its history.
    expect(await analysisOn(token, budget.id, '2026-04-01')).toMatchObject({
      period_start: '2026-04-01',
      period_end: '2026-04-30',
      spent: '0.00',
      remaining: '50.00',
      status: 'under',
      history: [{ period_start: '2026-03-01', period_end: '2026-03-31', spent: '55.00', status: 'over' }],
    });
  });

  test('only expenses count: income and other categories are not; other currencies count at their date’s rate', async () => {
    const { token } = await newUser();
    const food = await createCategory(token, 'Food');
    const rent = await createCategory(token, 'Rent');
    const foodBudget = await createBudget(token, { category_id: food.id, amount: '200.00' });
    const allBudget = await createBudget(token, { amount: '2000.00' });
    await spend(token, '12.50', '2026-03-02', { category_id: food.id });
    await spend(token, '7.25', '2026-03-03', { category_id: food.id });
    await spend(token, '900.00', '2026-03-01', { category_id: rent.id });
    await spend(token, '3.00', '2026-03-04');
    await spend(token, '5.00', '2026-03-04', { category_id: food.id, currency: 'EUR' });
    await spend(token, '8.00', '2026-02-28', { category_id: food.id }); // before the period
    await api.post('/transactions', { amount: '3000.00', transaction_type: 'income', date: '2026-03-01', category_id: food.id }, token);
    await api.post('/transactions', { amount: '1000.00', transaction_type: 'income', date: '2026-03-02' }, token);

    // 5.00 EUR × 1.1649 (ECB, 2026-03-04) = 5.8245 → 5.82 USD.
    expect(await analysisOn(token, foodBudget.id, '2026-03-10')).toMatchObject({ spent: '25.57', remaining: '174.43', excluded_currencies: [] });
    expect(await analysisOn(token, allBudget.id, '2026-03-10')).toMatchObject({ spent: '928.57', remaining: '1071.43', excluded_currencies: [] });
  });

  test('another user’s expenses are never counted, even in a category with the same name', async () => {
    const me = await newUser();
    const other = await newUser();
    const mine = await createCategory(me.token, 'Travel');
    const theirs = await createCategory(other.token, 'Travel');
    const categoryBudget = await createBudget(me.token, { category_id: mine.id });
    const allBudget = await createBudget(me.token);
    await spend(other.token, '60.00', '2026-03-05', { category_id: theirs.id });
    await spend(other.token, '40.00', '2026-03-05');
    await spend(me.token, '1.00', '2026-03-05', { category_id: mine.id });
    expect((await analysisOn(me.token, categoryBudget.id, '2026-03-05')).spent).toBe('1.00');
    expect((await analysisOn(me.token, allBudget.id, '2026-03-05')).spent).toBe('1.00');
    expect((await statusOn(me.token, '2026-03-05')).map((i) => i.spent)).toEqual(['1.00', '1.00']);
  });

  test('a monthly budget anchored on the 31st: ?date picks the right period, and expenses land in it', async () => {
    const { token } = await newUser();
    const budget = await createBudget(token, { start_date: '2026-01-31', amount: '300.00' });
    await spend(token, '10.00', '2026-02-27');
    await spend(token, '20.00', '2026-02-28');
    await spend(token, '30.00', '2026-03-30');
    await spend(token, '40.00', '2026-03-31');
    // Periods start on the 31st, or on the last day of a month without one (apps/budgeting/src/domain/periods.ts).
    const expected: [string, string, string, string][] = [
      ['2026-01-31', '2026-01-31', '2026-02-27', '10.00'],
      ['2026-02-27', '2026-01-31', '2026-02-27', '10.00'],
      ['2026-02-28', '2026-02-28', '2026-03-30', '50.00'],
      ['2026-03-30', '2026-02-28', '2026-03-30', '50.00'],
      ['2026-03-31', '2026-03-31', '2026-04-29', '40.00'],
      ['2026-04-30', '2026-04-30', '2026-05-30', '0.00'],
      ['2026-05-31', '2026-05-31', '2026-06-29', '0.00'],
    ];
    for (const [date, start, end, spent] of expected) {
      const analysis = await analysisOn(token, budget.id, date);
      expect({ date, start: analysis.period_start, end: analysis.period_end, spent: analysis.spent }).toEqual({ date, start, end, spent });
    }
    const may = await analysisOn(token, budget.id, '2026-05-01');
    expect(may.history.map((h) => [h.period_start, h.period_end, h.spent])).toEqual([
      ['2026-03-31', '2026-04-29', '40.00'],
      ['2026-02-28', '2026-03-30', '50.00'],
      ['2026-01-31', '2026-02-27', '10.00'],
    ]);
  });

  test('a monthly budget anchored on the 15th runs 15th to 14th: ?date picks the period, and only its expenses count', async () => {
    const { token } = await newUser();
    const budget = await createBudget(token, { start_date: '2026-01-15', amount: '100.00' });
    await spend(token, '1.00', '2026-03-14');
    await spend(token, '2.00', '2026-03-15');
    await spend(token, '4.00', '2026-04-14');
    await spend(token, '8.00', '2026-04-15');
    expect(await analysisOn(token, budget.id, '2026-03-20')).toMatchObject({ period_start: '2026-03-15', period_end: '2026-04-14', spent: '6.00', days_in_period: 31, days_elapsed: 6 });
    expect(await analysisOn(token, budget.id, '2026-04-14')).toMatchObject({ period_start: '2026-03-15', period_end: '2026-04-14', spent: '6.00' });
    expect(await analysisOn(token, budget.id, '2026-03-14')).toMatchObject({ period_start: '2026-02-15', period_end: '2026-03-14', spent: '1.00', days_in_period: 28 });
    expect(await analysisOn(token, budget.id, '2026-04-15')).toMatchObject({ period_start: '2026-04-15', period_end: '2026-05-14', spent: '8.00' });
    expect(await analysisOn(token, budget.id, '2026-01-15')).toMatchObject({ period_start: '2026-01-15', period_end: '2026-02-14', spent: '0.00' });
  });

  test('a weekly budget anchored on a Wednesday: 7-day windows from start_date, not calendar weeks', async () => {
    const { token } = await newUser();
    // 2026-03-04 is a Wednesday.
    const budget = await createBudget(token, { period: 'weekly', start_date: '2026-03-04', amount: '50.00' });
    await spend(token, '1.00', '2026-03-08'); // Sunday
    await spend(token, '2.00', '2026-03-10'); // Tuesday: the first week's last day
    await spend(token, '4.00', '2026-03-11'); // Wednesday: the second week's first day
    await spend(token, '8.00', '2026-03-16'); // Monday: a calendar week would start here
    const expected: [string, string, string, string][] = [
      ['2026-03-04', '2026-03-04', '2026-03-10', '3.00'],
      ['2026-03-09', '2026-03-04', '2026-03-10', '3.00'],
      ['2026-03-10', '2026-03-04', '2026-03-10', '3.00'],
      ['2026-03-11', '2026-03-11', '2026-03-17', '12.00'],
      ['2026-03-16', '2026-03-11', '2026-03-17', '12.00'],
      ['2026-03-17', '2026-03-11', '2026-03-17', '12.00'],
      ['2026-03-18', '2026-03-18', '2026-03-24', '0.00'],
    ];
    for (const [date, start, end, spent] of expected) {
      const analysis = await analysisOn(token, budget.id, date);
      expect({ date, start: analysis.period_start, end: analysis.period_end, spent: analysis.spent, days: analysis.days_in_period }).toEqual({ date, start, end, spent, days: 7 });
    }
  });

  test('a yearly budget anchored on July 1st: the year-period containing ?date; only expenses within it count', async () => {
    const { token } = await newUser();
    const budget = await createBudget(token, { period: 'yearly', start_date: '2025-07-01', amount: '1000.00' });
    await spend(token, '1.00', '2025-06-30'); // before start_date
    await spend(token, '2.00', '2025-07-01');
    await spend(token, '4.00', '2025-12-31');
    await spend(token, '8.00', '2026-06-30');
    await spend(token, '16.00', '2026-07-01'); // the next year-period
    await api.post('/transactions', { amount: '500.00', transaction_type: 'income', date: '2026-01-15' }, token);
    const analysis = await analysisOn(token, budget.id, '2026-03-20');
    expect(analysis).toMatchObject({ period_start: '2025-07-01', period_end: '2026-06-30', spent: '14.00', remaining: '986.00', percent_used: '1.40', status: 'under', days_in_period: 365 });
    expect(await analysisOn(token, budget.id, '2026-07-01')).toMatchObject({
      period_start: '2026-07-01',
      period_end: '2027-06-30',
      spent: '16.00',
      history: [{ period_start: '2025-07-01', period_end: '2026-06-30', spent: '14.00', status: 'under' }],
    });
  });

  test('without ?date: today in the user’s time zone', async () => {
    // UTC+14 and UTC−11 are 25 hours apart: at any moment their dates differ.
    const zones = ['Pacific/Kiritimati', 'Pacific/Pago_Pago'];
    const dates: string[] = [];
    for (const timezone of zones) {
      const { token } = await newUser();
      expect((await api.put('/users/me', { timezone }, token)).status).toBe(200);
      const budget = await createBudget(token, { period: 'daily', start_date: '2020-01-01' });
      const before = todayIn(timezone);
      const reply = await api.get(`/budgets/${budget.id}`, token);
      const after = todayIn(timezone);
      expect(reply.status).toBe(200);
      expect([before, after]).toContain(reply.body.analysis.period_start);
      expect(reply.body.analysis.period_end).toBe(reply.body.analysis.period_start);
      dates.push(reply.body.analysis.period_start);
    }
    expect(dates[0]! > dates[1]!).toBe(true);
  });

  test('analysis: null when ?date is before start_date or after end_date; without ?date it is today’s period', async () => {
    const { token } = await newUser();
    const ended = await createBudget(token, { start_date: '2026-03-01', end_date: '2026-03-20' });
    for (const date of ['2026-02-28', '2026-03-21']) {
      const reply = await api.get(`/budgets/${ended.id}?date=${date}`, token);
      expect(reply.status).toBe(200);
      expect(reply.body).toEqual({ ...ended, analysis: null });
    }
    // The period containing end_date is cut there.
    expect(await analysisOn(token, ended.id, '2026-03-20')).toMatchObject({ period_start: '2026-03-01', period_end: '2026-03-20', days_in_period: 20 });

    const before = todayUtc();
    const daily = await createBudget(token, { period: 'daily', start_date: '2020-01-01' });
    const reply = await api.get(`/budgets/${daily.id}`, token);
    const after = todayUtc();
    expect(reply.status).toBe(200);
    expect([before, after]).toContain(reply.body.analysis.period_start);
  });

  test('422 for a malformed ?date', async () => {
    const { token } = await newUser();
    const budget = await createBudget(token);
    for (const date of ['2026-02-30', '2026-3-1', 'today', '']) expectInvalid(await api.get(`/budgets/${budget.id}?date=${date}`, token), 'date');
  });

  test('404 for an unknown id and for an id that is not a UUID, with the same answer', async () => {
    const { token } = await newUser();
    const missing = expectProblem(await api.get(`/budgets/${randomUUID()}`, token), 404);
    const malformed = expectProblem(await api.get('/budgets/not-an-id', token), 404);
    expect(problemCore(malformed)).toEqual(problemCore(missing));
  });
});

describe('PUT /budgets/{id}', () => {
  test('changes only the fields given; the others stay', async () => {
    const { token } = await newUser();
    const category = await createCategory(token);
    const budget = await createBudget(token, { category_id: category.id, end_date: '2026-12-31', name: 'Original' });
    const reply = await api.put(`/budgets/${budget.id}`, { amount: '250' }, token);
    expect(reply.status).toBe(200);
    expect(Object.keys(reply.body).sort()).toEqual(BUDGET_FIELDS);
    expect(reply.body).toEqual({ ...budget, amount: '250.00', updated_at: expect.stringMatching(ISO_UTC) });
    expect(withoutAnalysis((await api.get(`/budgets/${budget.id}`, token)).body)).toEqual(reply.body);
  });

  test('every field can change; end_date: null makes it open-ended, category_id: null counts all expenses', async () => {
    const { token } = await newUser();
    const food = await createCategory(token);
    const budget = await createBudget(token);
    const changed = await api.put(
      `/budgets/${budget.id}`,
      { amount: 3000, period: 'yearly', start_date: '2026-02-01', end_date: '2027-01-31', category_id: food.id, currency: 'JPY', name: 'Travel' },
      token,
    );
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ amount: '3000', currency: 'JPY', period: 'yearly', start_date: '2026-02-01', end_date: '2027-01-31', category_id: food.id, name: 'Travel' });

    const cleared = await api.put(`/budgets/${budget.id}`, { end_date: null, category_id: null }, token);
    expect(cleared.status).toBe(200);
    expect(cleared.body).toMatchObject({ end_date: null, category_id: null, name: 'Travel', amount: '3000' });
    // Now it counts every expense of the period.
    await spend(token, '1200', '2026-05-05', { currency: 'JPY' });
    expect((await analysisOn(token, budget.id, '2026-05-05')).spent).toBe('1200');
  });

  test('422 for bad fields (also end_date before the stored start_date); nothing changes', async () => {
    const { token } = await newUser();
    const other = await newUser();
    const theirs = await createCategory(other.token);
    const budget = await createBudget(token);
    for (const [body, path] of [
      [{ amount: '1.999' }, 'amount'],
      [{ amount: '0' }, 'amount'],
      [{ amount: null }, 'amount'],
      [{ period: 'fortnightly' }, 'period'],
      [{ start_date: '2026-02-30' }, 'start_date'],
      [{ end_date: '2026-02-28' }, 'end_date'],
      [{ start_date: '2026-05-01', end_date: '2026-04-30' }, 'end_date'],
      [{ category_id: theirs.id }, 'category_id'],
      [{ category_id: 'food' }, 'category_id'],
      [{ currency: 'XYZ' }, 'currency'],
      [{ name: '' }, 'name'],
    ] as const) {
      expectInvalid(await api.put(`/budgets/${budget.id}`, body, token), path);
    }
    expect(withoutAnalysis((await api.get(`/budgets/${budget.id}`, token)).body)).toEqual(budget);
  });

  test('404 for an unknown id and for an id that is not a UUID', async () => {
    const { token } = await newUser();
    expectProblem(await api.put(`/budgets/${randomUUID()}`, { name: 'x' }, token), 404);
    expectProblem(await api.put('/budgets/not-an-id', { amount: 'nonsense' }, token), 404);
  });
});

describe('DELETE /budgets/{id}', () => {
  test('204 with no body; then it is gone (404 on every verb, out of the list and the status)', async () => {
    const { token } = await newUser();
    const budget = await createBudget(token);
    const reply = await api.delete(`/budgets/${budget.id}`, token);
    expect(reply.status).toBe(204);
    expect(reply.body).toBe('');
    expectProblem(await api.get(`/budgets/${budget.id}`, token), 404);
    expectProblem(await api.put(`/budgets/${budget.id}`, { name: 'x' }, token), 404);
    expectProblem(await api.delete(`/budgets/${budget.id}`, token), 404);
    expect((await api.get('/budgets', token)).body.items).toEqual([]);
    expect(await statusOn(token, '2026-03-15')).toEqual([]);
  });

  test('404 for an id that is not a UUID', async () => {
    const { token } = await newUser();
    expectProblem(await api.delete('/budgets/abc', token), 404);
  });
});

describe('GET /analytics/budget-status', () => {
  test('every budget active on ?date with exactly the documented fields of the period that contains it', async () => {
    const { token } = await newUser();
    const food = await createCategory(token, 'Food');
    const foodBudget = await createBudget(token, { category_id: food.id, amount: '20.00', name: 'Food budget' });
    const weekly = await createBudget(token, { period: 'weekly', start_date: '2026-03-02', amount: '100.00', name: 'Weekly' });
    await createBudget(token, { start_date: '2026-04-01', name: 'Not yet' });
    await createBudget(token, { start_date: '2026-01-01', end_date: '2026-03-09', name: 'Ended' });
    await spend(token, '25.50', '2026-03-09', { category_id: food.id });
    await spend(token, '4.50', '2026-03-11');

    const items = await statusOn(token, '2026-03-10');
    for (const item of items) expect(Object.keys(item).sort()).toEqual(STATUS_FIELDS);
    expect(items).toEqual([
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
        budget_id: weekly.id,
        name: 'Weekly',
        category_id: null,
        amount: '100.00',
        currency: 'USD',
        spent: '30.00',
        remaining: '70.00',
        percent_used: '30.00',
        status: 'under',
        period_start: '2026-03-09',
        period_end: '2026-03-15',
        excluded_currencies: [],
      },
    ]);
    // The ended budget is active on its end_date, the future one on its start_date.
    expect((await statusOn(token, '2026-03-09')).map((i) => i.name)).toEqual(['Food budget', 'Weekly', 'Ended']);
    expect((await statusOn(token, '2026-04-01')).map((i) => i.name)).toEqual(['Food budget', 'Weekly', 'Not yet']);
    expect(await statusOn(token, '2025-12-31')).toEqual([]);
  });

  test('the same numbers as GET /budgets/{id} on that date', async () => {
    const { token } = await newUser();
    const budget = await createBudget(token, { period: 'daily', start_date: '2026-03-01', amount: '10.00' });
    await spend(token, '3.33', '2026-03-07');
    const [item] = await statusOn(token, '2026-03-07');
    const analysis = await analysisOn(token, budget.id, '2026-03-07');
    expect(item).toEqual({
      budget_id: budget.id,
      name: budget.name,
      category_id: null,
      amount: '10.00',
      currency: 'USD',
      spent: analysis.spent,
      remaining: analysis.remaining,
      percent_used: analysis.percent_used,
      status: analysis.status,
      period_start: analysis.period_start,
      period_end: analysis.period_end,
      excluded_currencies: analysis.excluded_currencies,
    });
    expect(item).toMatchObject({ spent: '3.33', remaining: '6.67', percent_used: '33.30', period_start: '2026-03-07', period_end: '2026-03-07' });
  });

  test('without ?date: today; a malformed ?date → 422', async () => {
    const { token } = await newUser();
    await createBudget(token, { period: 'daily', start_date: '2020-01-01' });
    const before = todayUtc();
    const reply = await api.get('/analytics/budget-status', token);
    const after = todayUtc();
    expect(reply.status).toBe(200);
    expect(reply.body.items).toHaveLength(1);
    expect([before, after]).toContain(reply.body.date);
    expect(reply.body.items[0].period_start).toBe(reply.body.date);
    for (const date of ['2026-02-30', '03/10/2026', '']) expectInvalid(await api.get(`/analytics/budget-status?date=${date}`, token), 'date');
  });
});

describe('deleting a category deletes its budgets', () => {
  test('with or without reassign_to, its budgets go (soon: it is an event); other budgets stay', async () => {
    const { token } = await newUser();
    const food = await createCategory(token, 'Food');
    const fun = await createCategory(token, 'Fun');
    const other = await createCategory(token, 'Other');
    const foodBudget = await createBudget(token, { category_id: food.id });
    const funBudget = await createBudget(token, { category_id: fun.id });
    const keptCategory = await createBudget(token, { category_id: other.id });
    const keptAll = await createBudget(token);

    expect((await api.delete(`/categories/${food.id}`, token)).status).toBe(204);
    expect((await api.delete(`/categories/${fun.id}?reassign_to=${other.id}`, token)).status).toBe(204);

    const deadline = Date.now() + 10_000;
    let remaining: string[] = [];
    do {
      remaining = ((await api.get('/budgets', token)).body.items as Budget[]).map((b) => b.id);
      if (!remaining.includes(foodBudget.id) && !remaining.includes(funBudget.id)) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    } while (Date.now() < deadline);
    expect(remaining).toEqual([keptCategory.id, keptAll.id]);
    expectProblem(await api.get(`/budgets/${foodBudget.id}`, token), 404);
    expectProblem(await api.get(`/budgets/${funBudget.id}`, token), 404);
    expect((await api.get(`/budgets/${keptCategory.id}`, token)).body.category_id).toBe(other.id);
  });
});

describe('another user’s budgets do not exist for the caller', () => {
  test('404 on every verb, the same answer as for an id that never existed; lists and status leave them out; nothing of theirs changes', async () => {
    const owner = await newUser('owner');
    const intruder = await newUser('intruder');
    const budget = await createBudget(owner.token, { name: 'Private' });
    await spend(owner.token, '10.00', '2026-03-05');
    const missing = problemCore(expectProblem(await api.get(`/budgets/${randomUUID()}`, intruder.token), 404));

    const notFound = [
      await api.get(`/budgets/${budget.id}`, intruder.token),
      await api.get(`/budgets/${budget.id}?date=2026-03-05`, intruder.token),
      await api.put(`/budgets/${budget.id}`, { name: 'hijacked' }, intruder.token),
      await api.delete(`/budgets/${budget.id}`, intruder.token),
    ];
    for (const reply of notFound) expect(problemCore(expectProblem(reply, 404))).toEqual(missing);

    expect((await api.get('/budgets', intruder.token)).body.items).toEqual([]);
    expect(await statusOn(intruder.token, '2026-03-05')).toEqual([]);
    const stored = await api.get(`/budgets/${budget.id}?date=2026-03-05`, owner.token);
    expect(withoutAnalysis(stored.body)).toEqual(budget);
    expect(stored.body.analysis.spent).toBe('10.00');
  });
});

describe('authentication', () => {
  test('every budgets route answers 401 without a valid bearer token', async () => {
    const { token } = await newUser();
    const budget = await createBudget(token);
    const routes: [string, string, unknown?][] = [
      ['POST', '/budgets', base],
      ['GET', '/budgets'],
      ['GET', `/budgets/${budget.id}`],
      ['GET', `/budgets/${budget.id}?date=2026-03-01`],
      ['PUT', `/budgets/${budget.id}`, { name: 'x' }],
      ['DELETE', `/budgets/${budget.id}`],
      ['GET', '/analytics/budget-status'],
    ];
    for (const [method, path, json] of routes) {
      for (const bad of [undefined, 'garbage', `${token.slice(0, -4)}AAAA`]) {
        const reply = await api.request(method, path, { ...(bad ? { token: bad } : {}), ...(json ? { json } : {}) });
        expectProblem(reply, 401);
        expect(reply.headers.get('www-authenticate')).toMatch(/^Bearer/);
      }
    }
    expect(withoutAnalysis((await api.get(`/budgets/${budget.id}`, token)).body)).toEqual(budget);
  });
});

describe('operations', () => {
  test('GET /health reports budgeting (and reporting, which serves the budget status) too', async () => {
    const reply = await api.get('/health');
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ status: 'ok', services: { auth: 'SERVING', ledger: 'SERVING', budgeting: 'SERVING', reporting: 'SERVING' } });
  });

  test('GET /docs/json documents every budgets operation and the budget status', async () => {
    const doc = (await api.get('/docs/json')).body;
    expect(Object.keys(doc.paths['/budgets']).sort()).toEqual(['get', 'post']);
    expect(Object.keys(doc.paths['/budgets/{id}']).sort()).toEqual(['delete', 'get', 'put']);
    expect(Object.keys(doc.paths['/analytics/budget-status'])).toEqual(['get']);
  });
});
