import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { ledgerV1 } from '@finance/proto';
import { stubError } from '@finance/testing';
import { CREATED_AT, money, protoDate, protoTransaction, UPDATED_AT } from './support/builders.js';
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
  gw.reset();
  ({ userId, token } = await gw.caller());
  // By default the ledger records what it is sent (with its currency, USD when none is given).
  gw.ledger.on('createTransaction', (req) => ({ transaction: fromRequest(req), replayed: false }));
});

/** The transaction a ledger would answer for `req`. */
const fromRequest = (req: ledgerV1.CreateTransactionRequest | ledgerV1.UpdateTransactionRequest) =>
  protoTransaction({
    userId: req.userId,
    ...(req.amount !== undefined ? { amount: money(req.amount, req.currency ?? 'USD') } : {}),
    ...(req.transactionType ? { transactionType: req.transactionType } : {}),
    ...(req.date ? { date: req.date } : {}),
    description: req.description ?? '',
    ...(req.categoryId ? { categoryId: req.categoryId } : {}),
  });
const notFound = () => stubError('not_found', 'LEDGER_TRANSACTION_NOT_FOUND', 'Transaction not found.');
const invalidField = (code: string, path: string, message: string) => stubError('invalid_argument', code, `${path}: ${message}`, { errors: [{ path, message }] });


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
async function expectRefusedByGateway(send: () => Promise<Res>, rpc: Parameters<TestGateway['ledger']['callsOf']>[0], paths: string[]) {
  const before = gw.ledger.callsOf(rpc).length;
  const res = await send();
  const body = expectProblem(res, 422, 'VALIDATION_FAILED');
  expect((body.errors as { path: string }[]).map((e) => e.path).sort()).toEqual([...paths].sort());
  for (const error of body.errors) expect(error.message).toEqual(expect.any(String));
  expect(gw.ledger.callsOf(rpc)).toHaveLength(before);
  return body;
}

