import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { ledgerV1 } from '@finance/proto';
import { bearer, startTestGateway, type TestGateway } from './support/gateway.js';
import { expectProblem, type Res } from './support/problems.js';
import { upstreamFailureTests } from './support/upstream-failures.js';

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


const TRANSACTION_KEYS = ['amount', 'category', 'category_id', 'created_at', 'currency', 'date', 'description', 'id', 'transaction_type', 'updated_at'];
const valid = { amount: '12.50', transaction_type: 'expense', date: '2026-03-14' };

const post = (payload: unknown, headers: Record<string, string> = {}, t = token) =>
  gw.app.inject({ method: 'POST', url: '/transactions', headers: { ...bearer(t), ...headers }, payload: payload as object });
/** Sends the body text exactly as given (for JSON a JS object cannot express, such as `1e3`). */
const postRaw = (text: string) => gw.app.inject({ method: 'POST', url: '/transactions', headers: { ...bearer(token), 'content-type': 'application/json' }, payload: text });
const get = (url: string, t = token) => gw.app.inject({ method: 'GET', url, headers: bearer(t) });
const put = (id: string, payload: unknown, t = token) => gw.app.inject({ method: 'PUT', url: `/transactions/${id}`, headers: bearer(t), payload: payload as object });
const putRaw = (id: string, text: string) =>
  gw.app.inject({ method: 'PUT', url: `/transactions/${id}`, headers: { ...bearer(token), 'content-type': 'application/json' }, payload: text });


/** A 422 naming exactly these fields, decided by the gateway: the ledger was not asked. */
async function expectRefusedByGateway(send: () => Promise<Res>, rpc: string, paths: string[]) {
  const before = gw.ledger.callsOf(rpc).length;
  const res = await send();
  const body = expectProblem(res, 422, 'VALIDATION_FAILED');
  expect((body.errors as { path: string }[]).map((e) => e.path).sort()).toEqual([...paths].sort());
  for (const error of body.errors) expect(error.message).toEqual(expect.any(String));
  expect(gw.ledger.callsOf(rpc)).toHaveLength(before);
  return body;
}

