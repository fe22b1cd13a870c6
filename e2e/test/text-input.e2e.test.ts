import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { client, signUp, startStack, type Reply, type Stack } from './support/stack.js';
import { expectProblem } from './support/problems.js';

// Issue 9: text no service can store (NUL, lone UTF-16 surrogates), bodies that are not UTF-8 and
// amounts written with an exponent, sent through the gateway to every endpoint that takes text.
// Never a 500: each is refused as a client error, or (login) answered like any unknown user.

let stack: Stack;
let api: ReturnType<typeof client>;
let token: string;
let password: string;
let ids: { transaction: string; category: string; budget: string };

beforeAll(async () => {
  stack = await startStack();
  api = client(stack.baseUrl);
  const user = await signUp(api, 'text');
  token = user.tokens.access_token;
  password = user.account.password;
  const category = await api.post('/categories', { name: 'Food', color: '#AA5500' }, token);
  const transaction = await api.post('/transactions', { amount: '1.00', transaction_type: 'expense', date: '2026-03-14' }, token);
  const budget = await api.post('/budgets', { amount: '100', period: 'monthly', start_date: '2026-03-01' }, token);
  ids = { transaction: transaction.body.id, category: category.body.id, budget: budget.body.id };
});

afterAll(async () => {
  await stack.close();
});

const NUL = 'a\u0000b';
const LONE = 'a\ud800b';
const BAD = [
  ['NUL', NUL, '%00'],
  ['a lone surrogate', LONE, '%ED%A0%80'],
] as const;

const json = (method: string, path: string, body: unknown, auth = true) =>
  api.request(method, path, { json: body, ...(auth ? { token } : {}) });

/** Never a 5xx; one of the client errors `allowed`, as problem+json. */
function expectRefused(reply: Reply, allowed: number[]) {
  expect(reply.status).toBeLessThan(500);
  expect(allowed).toContain(reply.status);
  if (reply.status >= 400) expectProblem(reply, reply.status);
}

// Body fields: [endpoint, method, path, the other fields a valid request needs, field, answers allowed].
const bodyCases: [string, string, () => string, Record<string, unknown>, string, number[]][] = [
  ['POST /auth/register', 'POST', () => '/auth/register', { email: 'text-new@example.com', username: 'textnew', password: 'correct horse 1' }, 'email', [422]],
  ['POST /auth/register', 'POST', () => '/auth/register', { email: 'text-new@example.com', username: 'textnew', password: 'correct horse 1' }, 'username', [422]],
  ['POST /auth/register', 'POST', () => '/auth/register', { email: 'text-new@example.com', username: 'textnew', password: 'correct horse 1' }, 'password', [422]],
  ['POST /auth/refresh', 'POST', () => '/auth/refresh', {}, 'refresh_token', [401]],
  ['POST /auth/logout', 'POST', () => '/auth/logout', {}, 'refresh_token', [204, 401]],
  ['PUT /users/me', 'PUT', () => '/users/me', {}, 'email', [422]],
  ['PUT /users/me', 'PUT', () => '/users/me', {}, 'username', [422]],
  ['PUT /users/me', 'PUT', () => '/users/me', {}, 'timezone', [422]],
  ['PUT /users/me', 'PUT', () => '/users/me', {}, 'base_currency', [422]],
  ['PUT /users/me', 'PUT', () => '/users/me', { current_password: 'correct horse 1' }, 'password', [422]],
  ['PUT /users/me', 'PUT', () => '/users/me', { password: 'a new password 1' }, 'current_password', [422]],
  ['POST /transactions', 'POST', () => '/transactions', { amount: '1.00', transaction_type: 'expense', date: '2026-03-14' }, 'description', [422]],
  ['POST /transactions', 'POST', () => '/transactions', { amount: '1.00', transaction_type: 'expense', date: '2026-03-14' }, 'amount', [422]],
  ['POST /transactions', 'POST', () => '/transactions', { amount: '1.00', transaction_type: 'expense', date: '2026-03-14' }, 'transaction_type', [422]],
  ['POST /transactions', 'POST', () => '/transactions', { amount: '1.00', transaction_type: 'expense', date: '2026-03-14' }, 'date', [422]],
  ['POST /transactions', 'POST', () => '/transactions', { amount: '1.00', transaction_type: 'expense', date: '2026-03-14' }, 'currency', [422]],
  ['POST /transactions', 'POST', () => '/transactions', { amount: '1.00', transaction_type: 'expense', date: '2026-03-14' }, 'category_id', [422]],
  ['PUT /transactions/{id}', 'PUT', () => `/transactions/${ids.transaction}`, {}, 'description', [422]],
  ['PUT /transactions/{id}', 'PUT', () => `/transactions/${ids.transaction}`, {}, 'currency', [422]],
  ['PUT /transactions/{id}', 'PUT', () => `/transactions/${ids.transaction}`, {}, 'category_id', [422]],
  ['POST /categories', 'POST', () => '/categories', { name: 'Fine', color: '#112233' }, 'name', [422]],
  ['POST /categories', 'POST', () => '/categories', { name: 'Fine', color: '#112233' }, 'color', [422]],
  ['POST /categories', 'POST', () => '/categories', { name: 'Fine', color: '#112233' }, 'icon', [422]],
  ['PUT /categories/{id}', 'PUT', () => `/categories/${ids.category}`, {}, 'name', [422]],
  ['PUT /categories/{id}', 'PUT', () => `/categories/${ids.category}`, {}, 'icon', [422]],
  ['POST /budgets', 'POST', () => '/budgets', { amount: '10', period: 'monthly', start_date: '2026-03-01' }, 'name', [422]],
  ['POST /budgets', 'POST', () => '/budgets', { amount: '10', period: 'monthly', start_date: '2026-03-01' }, 'period', [422]],
  ['POST /budgets', 'POST', () => '/budgets', { amount: '10', period: 'monthly', start_date: '2026-03-01' }, 'currency', [422]],
  ['POST /budgets', 'POST', () => '/budgets', { amount: '10', period: 'monthly', start_date: '2026-03-01' }, 'category_id', [422]],
  ['POST /budgets', 'POST', () => '/budgets', { amount: '10', period: 'monthly', start_date: '2026-03-01' }, 'end_date', [422]],
  ['PUT /budgets/{id}', 'PUT', () => `/budgets/${ids.budget}`, {}, 'name', [422]],
];