describe('POST /transactions', () => {
  it('sends every field to CreateTransaction and answers 201 with the ledger’s transaction in snake_case', async () => {
    const category = { id: randomUUID(), name: 'Food', color: '#AA5500', icon: 'utensils' };
    const answered = protoTransaction({ userId, amount: money('12.50', 'EUR'), date: protoDate('2026-03-14'), description: 'Lunch', categoryId: category.id, category });
    gw.ledger.answer('createTransaction', { transaction: answered, replayed: false });
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
      id: answered.id,
      amount: '12.50',
      currency: 'EUR',
      transaction_type: 'expense',
      date: '2026-03-14',
      description: 'Lunch',
      category_id: category.id,
      category: { id: category.id, name: 'Food', color: '#AA5500', icon: 'utensils' },
      created_at: CREATED_AT.toISOString(),
      updated_at: UPDATED_AT.toISOString(),
    });
    expect(res.headers.location).toBe(`/transactions/${answered.id}`);
  });

  it('renders the ledger’s minor units with the currency’s decimal places (USD "7.00", JPY "1000", KWD "1.250")', async () => {
    for (const [amount, currency, shown] of [
      ['7', 'USD', '7.00'],
      ['1000', 'JPY', '1000'],
      ['1.25', 'KWD', '1.250'],
    ] as const) {
      gw.ledger.answer('createTransaction', { transaction: protoTransaction({ amount: money(amount, currency) }), replayed: false });
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
      expect(gw.ledger.lastRequest('createTransaction').amount).toBe(sent);
    }
    expect((await postRaw('{"amount": 12.50, "transaction_type": "income", "date": "2026-03-14"}')).statusCode).toBe(201);
    expect(gw.ledger.lastRequest('createTransaction')).toMatchObject({ amount: '12.5', transactionType: TransactionType.TRANSACTION_TYPE_INCOME });
  });

  it('without currency or category none is sent (the ledger applies the base currency); no category answers null, not {}', async () => {
    gw.ledger.answer('createTransaction', { transaction: protoTransaction({ amount: money('12.50', 'EUR') }), replayed: false });
    const res = await post(valid);
    expect(res.statusCode).toBe(201);
    const request = gw.ledger.lastRequest('createTransaction');
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
    const request = gw.ledger.lastRequest('createTransaction');
    expect(request.userId).toBe(userId);
    expect(request).not.toHaveProperty('id');
    expect(request).not.toHaveProperty('createdAt');
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

    // Exponent forms are read exactly from their text (1e3 → "1000", see hardening-input.test.ts);
    // what they denote is checked like any amount.
    it.each(['1e16', '1E21', '1.5e15'])('a JSON number written with an exponent that is too large (%s)', async (literal) => {
      const body = await expectRefusedByGateway(
        () => postRaw(`{"amount": ${literal}, "transaction_type": "expense", "date": "2026-03-14"}`),
        'createTransaction',
        ['amount'],
      );
      expect(body.errors[0].message).toMatch(/too large/);
    });
  });

  describe('the ledger’s verdict on the amount passes through as 422 with its field', () => {
    it.each([
      ['"12.345" in USD (too precise)', { amount: '12.345' }, 'amount'],
      ['"10.5" in JPY', { amount: '10.5', currency: 'JPY' }, 'amount'],
      ['a JSON number 10.5 in JPY', { amount: 10.5, currency: 'JPY' }, 'amount'],
      ['"0.001" in USD', { amount: '0.001' }, 'amount'],
      ['an unknown currency', { currency: 'XYZ' }, 'currency'],
    ])('%s: the gateway forwards it, the ledger’s 422 comes back with its code, message and field', async (_name, change, path) => {
      gw.ledger.fail('createTransaction', invalidField('LEDGER_INVALID_FIELDS', path, 'has more decimals than the currency allows'));
      const res = await post({ ...valid, ...change });
      const body = expectProblem(res, 422, 'LEDGER_INVALID_FIELDS');
      expect(body.errors).toEqual([{ path, message: 'has more decimals than the currency allows' }]);
      expect(body.detail).toBe(`${path}: has more decimals than the currency allows`);
      expect(gw.ledger.lastRequest('createTransaction')).toMatchObject({ amount: String('amount' in change ? change.amount : valid.amount), ...('currency' in change ? { currency: change.currency } : {}) });
    });

    it('an unknown category (also another user’s): the ledger’s LEDGER_UNKNOWN_CATEGORY → 422 on category_id', async () => {
      gw.ledger.fail('createTransaction', invalidField('LEDGER_UNKNOWN_CATEGORY', 'category_id', 'is not one of your categories'));
      const id = randomUUID();
      const body = expectProblem(await post({ ...valid, category_id: id }), 422, 'LEDGER_UNKNOWN_CATEGORY');
      expect(body.errors).toEqual([{ path: 'category_id', message: 'is not one of your categories' }]);
      expect(gw.ledger.lastRequest('createTransaction').categoryId).toBe(id);
    });
  });

  describe('Idempotency-Key', () => {
    it('is forwarded; when the ledger says it replayed, 201 with its answer and Idempotent-Replayed: true', async () => {
      const key = `key-${randomUUID()}`;
      const first = await post(valid, { 'Idempotency-Key': key });
      expect(first.statusCode).toBe(201);
      expect(first.headers['idempotent-replayed']).toBeUndefined();
      expect(gw.ledger.lastRequest('createTransaction')).toMatchObject({ idempotencyKey: key });

      const stored = protoTransaction({ userId });
      gw.ledger.answer('createTransaction', { transaction: stored, replayed: true });
      const again = await post(valid, { 'idempotency-key': key });
      expect(again.statusCode).toBe(201);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.json().id).toBe(stored.id);
      expect(again.headers.location).toBe(`/transactions/${stored.id}`);
    });

    it('the same key with a different body → the ledger’s 422 naming Idempotency-Key', async () => {
      gw.ledger.fail('createTransaction', invalidField('LEDGER_IDEMPOTENCY_KEY_REUSED', 'Idempotency-Key', 'was used with a different body'));
      const body = expectProblem(await post({ ...valid, amount: '99.00' }, { 'idempotency-key': randomUUID() }), 422, 'LEDGER_IDEMPOTENCY_KEY_REUSED');
      expect(body.errors).toEqual([{ path: 'Idempotency-Key', message: 'was used with a different body' }]);
    });

    it('without the header no key is sent', async () => {
      expect((await post(valid)).statusCode).toBe(201);
      expect(gw.ledger.lastRequest('createTransaction').idempotencyKey).toBeUndefined();
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
    gw.ledger.answer('listTransactions', { items: [], page: { nextCursor: '' } });
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
    gw.ledger.answer('listTransactions', { items: [], page: { nextCursor: '' } });
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

  it('answers the items in the ledger’s order and passes the cursor both ways until the ledger’s is empty (null)', async () => {
    const dates = ['2026-03-01', '2026-02-10', '2026-01-05'];
    const [a, b, c] = dates.map((date) => protoTransaction({ userId, date: protoDate(date) }));
    gw.ledger.on('listTransactions', (req) =>
      req.page?.cursor === '' ? { items: [a!, b!], page: { nextCursor: 'opaque-cursor/2' } } : { items: [c!], page: { nextCursor: '' } },
    );
    const first = await get('/transactions?limit=2');
    expect(first.statusCode).toBe(200);
    expect(first.json().items.map((t: { date: string }) => t.date)).toEqual(['2026-03-01', '2026-02-10']);
    expect(first.json().next_cursor).toBe('opaque-cursor/2');

    const second = await get(`/transactions?limit=2&cursor=${encodeURIComponent('opaque-cursor/2')}`);
    expect(gw.ledger.lastRequest('listTransactions').page).toEqual({ limit: 2, cursor: 'opaque-cursor/2' });
    expect(second.json()).toEqual({ items: [expect.objectContaining({ id: c!.id, date: '2026-01-05' })], next_cursor: null });
  });

  it('each item in full, its category embedded', async () => {
    const category = { id: randomUUID(), name: 'Rent', color: '#000000' };
    const t = protoTransaction({ userId, amount: money('950.00'), categoryId: category.id, category, description: 'March rent' });
    gw.ledger.answer('listTransactions', { items: [t], page: { nextCursor: '' } });
    const items = (await get('/transactions')).json().items;
    expect(items).toEqual([
      expect.objectContaining({ id: t.id, amount: '950.00', description: 'March rent', category_id: category.id, category: { id: category.id, name: 'Rent', color: '#000000', icon: null } }),
    ]);
    expect(Object.keys(items[0]).sort()).toEqual(TRANSACTION_KEYS);
  });

  it('a tampered cursor → the ledger’s 422 naming cursor', async () => {
    gw.ledger.fail('listTransactions', invalidField('LEDGER_INVALID_CURSOR', 'cursor', 'is not a cursor this service issued'));
    const body = expectProblem(await get('/transactions?cursor=not-a-real-cursor'), 422, 'LEDGER_INVALID_CURSOR');
    expect(body.errors).toEqual([{ path: 'cursor', message: 'is not a cursor this service issued' }]);
    expect(gw.ledger.lastRequest('listTransactions').page?.cursor).toBe('not-a-real-cursor');
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
    gw.ledger.answer('listTransactions', { items: [], page: { nextCursor: '' } });
    expect((await get('/transactions?limit=1')).statusCode).toBe(200);
    expect((await get('/transactions?limit=200&from=2026-03-01&to=2026-03-01')).statusCode).toBe(200);
    expect(gw.ledger.lastRequest('listTransactions')).toMatchObject({ page: { limit: 200, cursor: '' }, from: protoDate('2026-03-01'), to: protoDate('2026-03-01') });
  });
});

describe('GET /transactions/{id}', () => {
  it('answers the ledger’s transaction; the id goes to the ledger in lower case', async () => {
    const t = protoTransaction({
      userId,
      amount: money('3.5', 'EUR'),
      transactionType: TransactionType.TRANSACTION_TYPE_INCOME,
      date: protoDate('2026-02-28'),
      description: 'Refund',
    });
    gw.ledger.answer('getTransaction', { transaction: t });
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
      created_at: CREATED_AT.toISOString(),
      updated_at: UPDATED_AT.toISOString(),
    });
  });

  it('the ledger’s NOT_FOUND (missing, or another user’s) → 404 with its code and message', async () => {
    gw.ledger.fail('getTransaction', notFound());
    const body = expectProblem(await get(`/transactions/${randomUUID()}`), 404, 'LEDGER_TRANSACTION_NOT_FOUND');
    expect(body.detail).toBe('Transaction not found.');
  });
});