describe('POST /transactions', () => {
  it('sends every field to CreateTransaction and answers 201 with the transaction in snake_case', async () => {
    const category = gw.ledger.seedCategory(userId, { name: 'Food', color: '#AA5500', icon: 'utensils' });
    const res = await post({ amount: '12.50', transaction_type: 'expense', date: '2026-03-14', description: 'Lunch', category_id: category.id.toUpperCase(), currency: 'EUR' });
    expect(res.statusCode).toBe(201);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['idempotent-replayed']).toBeUndefined();

    expect(gw.ledger.lastRequest('createTransaction')).toEqual({
      userId,
      amount: '12.50',
      transactionType: TransactionType.TRANSACTION_TYPE_EXPENSE,
      date: { year: 2026, month: 3, day: 14 },
      description: 'Lunch',
      categoryId: category.id,
      currency: 'EUR',
    });
    const body = res.json();
    expect(Object.keys(body).sort()).toEqual(TRANSACTION_KEYS);
    expect(body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      amount: '12.50',
      currency: 'EUR',
      transaction_type: 'expense',
      date: '2026-03-14',
      description: 'Lunch',
      category_id: category.id,
      category: { id: category.id, name: 'Food', color: '#AA5500', icon: 'utensils' },
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      updated_at: expect.stringMatching(/Z$/),
    });
    expect(res.headers.location).toBe(`/transactions/${body.id}`);
  });

  it('renders amounts with the currency’s decimal places (USD "7.00", JPY "1000", KWD "1.250")', async () => {
    for (const [amount, currency, shown] of [
      ['7', 'USD', '7.00'],
      ['1000', 'JPY', '1000'],
      ['1.25', 'KWD', '1.250'],
    ] as const) {
      const res = await post({ ...valid, amount, currency });
      expect(res.statusCode).toBe(201);
      expect(res.json()).toMatchObject({ amount: shown, currency });
    }
  });

  it('a JSON number amount travels as its exact decimal string, never a float', async () => {
    for (const [amount, sent] of [
      [12.5, '12.5'],
      [0.1, '0.1'],
      [1000, '1000'],
      [999999999999999, '999999999999999'],
    ] as const) {
      const res = await post({ ...valid, amount });
      expect(res.statusCode).toBe(201);
      expect(gw.ledger.lastRequest<ledgerV1.CreateTransactionRequest>('createTransaction').amount).toBe(sent);
    }
    expect((await postRaw('{"amount": 12.50, "transaction_type": "income", "date": "2026-03-14"}')).json()).toMatchObject({ amount: '12.50', transaction_type: 'income' });
  });

  it('without currency the user’s base currency applies; without category it is uncategorized (null, not {})', async () => {
    gw.fake.users.get(userId)!.user.baseCurrency = 'EUR';
    const res = await post(valid);
    expect(res.statusCode).toBe(201);
    const request = gw.ledger.lastRequest<ledgerV1.CreateTransactionRequest>('createTransaction');
    expect(request.currency).toBeUndefined();
    expect(request.categoryId).toBeUndefined();
    expect(request.description).toBe('');
    expect(res.json()).toMatchObject({ currency: 'EUR', amount: '12.50', description: '', category_id: null, category: null });
  });

  it('null for description and category_id count as not given', async () => {
    const res = await post({ ...valid, description: null, category_id: null });
    expect(res.statusCode).toBe(201);
    expect(gw.ledger.lastRequest('createTransaction')).toMatchObject({ description: '', categoryId: undefined });
  });

  it('a user_id or id in the body has no effect (the caller is the token’s subject)', async () => {
    const other = randomUUID();
    const res = await post({ ...valid, user_id: other, id: other, created_at: '2000-01-01T00:00:00Z' });
    expect(res.statusCode).toBe(201);
    const request = gw.ledger.lastRequest<ledgerV1.CreateTransactionRequest>('createTransaction');
    expect(request.userId).toBe(userId);
    expect(request).not.toHaveProperty('id');
    expect(res.json().id).not.toBe(other);
  });

  describe('422 from the gateway, naming the field, before any RPC', () => {
    it.each([
      ['no amount', { amount: undefined }, ['amount']],
      ['amount true', { amount: true }, ['amount']],
      ['amount null', { amount: null }, ['amount']],
      ['amount an object', { amount: { value: 1 } }, ['amount']],
      ['amount with 16 integer digits (number)', { amount: 1234567890123456 }, ['amount']],
      ['amount with more digits than a double carries', { amount: 0.30000000000000004 }, ['amount']],
      ['amount too long a string', { amount: '1'.repeat(65) }, ['amount']],
      ['amount "abc"', { amount: 'abc' }, ['amount']],
      ['amount "0"', { amount: '0' }, ['amount']],
      ['amount 0', { amount: 0 }, ['amount']],
      ['amount "0.00"', { amount: '0.00' }, ['amount']],
      ['a negative amount', { amount: '-5.00' }, ['amount']],
      ['a negative JSON number', { amount: -5 }, ['amount']],
      ['the string "1e3"', { amount: '1e3' }, ['amount']],
      ['an amount with a thousands separator', { amount: '1,000.00' }, ['amount']],
      ['an amount with spaces', { amount: ' 12.50' }, ['amount']],
      ['amount ".5"', { amount: '.5' }, ['amount']],
      ['16 integer digits as a string', { amount: '1234567890123456' }, ['amount']],
      ['no transaction_type', { transaction_type: undefined }, ['transaction_type']],
      ['transaction_type "transfer"', { transaction_type: 'transfer' }, ['transaction_type']],
      ['transaction_type "INCOME"', { transaction_type: 'INCOME' }, ['transaction_type']],
      ['no date', { date: undefined }, ['date']],
      ['date 2026-02-30', { date: '2026-02-30' }, ['date']],
      ['date 2025-02-29 (not a leap year)', { date: '2025-02-29' }, ['date']],
      ['date 2026-13-01', { date: '2026-13-01' }, ['date']],
      ['date 2026-3-14', { date: '2026-3-14' }, ['date']],
      ['date with a time', { date: '2026-03-14T00:00:00Z' }, ['date']],
      ['date 14.03.2026', { date: '14.03.2026' }, ['date']],
      ['date 0000-01-01', { date: '0000-01-01' }, ['date']],
      ['date as a number', { date: 20260314 }, ['date']],
      ['description of 1001 characters', { description: 'x'.repeat(1001) }, ['description']],
      ['description a number', { description: 5 }, ['description']],
      ['category_id not a UUID', { category_id: 'food' }, ['category_id']],
      ['currency in lower case', { currency: 'usd' }, ['currency']],
      ['currency "EURO"', { currency: 'EURO' }, ['currency']],
      ['several fields at once', { amount: false, date: '2026-02-30', currency: 'x' }, ['amount', 'currency', 'date']],
      ['a bad amount string with other bad fields: all named at once', { amount: 'abc', transaction_type: 'x', date: '2026-02-30' }, ['amount', 'date', 'transaction_type']],
    ])('%s', async (_name, change, paths) => {
      await expectRefusedByGateway(() => post({ ...valid, ...change }), 'createTransaction', paths);
    });

    it('the amount messages come from @finance/money and say what to do', async () => {
      const tooBig = await expectRefusedByGateway(() => post({ ...valid, amount: 1234567890123456 }), 'createTransaction', ['amount']);
      expect(tooBig.errors[0].message).toMatch(/too large/);
      const tooPrecise = await expectRefusedByGateway(() => post({ ...valid, amount: 70368744177664.01 }), 'createTransaction', ['amount']);
      expect(tooPrecise.errors[0].message).toMatch(/decimal string/);
      const wrongType = await expectRefusedByGateway(() => post({ ...valid, amount: [1] }), 'createTransaction', ['amount']);
      expect(wrongType.errors[0].message).toMatch(/decimal string like "12.50" or a number/);
      const zero = await expectRefusedByGateway(() => post({ ...valid, amount: '0.00' }), 'createTransaction', ['amount']);
      expect(zero.errors[0].message).toBe('Amount must be greater than zero');
    });

    it('description of exactly 1000 characters is fine, counted as characters (1000 emoji are 1000, not 2000)', async () => {
      expect((await post({ ...valid, description: 'x'.repeat(1000) })).statusCode).toBe(201);
      expect((await post({ ...valid, description: '💶'.repeat(1000) })).statusCode).toBe(201);
      await expectRefusedByGateway(() => post({ ...valid, description: '💶'.repeat(1001) }), 'createTransaction', ['description']);
      await expectRefusedByGateway(() => post({ ...valid, description: 'nul\u0000byte' }), 'createTransaction', ['description']);
    });

    it('a lone UTF-16 surrogate (valid JSON, no UTF-8 form) is refused, not stored as U+FFFD', async () => {
      const body = await expectRefusedByGateway(() => postRaw(JSON.stringify({ ...valid, description: 'x' }).replace('"x"', '"\\ud800x"')), 'createTransaction', ['description']);
      expect(body.errors[0].message).toMatch(/lone surrogate/);
      expect((await post({ ...valid, description: 'a pair is fine: \ud83d\udcb6' })).statusCode).toBe(201);
    });

    it.each(['1e3', '1E3', '1.5e2', '1e-2', '1e21'])('a JSON number written with an exponent (%s)', async (literal) => {
      const body = await expectRefusedByGateway(
        () => postRaw(`{"amount": ${literal}, "transaction_type": "expense", "date": "2026-03-14"}`),
        'createTransaction',
        ['amount'],
      );
      expect(body.errors[0].message).toMatch(/exponent/);
    });
  });

  describe('the ledger’s verdict on the amount passes through as 422 with its field', () => {
    it.each([
      ['"12.345" in USD (too precise)', { amount: '12.345' }, 'amount'],
      ['"10.5" in JPY', { amount: '10.5', currency: 'JPY' }, 'amount'],
      ['a JSON number 10.5 in JPY', { amount: 10.5, currency: 'JPY' }, 'amount'],
      ['"0.001" in USD', { amount: '0.001' }, 'amount'],
      ['an unknown currency', { currency: 'XYZ' }, 'currency'],
    ])('%s', async (_name, change, path) => {
      const res = await post({ ...valid, ...change });
      const body = expectProblem(res, 422, 'LEDGER_INVALID_FIELDS');
      expect(body.errors).toEqual([{ path, message: expect.any(String) }]);
    });

    it('a category of another user is an invalid category_id (422), not a way to probe it', async () => {
      const stranger = await gw.fake.seedUser();
      const theirs = gw.ledger.seedCategory(stranger.user.id);
      const body = expectProblem(await post({ ...valid, category_id: theirs.id }), 422, 'LEDGER_UNKNOWN_CATEGORY');
      expect(body.errors).toEqual([{ path: 'category_id', message: expect.any(String) }]);
    });
  });

  describe('Idempotency-Key', () => {
    it('is forwarded; a replay answers 201 with the same body and Idempotent-Replayed: true, creating nothing', async () => {
      const key = `key-${randomUUID()}`;
      const first = await post(valid, { 'idempotency-key': key });
      expect(first.statusCode).toBe(201);
      expect(first.headers['idempotent-replayed']).toBeUndefined();
      expect(gw.ledger.lastRequest('createTransaction')).toMatchObject({ idempotencyKey: key });
      const stored = gw.ledger.transactions.size;

      const again = await post(valid, { 'Idempotency-Key': key });
      expect(again.statusCode).toBe(201);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.json()).toEqual(first.json());
      expect(again.headers.location).toBe(first.headers.location);
      expect(gw.ledger.transactions.size).toBe(stored);
    });

    it('the same key with a different body → the ledger’s 422', async () => {
      const key = randomUUID();
      expect((await post(valid, { 'idempotency-key': key })).statusCode).toBe(201);
      const body = expectProblem(await post({ ...valid, amount: '99.00' }, { 'idempotency-key': key }), 422, 'LEDGER_IDEMPOTENCY_KEY_REUSED');
      expect(body.errors).toEqual([{ path: 'Idempotency-Key', message: expect.any(String) }]);
    });

    it('without the header nothing is replayed: two POSTs make two transactions', async () => {
      const a = await post(valid);
      const b = await post(valid);
      expect(a.json().id).not.toBe(b.json().id);
      expect(gw.ledger.lastRequest<ledgerV1.CreateTransactionRequest>('createTransaction').idempotencyKey).toBeUndefined();
    });

    it.each([
      ['longer than 255 characters', 'k'.repeat(256)],
      ['empty', ''],
    ])('422 for a key %s', async (_name, key) => {
      await expectRefusedByGateway(() => post(valid, { 'idempotency-key': key }), 'createTransaction', ['Idempotency-Key']);
    });
  });

  it('400 without a body, 415 for a non-JSON body', async () => {
    expectProblem(await gw.app.inject({ method: 'POST', url: '/transactions', headers: bearer(token) }), 400, 'BODY_NOT_OBJECT');
    expectProblem(
      await gw.app.inject({ method: 'POST', url: '/transactions', headers: { ...bearer(token), 'content-type': 'text/plain' }, payload: 'amount=1' }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
  });
});