describe.each(BAD)('%s in a body field', (_kind, text, _escaped) => {
  test.each(bodyCases)('%s %s → never a 500', async (_endpoint, method, path, others, field, allowed) => {
    expectRefused(await json(method, path(), { ...others, [field]: text }), allowed);
  });

  test('POST /auth/login (JSON): username → 401 with the unknown user’s body; password → 401', async () => {
    const unknown = await json('POST', '/auth/login', { username: 'nobody-at-all', password: 'whatever1' }, false);
    const reply = await json('POST', '/auth/login', { username: text, password: 'whatever1' }, false);
    expectProblem(reply, 401);
    const { instance: _a, ...body } = reply.body;
    const { instance: _b, ...expected } = unknown.body;
    expect(body).toEqual(expected);
    expectProblem(await json('POST', '/auth/login', { username: 'nobody-at-all', password: `x${text}yyyyyy` }, false), 401);
  });
});

describe('the login form', () => {
  const form = (body: string) => api.request('POST', '/auth/login', { body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });

  test('username=a%00b → 401 like any unknown user', async () => {
    const unknown = await form('username=nobody-at-all&password=whatever1');
    const reply = await form('username=a%00b&password=whatever1');
    expectProblem(reply, 401);
    expect(reply.body.code).toBe(unknown.body.code);
    expect(reply.body.detail).toBe(unknown.body.detail);
  });

  test('an escaped surrogate or 0xFF (not UTF-8) → 400 INVALID_UTF8', async () => {
    expect(expectProblem(await form('username=a%ED%A0%80b&password=whatever1'), 400).code).toBe('INVALID_UTF8');
    expect(expectProblem(await form('username=a%FFb&password=whatever1'), 400).code).toBe('INVALID_UTF8');
  });
});