describe('a path id that is not a UUID cannot exist: 404, not 422, and the ledger is not asked', () => {
  it('the answer is the one the ledger gives for an id that does not exist', async () => {
    gw.ledger.fail('getTransaction', notFound());
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
  const id = randomUUID();
  beforeEach(() => {
    gw.ledger.on('updateTransaction', (req) => ({ transaction: { ...fromRequest(req), id: req.id } }));
  });

  it('sends only the fields given (the ledger keeps the others) and answers the ledger’s transaction', async () => {
    const categoryId = randomUUID();
    const t = protoTransaction({ id, userId, amount: money('25.00'), date: protoDate('2026-03-03'), description: 'Taxi', categoryId });
    gw.ledger.answer('updateTransaction', { transaction: t });
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
    expect(res.json()).toMatchObject({ id: t.id, amount: '25.00', date: '2026-03-03', description: 'Taxi', category_id: categoryId, transaction_type: 'expense' });
  });

  it('maps every field', async () => {
    const t = { id };
    const category = { id: randomUUID(), name: 'Salary', color: '#00FF00', icon: 'coins' };
    gw.ledger.on('updateTransaction', (req) => ({ transaction: { ...fromRequest(req), id: req.id, category } }));
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
    const t = { id };
    const res = await put(t.id, { category_id: null, description: null });
    expect(res.statusCode).toBe(200);
    expect(gw.ledger.lastRequest('updateTransaction')).toMatchObject({ categoryId: '', description: '' });
    expect(res.json()).toMatchObject({ category_id: null, category: null, description: '' });
  });

  it('an empty body sends no field', async () => {
    const res = await put(id, {});
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id });
    expect(gw.ledger.lastRequest('updateTransaction')).toEqual({
      userId,
      id,
      amount: undefined,
      transactionType: TransactionType.TRANSACTION_TYPE_UNSPECIFIED,
      date: undefined,
      description: undefined,
      categoryId: undefined,
      currency: undefined,
    });
  });

  it('a user_id in the body has no effect', async () => {
    expect((await put(id, { user_id: randomUUID(), description: 'mine' })).statusCode).toBe(200);
    expect(gw.ledger.lastRequest('updateTransaction').userId).toBe(userId);
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
    await expectRefusedByGateway(() => put(id, payload), 'updateTransaction', paths);
  });

  it('an amount written with an exponent is read exactly (2e2 → "200"); 1e16 is 422', async () => {
    gw.ledger.on('updateTransaction', (req) => ({ transaction: { ...fromRequest(req), id: req.id } }));
    expect((await putRaw(id, '{"amount": 2e2}')).statusCode).toBe(200);
    expect(gw.ledger.lastRequest('updateTransaction').amount).toBe('200');
    await expectRefusedByGateway(() => putRaw(id, '{"amount": 1e16}'), 'updateTransaction', ['amount']);
  });

  it('the ledger’s 422 (too precise for the currency) and 404 (missing or someone else’s) pass through', async () => {
    gw.ledger.fail('updateTransaction', invalidField('LEDGER_INVALID_FIELDS', 'amount', 'has more decimals than the currency allows'));
    const invalid = expectProblem(await put(id, { amount: '1.999' }), 422, 'LEDGER_INVALID_FIELDS');
    expect(invalid.errors).toEqual([{ path: 'amount', message: 'has more decimals than the currency allows' }]);
    expect(gw.ledger.lastRequest('updateTransaction').amount).toBe('1.999');
    gw.ledger.fail('updateTransaction', notFound());
    expectProblem(await put(id, { description: 'hijacked' }), 404, 'LEDGER_TRANSACTION_NOT_FOUND');
  });
});

describe('DELETE /transactions/{id}', () => {
  it('sends DeleteTransaction the caller and id; 204 with no body', async () => {
    gw.ledger.answer('deleteTransaction', {});
    const t = { id: randomUUID() };
    const res = await gw.app.inject({ method: 'DELETE', url: `/transactions/${t.id}`, headers: { ...bearer(token), 'content-type': 'application/json' } });
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe('');
    expect(gw.ledger.lastRequest('deleteTransaction')).toEqual({ userId, id: t.id });
  });

  it('the ledger’s NOT_FOUND (gone, or another user’s) → 404 with its code', async () => {
    gw.ledger.fail('deleteTransaction', notFound());
    expectProblem(await gw.app.inject({ method: 'DELETE', url: `/transactions/${randomUUID()}`, headers: bearer(token) }), 404, 'LEDGER_TRANSACTION_NOT_FOUND');
  });
});

describe('ledger failures', () => {
  upstreamFailureTests(
    'ledger',
    ['/transactions', `/transactions/${randomUUID()}`],
    (local) => {
      local.ledger.answer('listTransactions', { items: [], page: { nextCursor: '' } });
      local.ledger.answer('getTransaction', { transaction: protoTransaction() });
    },
    () => ({ gw, token }),
  );
});