describe('GET /transactions', () => {
  it('sends the limit and every filter to ListTransactions (the cursor: see paging below)', async () => {
    const categoryId = randomUUID();
    const res = await get(
      `/transactions?limit=10&from=2026-01-01&to=2026-01-31&transaction_type=income&category_id=${categoryId.toUpperCase()}&q=Coffee%20beans`,
    );
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ items: [], next_cursor: null });
    expect(gw.ledger.lastRequest('listTransactions')).toEqual({
      userId,
      page: { limit: 10, cursor: '' },
      from: { year: 2026, month: 1, day: 1 },
      to: { year: 2026, month: 1, day: 31 },
      transactionType: TransactionType.TRANSACTION_TYPE_INCOME,
      categoryId,
      q: 'Coffee beans',
    });
  });

  it('defaults: limit 50, first page, no filters; unknown query parameters are ignored', async () => {
    const res = await get(`/transactions?foo=bar&user_id=${randomUUID()}&sort=amount`);
    expect(res.statusCode).toBe(200);
    expect(gw.ledger.lastRequest('listTransactions')).toEqual({
      userId,
      page: { limit: 50, cursor: '' },
      from: undefined,
      to: undefined,
      transactionType: TransactionType.TRANSACTION_TYPE_UNSPECIFIED,
      categoryId: undefined,
      q: undefined,
    });
  });

  it('answers the items in the ledger’s order (newest date first) and passes the cursor through until next_cursor is null', async () => {
    for (const date of ['2026-01-05', '2026-03-01', '2026-02-10']) gw.ledger.seedTransaction(userId, { date });
    const first = await get('/transactions?limit=2');
    expect(first.statusCode).toBe(200);
    expect(first.json().items.map((t: { date: string }) => t.date)).toEqual(['2026-03-01', '2026-02-10']);
    const cursor = first.json().next_cursor;
    expect(cursor).toEqual(expect.any(String));

    const second = await get(`/transactions?limit=2&cursor=${encodeURIComponent(cursor)}`);
    expect(gw.ledger.lastRequest<ledgerV1.ListTransactionsRequest>('listTransactions').page).toEqual({ limit: 2, cursor });
    expect(second.json()).toEqual({ items: [expect.objectContaining({ date: '2026-01-05' })], next_cursor: null });
  });

  it('lists only the caller’s transactions, each in full', async () => {
    const stranger = await gw.fake.seedUser();
    gw.ledger.seedTransaction(stranger.user.id);
    const category = gw.ledger.seedCategory(userId, { name: 'Rent', color: '#000000' });
    gw.ledger.seedTransaction(userId, { amount: '950.00', type: TransactionType.TRANSACTION_TYPE_EXPENSE, categoryId: category.id, description: 'March rent' });
    const items = (await get('/transactions')).json().items;
    expect(items).toEqual([
      expect.objectContaining({ amount: '950.00', description: 'March rent', category_id: category.id, category: { id: category.id, name: 'Rent', color: '#000000', icon: null } }),
    ]);
    expect(Object.keys(items[0]).sort()).toEqual(TRANSACTION_KEYS);
  });

  it('a tampered cursor → the ledger’s 422 naming cursor', async () => {
    const body = expectProblem(await get('/transactions?cursor=not-a-real-cursor'), 422, 'LEDGER_INVALID_CURSOR');
    expect(body.errors).toEqual([{ path: 'cursor', message: expect.any(String) }]);
  });

  it.each([
    ['limit=0', ['limit']],
    ['limit=201', ['limit']],
    ['limit=-1', ['limit']],
    ['limit=1.5', ['limit']],
    ['limit=ten', ['limit']],
    ['limit=', ['limit']],
    ['limit=1&limit=2', ['limit']],
    ['from=2026-02-30', ['from']],
    ['to=2026-1-1', ['to']],
    ['from=2026-03-02&to=2026-03-01', ['from']],
    ['transaction_type=both', ['transaction_type']],
    ['category_id=food', ['category_id']],
    [`q=${'x'.repeat(1001)}`, ['q']],
    ['limit=0&from=nope', ['from', 'limit']],
  ])('422 for ?%s, before any RPC', async (query, paths) => {
    await expectRefusedByGateway(() => get(`/transactions?${query}`), 'listTransactions', paths);
  });

  it('limit 1 and 200 are accepted; from = to is one day', async () => {
    expect((await get('/transactions?limit=1')).statusCode).toBe(200);
    expect((await get('/transactions?limit=200&from=2026-03-01&to=2026-03-01')).statusCode).toBe(200);
  });
});