describe.each(BAD)('%s in a query parameter or path id', (_kind, _text, escaped) => {
  const cases: [string, () => string, number[]][] = [
    // The query parser keeps an escape that is not UTF-8 as its literal text ("%ED%A0%80"), which is
    // then searched for as such: a 200, not a lone surrogate. NUL (%00) is the 422 of q.
    ['GET /transactions?q=', () => `/transactions?q=${escaped}`, escaped === '%00' ? [422] : [200]],
    ['GET /transactions?cursor=', () => `/transactions?cursor=${escaped}`, [400, 422]],
    ['GET /transactions?from=', () => `/transactions?from=${escaped}`, [400, 422]],
    ['GET /transactions?category_id=', () => `/transactions?category_id=${escaped}`, [400, 422]],
    ['GET /transactions?transaction_type=', () => `/transactions?transaction_type=${escaped}`, [400, 422]],
    ['GET /transactions?limit=', () => `/transactions?limit=${escaped}`, [400, 422]],
    ['GET /categories?cursor=', () => `/categories?cursor=${escaped}`, [400, 422]],
    ['GET /budgets?cursor=', () => `/budgets?cursor=${escaped}`, [400, 422]],
    ['GET /budgets/{id}?date=', () => `/budgets/${ids.budget}?date=${escaped}`, [400, 422]],
    ['GET /analytics/spending?from=', () => `/analytics/spending?from=${escaped}&to=2026-03-31`, [400, 422]],
    ['GET /analytics/income-vs-expense?interval=', () => `/analytics/income-vs-expense?from=2026-03-01&to=2026-03-31&interval=${escaped}`, [400, 422]],
    ['GET /analytics/budget-status?date=', () => `/analytics/budget-status?date=${escaped}`, [400, 422]],
    ['DELETE /categories/{id}?reassign_to=', () => `/categories/${ids.category}?reassign_to=${escaped}`, [400, 422]],
    ['GET /transactions/{id}', () => `/transactions/a${escaped}b`, [400, 404]],
    ['PUT /transactions/{id}', () => `/transactions/a${escaped}b`, [400, 404]],
    ['DELETE /transactions/{id}', () => `/transactions/a${escaped}b`, [400, 404]],
    ['GET /categories/{id}', () => `/categories/a${escaped}b`, [400, 404]],
    ['GET /budgets/{id}', () => `/budgets/a${escaped}b`, [400, 404]],
    ['DELETE /budgets/{id}', () => `/budgets/a${escaped}b`, [400, 404]],
  ];
  test.each(cases)('%s → never a 500', async (name, path, allowed) => {
    const method = name.split(' ')[0]!;
    const reply = await api.request(method, path(), { token, ...(method === 'PUT' ? { json: { description: 'x' } } : {}) });
    expectRefused(reply, allowed);
  });
});

describe('bodies that are not UTF-8 → 400 INVALID_UTF8, nothing stored', () => {
  test('"description": "\\xff\\xfe" is refused, not stored as "��"', async () => {
    const before = (await api.get('/transactions?limit=200', token)).body.items.length;
    const body = Buffer.concat([Buffer.from('{"amount": "1.00", "transaction_type": "expense", "date": "2026-03-14", "description": "'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
    const res = await fetch(`${stack.baseUrl}/transactions`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(((await res.json()) as { code: string }).code).toBe('INVALID_UTF8');
    expect((await api.get('/transactions?limit=200', token)).body.items.length).toBe(before);
  });
});

describe('amounts written with an exponent are read exactly', () => {
  const raw = (path: string, text: string) => api.request('POST', path, { token, body: text, headers: { 'content-type': 'application/json' } });
  const transaction = (amount: string, currency = 'USD') => raw('/transactions', `{"amount": ${amount}, "currency": "${currency}", "transaction_type": "expense", "date": "2026-03-14"}`);

  test.each([
    ['1e3', 'USD', '1000.00'],
    ['1.25e1', 'USD', '12.50'],
    ['1e-2', 'USD', '0.01'],
    ['1.5E+3', 'JPY', '1500'],
    ['1e-3', 'KWD', '0.001'],
  ])('%s %s → 201 with %s', async (literal, currency, expected) => {
    const reply = await transaction(literal, currency);
    expect(reply.status).toBe(201);
    expect(reply.body).toMatchObject({ amount: expected, currency });
  });

  test.each([
    ['1e-3', 'USD'], // too many decimals for the currency
    ['1.5e0', 'JPY'],
    ['1e16', 'USD'], // too many integer digits
    ['1e400', 'USD'],
    ['"1e3"', 'USD'], // in a string an exponent is refused: a string amount is a plain decimal
  ])('%s %s → 422 amount', async (literal, currency) => {
    const body = expectProblem(await transaction(literal, currency), 422);
    expect(body.errors).toEqual(expect.arrayContaining([{ path: 'amount', message: expect.any(String) }]));
  });

  test('a budget of 5e2 is 500.00', async () => {
    const reply = await raw('/budgets', '{"amount": 5e2, "period": "monthly", "start_date": "2026-03-01"}');
    expect(reply.status).toBe(201);
    expect(reply.body.amount).toBe('500.00');
  });
});

test('the account still works with its password (nothing above changed it)', async () => {
  const me = await api.get('/users/me', token);
  expect(me.status).toBe(200);
  expect(password).toBeTruthy();
});