describe('GET /transactions/{id}', () => {
  it('answers the transaction; the id goes to the ledger in lower case', async () => {
    const t = gw.ledger.seedTransaction(userId, { amount: '3.5', currency: 'EUR', type: TransactionType.TRANSACTION_TYPE_INCOME, date: '2026-02-28', description: 'Refund' });
    const res = await get(`/transactions/${t.id.toUpperCase()}`);
    expect(res.statusCode).toBe(200);
    expect(gw.ledger.lastRequest('getTransaction')).toEqual({ userId, id: t.id });
    expect(res.json()).toEqual({
      id: t.id,
      amount: '3.50',
      currency: 'EUR',
      transaction_type: 'income',
      date: '2026-02-28',
      description: 'Refund',
      category_id: null,
      category: null,
      created_at: t.createdAt.toISOString(),
      updated_at: t.updatedAt.toISOString(),
    });
  });

  it('404 for another user’s transaction and for one that does not exist', async () => {
    const stranger = await gw.fake.seedUser();
    const theirs = gw.ledger.seedTransaction(stranger.user.id);
    const notMine = expectProblem(await get(`/transactions/${theirs.id}`), 404, 'LEDGER_TRANSACTION_NOT_FOUND');
    const missing = expectProblem(await get(`/transactions/${randomUUID()}`), 404, 'LEDGER_TRANSACTION_NOT_FOUND');
    expect(notMine.detail).toBe(missing.detail);
  });
});

describe('a path id that is not a UUID cannot exist: 404, not 422, and the ledger is not asked', () => {
  it('the answer is the one the ledger gives for an id that does not exist', async () => {
    const malformed = expectProblem(await get('/transactions/nope'), 404);
    const missing = expectProblem(await get(`/transactions/${randomUUID()}`), 404);
    const { instance: _a, ...malformedCore } = malformed;
    const { instance: _b, ...missingCore } = missing;
    expect(malformedCore).toEqual(missingCore);
  });

  const ids = ['123', 'not-a-uuid', '00000000-0000-0000-0000-00000000000g', `${randomUUID()}x`, '%20'];
  it.each(ids.flatMap((id) => (['GET', 'PUT', 'DELETE'] as const).map((method) => [method, id] as const)))('%s /transactions/%s', async (method, id) => {
    const calls = gw.ledger.calls.length;
    // PUT carries an invalid body too: the missing resource is what the caller learns first.
    const res = await gw.app.inject({ method, url: `/transactions/${id}`, headers: bearer(token), ...(method === 'PUT' ? { payload: { amount: true } } : {}) });
    const body = expectProblem(res, 404, 'LEDGER_TRANSACTION_NOT_FOUND');
    expect(body).not.toHaveProperty('errors');
    expect(gw.ledger.calls).toHaveLength(calls);
  });
});

describe('PUT /transactions/{id}', () => {
  it('sends only the fields given; the others stay as they were', async () => {
    const category = gw.ledger.seedCategory(userId);
    const t = gw.ledger.seedTransaction(userId, { amount: '20.00', date: '2026-03-03', description: 'Taxi', categoryId: category.id });
    const res = await put(t.id, { amount: '25.00' });
    expect(res.statusCode).toBe(200);
    expect(gw.ledger.lastRequest('updateTransaction')).toEqual({
      userId,
      id: t.id,
      amount: '25.00',
      transactionType: TransactionType.TRANSACTION_TYPE_UNSPECIFIED,
      date: undefined,
      description: undefined,
      categoryId: undefined,
      currency: undefined,
    });
    expect(res.json()).toMatchObject({ id: t.id, amount: '25.00', date: '2026-03-03', description: 'Taxi', category_id: category.id, transaction_type: 'expense' });
  });

  it('maps every field', async () => {
    const t = gw.ledger.seedTransaction(userId);
    const category = gw.ledger.seedCategory(userId, { name: 'Salary', color: '#00FF00', icon: 'coins' });
    const res = await put(t.id, { amount: 1000, transaction_type: 'income', date: '2026-04-30', description: 'April', category_id: category.id, currency: 'JPY' });
    expect(res.statusCode).toBe(200);
    expect(gw.ledger.lastRequest('updateTransaction')).toEqual({
      userId,
      id: t.id,
      amount: '1000',
      transactionType: TransactionType.TRANSACTION_TYPE_INCOME,
      date: { year: 2026, month: 4, day: 30 },
      description: 'April',
      categoryId: category.id,
      currency: 'JPY',
    });
    expect(res.json()).toMatchObject({
      amount: '1000',
      currency: 'JPY',
      transaction_type: 'income',
      date: '2026-04-30',
      description: 'April',
      category: { id: category.id, name: 'Salary', color: '#00FF00', icon: 'coins' },
    });
  });

  it('category_id: null → uncategorized ("" on the wire); description: null → none', async () => {
    const category = gw.ledger.seedCategory(userId);
    const t = gw.ledger.seedTransaction(userId, { categoryId: category.id, description: 'x' });
    const res = await put(t.id, { category_id: null, description: null });
    expect(res.statusCode).toBe(200);
    expect(gw.ledger.lastRequest('updateTransaction')).toMatchObject({ categoryId: '', description: '' });
    expect(res.json()).toMatchObject({ category_id: null, category: null, description: '' });
  });

  it('an empty body changes nothing', async () => {
    const t = gw.ledger.seedTransaction(userId, { amount: '5.00' });
    const res = await put(t.id, {});
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: t.id, amount: '5.00' });
  });

  it('a user_id in the body has no effect', async () => {
    const t = gw.ledger.seedTransaction(userId);
    expect((await put(t.id, { user_id: randomUUID(), description: 'mine' })).statusCode).toBe(200);
    expect(gw.ledger.lastRequest<ledgerV1.UpdateTransactionRequest>('updateTransaction').userId).toBe(userId);
  });

  it.each([
    ['amount null', { amount: null }, ['amount']],
    ['amount true', { amount: true }, ['amount']],
    ['amount "0"', { amount: '0' }, ['amount']],
    ['amount "-1"', { amount: '-1' }, ['amount']],
    ['transaction_type null', { transaction_type: null }, ['transaction_type']],
    ['transaction_type "refund"', { transaction_type: 'refund' }, ['transaction_type']],
    ['date 2026-02-30', { date: '2026-02-30' }, ['date']],
    ['date null', { date: null }, ['date']],
    ['description of 1001 characters', { description: 'y'.repeat(1001) }, ['description']],
    ['category_id not a UUID', { category_id: 'groceries' }, ['category_id']],
    ['currency null', { currency: null }, ['currency']],
  ])('422 for %s, before any RPC', async (_name, payload, paths) => {
    const t = gw.ledger.seedTransaction(userId);
    await expectRefusedByGateway(() => put(t.id, payload), 'updateTransaction', paths);
  });

  it('422 for an amount written with an exponent', async () => {
    const t = gw.ledger.seedTransaction(userId);
    await expectRefusedByGateway(() => putRaw(t.id, '{"amount": 2e2}'), 'updateTransaction', ['amount']);
  });

  it('the ledger’s 422 (too precise for the currency) and 404 (someone else’s) pass through', async () => {
    const t = gw.ledger.seedTransaction(userId);
    expectProblem(await put(t.id, { amount: '1.999' }), 422, 'LEDGER_INVALID_FIELDS');
    const stranger = await gw.fake.seedUser();
    const theirs = gw.ledger.seedTransaction(stranger.user.id, { description: 'theirs' });
    expectProblem(await put(theirs.id, { description: 'hijacked' }), 404, 'LEDGER_TRANSACTION_NOT_FOUND');
    expect(gw.ledger.transactions.get(theirs.id)?.description).toBe('theirs');
  });
});

describe('DELETE /transactions/{id}', () => {
  it('204 with no body; afterwards it is 404', async () => {
    const t = gw.ledger.seedTransaction(userId);
    const res = await gw.app.inject({ method: 'DELETE', url: `/transactions/${t.id}`, headers: { ...bearer(token), 'content-type': 'application/json' } });
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe('');
    expect(gw.ledger.lastRequest('deleteTransaction')).toEqual({ userId, id: t.id });
    expectProblem(await get(`/transactions/${t.id}`), 404);
    expectProblem(await gw.app.inject({ method: 'DELETE', url: `/transactions/${t.id}`, headers: bearer(token) }), 404, 'LEDGER_TRANSACTION_NOT_FOUND');
  });

  it('404 for another user’s transaction, which stays', async () => {
    const stranger = await gw.fake.seedUser();
    const theirs = gw.ledger.seedTransaction(stranger.user.id);
    expectProblem(await gw.app.inject({ method: 'DELETE', url: `/transactions/${theirs.id}`, headers: bearer(token) }), 404);
    expect(gw.ledger.transactions.has(theirs.id)).toBe(true);
  });
});

describe('ledger failures', () => {
  upstreamFailureTests('ledger', ['/transactions'], () => ({ gw, token }));
});
