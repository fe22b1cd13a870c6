import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { ledgerV1 } from '@finance/proto';
import { stubError } from '@finance/testing';
import { CREATED_AT, money, protoDate, protoTransaction, UPDATED_AT } from './support/builders.js';
import { bearer, startTestGateway, type TestGateway } from './support/gateway.js';
import { expectProblem, type Res } from './support/problems.js';
import { upstreamFailureTests } from './support/upstream-failures.js';

// The /recurring routes (API.md Version 3) against a scripted ledger: what each sends to
// finance.ledger.v1, what it answers, and what it refuses before any RPC.

const { TransactionType, Frequency, WeekendRule } = ledgerV1;

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(async () => {
  await gw.close();
});

/** A template as the ledger puts it on the wire, with plain defaults. */
const protoRecurring = (fields: Partial<ledgerV1.RecurringTemplate> = {}): ledgerV1.RecurringTemplate => ({
  id: randomUUID(),
  userId: randomUUID(),
  amount: money('950.00'),
  transactionType: TransactionType.TRANSACTION_TYPE_EXPENSE,
  description: 'Rent',
  categoryId: undefined,
  category: undefined,
  frequency: Frequency.FREQUENCY_MONTHLY,
  weekend: WeekendRule.WEEKEND_RULE_NONE,
  startDate: protoDate('2026-01-31'),
  endDate: undefined,
  nextOccurrenceDate: protoDate('2026-01-31'),
  isActive: true,
  autoCreate: true,
  createdAt: CREATED_AT,
  updatedAt: UPDATED_AT,
  ...fields,
});

let userId: string;
let token: string;
beforeEach(async () => {
  gw.reset();
  ({ userId, token } = await gw.caller());
  gw.ledger.on('createRecurring', (req) => ({
    template: protoRecurring({
      userId: req.userId,
      amount: money(req.amount, req.currency ?? 'USD'),
      transactionType: req.transactionType,
      frequency: req.frequency,
      weekend: req.weekend,
      startDate: req.startDate,
      endDate: req.endDate,
      nextOccurrenceDate: req.startDate,
      description: req.description,
      ...(req.categoryId ? { categoryId: req.categoryId } : {}),
      autoCreate: req.autoCreate ?? true,
    }),
  }));
});

const notFound = () => stubError('not_found', 'LEDGER_RECURRING_NOT_FOUND', 'Recurring template not found.');
const invalidField = (code: string, path: string, message: string) => stubError('invalid_argument', code, `${path}: ${message}`, { errors: [{ path, message }] });

const RECURRING_KEYS = [
  'amount',
  'auto_create',
  'category',
  'category_id',
  'created_at',
  'currency',
  'description',
  'end_date',
  'frequency',
  'id',
  'is_active',
  'next_occurrence_date',
  'start_date',
  'transaction_type',
  'updated_at',
  'weekend',
];
const TRANSACTION_KEYS = ['amount', 'category', 'category_id', 'created_at', 'currency', 'date', 'description', 'id', 'transaction_type', 'updated_at'];
const valid = { amount: '950.00', transaction_type: 'expense', frequency: 'monthly', start_date: '2026-01-31' };

const send = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown, headers: Record<string, string> = {}) =>
  gw.app.inject({ method, url, headers: { ...bearer(token), ...headers }, ...(payload !== undefined ? { payload: payload as object } : {}) });
const post = (payload: unknown) => send('POST', '/recurring', payload);
const postRaw = (text: string) => gw.app.inject({ method: 'POST', url: '/recurring', headers: { ...bearer(token), 'content-type': 'application/json' }, payload: text });
const get = (url: string) => send('GET', url);
const put = (id: string, payload: unknown) => send('PUT', `/recurring/${id}`, payload);

/** A 422 naming exactly these fields, decided by the gateway: the ledger was not asked. */
async function expectRefusedByGateway(request: () => Promise<Res>, rpc: Parameters<TestGateway['ledger']['callsOf']>[0], paths: string[]) {
  const before = gw.ledger.callsOf(rpc).length;
  const res = await request();
  const body = expectProblem(res, 422, 'VALIDATION_FAILED');
  expect((body.errors as { path: string }[]).map((e) => e.path).sort()).toEqual([...paths].sort());
  for (const error of body.errors) expect(error.message).toEqual(expect.any(String));
  expect(gw.ledger.callsOf(rpc)).toHaveLength(before);
  return body;
}

describe('POST /recurring', () => {
  it('sends every field to CreateRecurring and answers 201 with the template in snake_case', async () => {
    const category = { id: randomUUID(), name: 'Housing', color: '#884422', icon: 'house' };
    const endDate = protoDate('2026-12-31');
    const answered = protoRecurring({
      userId,
      amount: money('950', 'EUR'),
      startDate: protoDate('2026-01-31'),
      endDate,
      nextOccurrenceDate: protoDate('2026-01-30'),
      weekend: WeekendRule.WEEKEND_RULE_BEFORE,
      autoCreate: false,
      categoryId: category.id,
      category,
    });
    gw.ledger.answer('createRecurring', { template: answered });
    const res = await post({
      amount: 950,
      transaction_type: 'expense',
      frequency: 'monthly',
      start_date: '2026-01-31',
      end_date: '2026-12-31',
      description: 'Rent',
      category_id: category.id.toUpperCase(),
      currency: 'EUR',
      auto_create: false,
      weekend: 'before',
    });
    expect(res.statusCode).toBe(201);
    expect(gw.ledger.lastRequest('createRecurring')).toEqual({
      userId,
      amount: '950',
      transactionType: TransactionType.TRANSACTION_TYPE_EXPENSE,
      frequency: Frequency.FREQUENCY_MONTHLY,
      startDate: { year: 2026, month: 1, day: 31 },
      endDate: { year: 2026, month: 12, day: 31 },
      description: 'Rent',
      categoryId: category.id,
      currency: 'EUR',
      autoCreate: false,
      weekend: WeekendRule.WEEKEND_RULE_BEFORE,
    });
    const body = res.json();
    expect(Object.keys(body).sort()).toEqual(RECURRING_KEYS);
    expect(body).toEqual({
      id: answered.id,
      amount: '950.00',
      currency: 'EUR',
      transaction_type: 'expense',
      description: 'Rent',
      category_id: category.id,
      category: { id: category.id, name: 'Housing', color: '#884422', icon: 'house' },
      frequency: 'monthly',
      weekend: 'before',
      start_date: '2026-01-31',
      end_date: '2026-12-31',
      next_occurrence_date: '2026-01-30',
      is_active: true,
      auto_create: false,
      created_at: CREATED_AT.toISOString(),
      updated_at: UPDATED_AT.toISOString(),
    });
    expect(res.headers.location).toBe(`/recurring/${answered.id}`);
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('defaults: auto_create true, weekend none, no end, no category, no currency (the ledger applies the base currency)', async () => {
    const res = await post(valid);
    expect(res.statusCode).toBe(201);
    expect(gw.ledger.lastRequest('createRecurring')).toEqual({
      userId,
      amount: '950.00',
      transactionType: TransactionType.TRANSACTION_TYPE_EXPENSE,
      frequency: Frequency.FREQUENCY_MONTHLY,
      startDate: { year: 2026, month: 1, day: 31 },
      endDate: undefined,
      description: '',
      categoryId: undefined,
      currency: undefined,
      autoCreate: true,
      weekend: WeekendRule.WEEKEND_RULE_NONE,
    });
    expect(res.json()).toMatchObject({ end_date: null, category_id: null, category: null, weekend: 'none', auto_create: true, description: '' });
  });

  it.each([
    ['daily', Frequency.FREQUENCY_DAILY],
    ['weekly', Frequency.FREQUENCY_WEEKLY],
    ['monthly', Frequency.FREQUENCY_MONTHLY],
    ['yearly', Frequency.FREQUENCY_YEARLY],
  ] as const)('frequency %s travels as its enum and comes back as its name', async (frequency, proto) => {
    const res = await post({ ...valid, frequency });
    expect(res.statusCode).toBe(201);
    expect(gw.ledger.lastRequest('createRecurring').frequency).toBe(proto);
    expect(res.json().frequency).toBe(frequency);
  });

  it.each([
    ['none', WeekendRule.WEEKEND_RULE_NONE],
    ['before', WeekendRule.WEEKEND_RULE_BEFORE],
    ['after', WeekendRule.WEEKEND_RULE_AFTER],
  ] as const)('weekend %s travels as its enum and comes back as its name', async (weekend, proto) => {
    const res = await post({ ...valid, weekend });
    expect(res.statusCode).toBe(201);
    expect(gw.ledger.lastRequest('createRecurring').weekend).toBe(proto);
    expect(res.json().weekend).toBe(weekend);
  });

  it('renders the ledger’s minor units with the currency’s decimal places (USD "7.00", JPY "1000", KWD "1.250")', async () => {
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

  it('a JSON number amount travels as its exact decimal string; an exponent is read from its text', async () => {
    expect((await post({ ...valid, amount: 0.1 })).statusCode).toBe(201);
    expect(gw.ledger.lastRequest('createRecurring').amount).toBe('0.1');
    expect((await postRaw('{"amount": 1e3, "transaction_type": "income", "frequency": "weekly", "start_date": "2026-03-02"}')).statusCode).toBe(201);
    expect(gw.ledger.lastRequest('createRecurring')).toMatchObject({ amount: '1000', transactionType: TransactionType.TRANSACTION_TYPE_INCOME });
  });

  it('null for end_date, description and category_id count as not given; end_date = start_date is fine', async () => {
    expect((await post({ ...valid, end_date: null, description: null, category_id: null })).statusCode).toBe(201);
    expect(gw.ledger.lastRequest('createRecurring')).toMatchObject({ endDate: undefined, description: '', categoryId: undefined });
    expect((await post({ ...valid, end_date: valid.start_date })).statusCode).toBe(201);
    expect(gw.ledger.lastRequest('createRecurring').endDate).toEqual(protoDate(valid.start_date));
  });

  it('a user_id, id or next_occurrence_date in the body has no effect', async () => {
    const res = await post({ ...valid, user_id: randomUUID(), id: randomUUID(), next_occurrence_date: '2030-01-01', is_active: false });
    expect(res.statusCode).toBe(201);
    const request = gw.ledger.lastRequest('createRecurring');
    expect(request.userId).toBe(userId);
    expect(request).not.toHaveProperty('id');
    expect(request).not.toHaveProperty('nextOccurrenceDate');
    expect(request).not.toHaveProperty('isActive');
  });

  describe('422 from the gateway, naming the field, before any RPC', () => {
    it.each([
      ['no amount', { amount: undefined }, ['amount']],
      ['amount "0"', { amount: '0' }, ['amount']],
      ['amount 0', { amount: 0 }, ['amount']],
      ['amount "0.00"', { amount: '0.00' }, ['amount']],
      ['a negative amount', { amount: '-950.00' }, ['amount']],
      ['a negative JSON number', { amount: -5 }, ['amount']],
      ['amount "abc"', { amount: 'abc' }, ['amount']],
      ['amount with 16 integer digits', { amount: '1234567890123456' }, ['amount']],
      ['amount true', { amount: true }, ['amount']],
      ['no transaction_type', { transaction_type: undefined }, ['transaction_type']],
      ['transaction_type "transfer"', { transaction_type: 'transfer' }, ['transaction_type']],
      ['no frequency', { frequency: undefined }, ['frequency']],
      ['frequency "fortnightly"', { frequency: 'fortnightly' }, ['frequency']],
      ['frequency "Monthly"', { frequency: 'Monthly' }, ['frequency']],
      ['frequency null', { frequency: null }, ['frequency']],
      ['no start_date', { start_date: undefined }, ['start_date']],
      ['start_date 2030-02-30', { start_date: '2030-02-30' }, ['start_date']],
      ['start_date 2025-02-29 (not a leap year)', { start_date: '2025-02-29' }, ['start_date']],
      ['start_date with a time', { start_date: '2026-01-31T00:00:00Z' }, ['start_date']],
      ['end_date 2030-02-30', { end_date: '2030-02-30' }, ['end_date']],
      ['end_date before start_date', { start_date: '2026-03-01', end_date: '2026-02-28' }, ['end_date']],
      ['a malformed start_date with an earlier end_date: only the malformed date is named', { start_date: '2026-13-01', end_date: '2026-01-01' }, ['start_date']],
      ['weekend "saturday"', { weekend: 'saturday' }, ['weekend']],
      ['weekend null', { weekend: null }, ['weekend']],
      ['auto_create "yes"', { auto_create: 'yes' }, ['auto_create']],
      ['description of 1001 characters', { description: 'x'.repeat(1001) }, ['description']],
      ['category_id not a UUID', { category_id: 'rent' }, ['category_id']],
      ['currency in lower case', { currency: 'usd' }, ['currency']],
      ['several fields at once', { amount: '0', frequency: 'fortnightly', weekend: 'never', start_date: '2030-02-30' }, ['amount', 'frequency', 'start_date', 'weekend']],
    ])('%s', async (_name, change, paths) => {
      await expectRefusedByGateway(() => post({ ...valid, ...change }), 'createRecurring', paths);
    });
  });

  describe('the ledger’s verdicts pass through as 422 with its field', () => {
    it.each([
      ['"1.001" in USD (too precise)', 'LEDGER_INVALID_FIELDS', { amount: '1.001' }, 'amount', 'has more decimals than the currency allows'],
      ['an unknown currency', 'LEDGER_INVALID_FIELDS', { currency: 'XYZ' }, 'currency', 'is not an ISO 4217 currency'],
      ['an unknown (or another user’s) category', 'LEDGER_UNKNOWN_CATEGORY', { category_id: randomUUID() }, 'category_id', 'is not one of your categories'],
    ])('%s', async (_name, code, change, path, message) => {
      gw.ledger.fail('createRecurring', invalidField(code, path, message));
      const body = expectProblem(await post({ ...valid, ...change }), 422, code);
      expect(body.errors).toEqual([{ path, message }]);
      expect(gw.ledger.callsOf('createRecurring')).toHaveLength(1);
    });
  });

  it('400 without a body, 415 for a non-JSON body', async () => {
    expectProblem(await gw.app.inject({ method: 'POST', url: '/recurring', headers: bearer(token) }), 400, 'BODY_NOT_OBJECT');
    expectProblem(
      await gw.app.inject({ method: 'POST', url: '/recurring', headers: { ...bearer(token), 'content-type': 'text/plain' }, payload: 'amount=1' }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
  });

  it('401 without a token, before the body is looked at', async () => {
    const res = await gw.app.inject({ method: 'POST', url: '/recurring', payload: { amount: 'nope' } });
    expectProblem(res, 401);
    expect(gw.ledger.calls).toHaveLength(0);
  });
});

describe('GET /recurring', () => {
  it('sends the limit, cursor and is_active filter to ListRecurring and answers {items, next_cursor}', async () => {
    const [a, b, c] = [protoRecurring({ userId }), protoRecurring({ userId, isActive: false, nextOccurrenceDate: undefined }), protoRecurring({ userId })];
    gw.ledger.on('listRecurring', (req) => (req.page?.cursor === '' ? { items: [a!, b!], page: { nextCursor: 'cursor/2' } } : { items: [c!], page: { nextCursor: '' } }));
    const first = await get('/recurring?limit=2');
    expect(first.statusCode).toBe(200);
    expect(gw.ledger.lastRequest('listRecurring')).toEqual({ userId, page: { limit: 2, cursor: '' }, isActive: undefined });
    expect(first.json().items.map((t: { id: string }) => t.id)).toEqual([a!.id, b!.id]);
    expect(first.json().items[1]).toMatchObject({ is_active: false, next_occurrence_date: null });
    for (const item of first.json().items) expect(Object.keys(item).sort()).toEqual(RECURRING_KEYS);
    expect(first.json().next_cursor).toBe('cursor/2');

    const second = await get(`/recurring?limit=2&cursor=${encodeURIComponent('cursor/2')}`);
    expect(gw.ledger.lastRequest('listRecurring').page).toEqual({ limit: 2, cursor: 'cursor/2' });
    expect(second.json()).toEqual({ items: [expect.objectContaining({ id: c!.id })], next_cursor: null });
  });

  it('default limit 50; is_active=true and is_active=false are sent as booleans', async () => {
    gw.ledger.answer('listRecurring', { items: [], page: { nextCursor: '' } });
    expect((await get('/recurring')).json()).toEqual({ items: [], next_cursor: null });
    expect(gw.ledger.lastRequest('listRecurring')).toEqual({ userId, page: { limit: 50, cursor: '' }, isActive: undefined });
    await get('/recurring?is_active=true');
    expect(gw.ledger.lastRequest('listRecurring').isActive).toBe(true);
    await get('/recurring?is_active=false&limit=200');
    expect(gw.ledger.lastRequest('listRecurring')).toMatchObject({ isActive: false, page: { limit: 200, cursor: '' } });
  });

  it.each([
    ['limit=0', ['limit']],
    ['limit=201', ['limit']],
    ['limit=ten', ['limit']],
    ['is_active=yes', ['is_active']],
    ['is_active=1', ['is_active']],
    ['is_active=TRUE', ['is_active']],
    ['limit=0&is_active=maybe', ['is_active', 'limit']],
  ])('422 for ?%s, before any RPC', async (query, paths) => {
    await expectRefusedByGateway(() => get(`/recurring?${query}`), 'listRecurring', paths);
  });

  it('a tampered cursor → the ledger’s 422 naming cursor', async () => {
    gw.ledger.fail('listRecurring', invalidField('LEDGER_INVALID_CURSOR', 'cursor', 'is not a cursor this list returned'));
    const body = expectProblem(await get('/recurring?cursor=forged'), 422, 'LEDGER_INVALID_CURSOR');
    expect(body.errors).toEqual([{ path: 'cursor', message: 'is not a cursor this list returned' }]);
  });
});

describe('GET /recurring/{id}', () => {
  it('answers the ledger’s template; the id goes to the ledger in lower case', async () => {
    const t = protoRecurring({
      userId,
      amount: money('3.5', 'EUR'),
      transactionType: TransactionType.TRANSACTION_TYPE_INCOME,
      frequency: Frequency.FREQUENCY_YEARLY,
      weekend: WeekendRule.WEEKEND_RULE_AFTER,
      startDate: protoDate('2024-02-29'),
      nextOccurrenceDate: protoDate('2027-03-01'),
      description: 'Dividend',
    });
    gw.ledger.answer('getRecurring', { template: t });
    const res = await get(`/recurring/${t.id.toUpperCase()}`);
    expect(res.statusCode).toBe(200);
    expect(gw.ledger.lastRequest('getRecurring')).toEqual({ userId, id: t.id });
    expect(res.json()).toEqual({
      id: t.id,
      amount: '3.50',
      currency: 'EUR',
      transaction_type: 'income',
      description: 'Dividend',
      category_id: null,
      category: null,
      frequency: 'yearly',
      weekend: 'after',
      start_date: '2024-02-29',
      end_date: null,
      next_occurrence_date: '2027-03-01',
      is_active: true,
      auto_create: true,
      created_at: CREATED_AT.toISOString(),
      updated_at: UPDATED_AT.toISOString(),
    });
  });

  it('the ledger’s NOT_FOUND (missing, or another user’s) → 404 with its code and message', async () => {
    gw.ledger.fail('getRecurring', notFound());
    const body = expectProblem(await get(`/recurring/${randomUUID()}`), 404, 'LEDGER_RECURRING_NOT_FOUND');
    expect(body.detail).toBe('Recurring template not found.');
  });

  it('a ledger answer outside the contract (frequency UNSPECIFIED) is a 500, never a made-up value', async () => {
    gw.ledger.answer('getRecurring', { template: protoRecurring({ frequency: Frequency.FREQUENCY_UNSPECIFIED }) });
    expectProblem(await get(`/recurring/${randomUUID()}`), 500);
  });
});

describe('a path id that is not a UUID cannot exist: 404, not 422, and the ledger is not asked', () => {
  it('the answer is the one the ledger gives for an id that does not exist', async () => {
    gw.ledger.fail('getRecurring', notFound());
    const { instance: _a, ...malformed } = expectProblem(await get('/recurring/nope'), 404);
    const { instance: _b, ...missing } = expectProblem(await get(`/recurring/${randomUUID()}`), 404);
    expect(malformed).toEqual(missing);
  });

  const routes = [
    ['GET', ''],
    ['PUT', ''],
    ['DELETE', ''],
    ['POST', '/process'],
    ['GET', '/occurrences?from=nope'],
  ] as const;
  it.each(['123', 'not-a-uuid', `${randomUUID()}x`].flatMap((id) => routes.map(([method, suffix]) => [method, `/recurring/${id}${suffix}`] as const)))(
    '%s %s',
    async (method, url) => {
      const calls = gw.ledger.calls.length;
      // PUT carries an invalid body too: the missing resource is what the caller learns first.
      const res = await send(method, url, method === 'PUT' ? { amount: true } : undefined);
      const body = expectProblem(res, 404, 'LEDGER_RECURRING_NOT_FOUND');
      expect(body).not.toHaveProperty('errors');
      expect(gw.ledger.calls).toHaveLength(calls);
    },
  );
});

describe('PUT /recurring/{id}', () => {
  const id = randomUUID();
  beforeEach(() => {
    gw.ledger.on('updateRecurring', (req) => ({ template: protoRecurring({ id: req.id, userId: req.userId }) }));
  });

  it('an empty body sends no field (the ledger keeps them all)', async () => {
    const res = await put(id, {});
    expect(res.statusCode).toBe(200);
    expect(Object.keys(res.json()).sort()).toEqual(RECURRING_KEYS);
    expect(gw.ledger.lastRequest('updateRecurring')).toEqual({
      userId,
      id,
      amount: undefined,
      transactionType: TransactionType.TRANSACTION_TYPE_UNSPECIFIED,
      frequency: undefined,
      startDate: undefined,
      endDate: undefined,
      clearEndDate: false,
      description: undefined,
      categoryId: undefined,
      currency: undefined,
      autoCreate: undefined,
      weekend: undefined,
      isActive: undefined,
    });
  });

  it('maps every field', async () => {
    const categoryId = randomUUID();
    const res = await put(id, {
      amount: 1000,
      transaction_type: 'income',
      frequency: 'weekly',
      start_date: '2026-03-02',
      end_date: '2026-06-29',
      description: 'Wages',
      category_id: categoryId,
      currency: 'JPY',
      auto_create: false,
      weekend: 'after',
      is_active: true,
    });
    expect(res.statusCode).toBe(200);
    expect(gw.ledger.lastRequest('updateRecurring')).toEqual({
      userId,
      id,
      amount: '1000',
      transactionType: TransactionType.TRANSACTION_TYPE_INCOME,
      frequency: Frequency.FREQUENCY_WEEKLY,
      startDate: { year: 2026, month: 3, day: 2 },
      endDate: { year: 2026, month: 6, day: 29 },
      clearEndDate: false,
      description: 'Wages',
      categoryId,
      currency: 'JPY',
      autoCreate: false,
      weekend: WeekendRule.WEEKEND_RULE_AFTER,
      isActive: true,
    });
  });

  it('end_date: null clears the end; category_id: null uncategorizes ("" on the wire); description: null → none; is_active false', async () => {
    const res = await put(id, { end_date: null, category_id: null, description: null, is_active: false });
    expect(res.statusCode).toBe(200);
    expect(gw.ledger.lastRequest('updateRecurring')).toMatchObject({ endDate: undefined, clearEndDate: true, categoryId: '', description: '', isActive: false });
  });

  it.each([
    ['amount "0"', { amount: '0' }, ['amount']],
    ['amount null', { amount: null }, ['amount']],
    ['frequency "fortnightly"', { frequency: 'fortnightly' }, ['frequency']],
    ['frequency null', { frequency: null }, ['frequency']],
    ['weekend "sometimes"', { weekend: 'sometimes' }, ['weekend']],
    ['start_date 2030-02-30', { start_date: '2030-02-30' }, ['start_date']],
    ['start_date null', { start_date: null }, ['start_date']],
    ['end_date before start_date (both given)', { start_date: '2026-05-01', end_date: '2026-04-30' }, ['end_date']],
    ['is_active "false"', { is_active: 'false' }, ['is_active']],
    ['is_active null', { is_active: null }, ['is_active']],
    ['auto_create null', { auto_create: null }, ['auto_create']],
    ['category_id not a UUID', { category_id: 'rent' }, ['category_id']],
    ['currency null', { currency: null }, ['currency']],
  ])('422 for %s, before any RPC', async (_name, payload, paths) => {
    await expectRefusedByGateway(() => put(id, payload), 'updateRecurring', paths);
  });

  it('the ledger’s 422 (end before the stored start) and 404 (missing or someone else’s) pass through', async () => {
    gw.ledger.fail('updateRecurring', invalidField('LEDGER_INVALID_FIELDS', 'end_date', 'must not be before `start_date`'));
    const invalid = expectProblem(await put(id, { end_date: '2020-01-01' }), 422, 'LEDGER_INVALID_FIELDS');
    expect(invalid.errors).toEqual([{ path: 'end_date', message: 'must not be before `start_date`' }]);
    expect(gw.ledger.lastRequest('updateRecurring').endDate).toEqual(protoDate('2020-01-01'));
    gw.ledger.fail('updateRecurring', notFound());
    expectProblem(await put(id, { description: 'hijacked' }), 404, 'LEDGER_RECURRING_NOT_FOUND');
  });
});

describe('DELETE /recurring/{id}', () => {
  it('sends DeactivateRecurring the caller and id; 204 with no body', async () => {
    gw.ledger.answer('deactivateRecurring', {});
    const id = randomUUID();
    const res = await send('DELETE', `/recurring/${id}`);
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe('');
    expect(gw.ledger.lastRequest('deactivateRecurring')).toEqual({ userId, id });
  });

  it('the ledger’s NOT_FOUND → 404 with its code', async () => {
    gw.ledger.fail('deactivateRecurring', notFound());
    expectProblem(await send('DELETE', `/recurring/${randomUUID()}`), 404, 'LEDGER_RECURRING_NOT_FOUND');
  });
});

describe('POST /recurring/{id}/process', () => {
  const id = randomUUID();
  const processed = (fields: Partial<ledgerV1.ProcessRecurringResponse> = {}): ledgerV1.ProcessRecurringResponse => ({
    transaction: protoTransaction({ userId, amount: money('950.00'), date: protoDate('2026-01-31'), description: 'Rent' }),
    nextOccurrenceDate: protoDate('2026-02-28'),
    replayed: false,
    ...fields,
  });

  it('with no body, or {}: 201 {transaction, next_occurrence_date}, Location of the transaction', async () => {
    const answer = processed();
    gw.ledger.answer('processRecurring', answer);
    for (const payload of [undefined, {}]) {
      const res = await send('POST', `/recurring/${id}/process`, payload);
      expect(res.statusCode).toBe(201);
      expect(gw.ledger.lastRequest('processRecurring')).toEqual({ userId, id });
      const body = res.json();
      expect(Object.keys(body).sort()).toEqual(['next_occurrence_date', 'transaction']);
      expect(Object.keys(body.transaction).sort()).toEqual(TRANSACTION_KEYS);
      expect(body).toEqual({
        transaction: expect.objectContaining({ id: answer.transaction!.id, amount: '950.00', currency: 'USD', date: '2026-01-31', description: 'Rent', transaction_type: 'expense' }),
        next_occurrence_date: '2026-02-28',
      });
      expect(res.headers.location).toBe(`/transactions/${answer.transaction!.id}`);
      expect(res.headers['idempotent-replayed']).toBeUndefined();
    }
  });

  it('with a JSON content type and an empty body it is the same as no body', async () => {
    gw.ledger.answer('processRecurring', processed());
    const res = await gw.app.inject({ method: 'POST', url: `/recurring/${id}/process`, headers: { ...bearer(token), 'content-type': 'application/json' }, payload: '' });
    expect(res.statusCode).toBe(201);
  });

  it('next_occurrence_date is null when the schedule has ended', async () => {
    gw.ledger.answer('processRecurring', processed({ nextOccurrenceDate: undefined }));
    const res = await send('POST', `/recurring/${id}/process`);
    expect(res.statusCode).toBe(201);
    expect(res.json().next_occurrence_date).toBeNull();
  });

  it('Idempotency-Key is forwarded; a replay answers 201 with Idempotent-Replayed: true', async () => {
    const key = `key-${randomUUID()}`;
    gw.ledger.answer('processRecurring', processed());
    expect((await send('POST', `/recurring/${id}/process`, undefined, { 'Idempotency-Key': key })).statusCode).toBe(201);
    expect(gw.ledger.lastRequest('processRecurring')).toEqual({ userId, id, idempotencyKey: key });
    const stored = processed({ replayed: true });
    gw.ledger.answer('processRecurring', stored);
    const again = await send('POST', `/recurring/${id}/process`, undefined, { 'idempotency-key': key });
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json().transaction.id).toBe(stored.transaction!.id);
  });

  it.each([
    ['longer than 255 characters', 'k'.repeat(256)],
    ['empty', ''],
  ])('422 for an Idempotency-Key %s, before any RPC', async (_name, key) => {
    await expectRefusedByGateway(() => send('POST', `/recurring/${id}/process`, undefined, { 'idempotency-key': key }), 'processRecurring', ['Idempotency-Key']);
  });

  it('a body that is not a JSON object → 400; not JSON → 415; the ledger is not asked', async () => {
    for (const text of ['[1, 2]', 'null', '"x"', '5']) {
      const res = await gw.app.inject({ method: 'POST', url: `/recurring/${id}/process`, headers: { ...bearer(token), 'content-type': 'application/json' }, payload: text });
      expectProblem(res, 400, 'BODY_NOT_OBJECT');
    }
    expectProblem(await gw.app.inject({ method: 'POST', url: `/recurring/${id}/process`, headers: { ...bearer(token), 'content-type': 'application/json' }, payload: '{' }), 400, 'MALFORMED_JSON');
    expectProblem(
      await gw.app.inject({ method: 'POST', url: `/recurring/${id}/process`, headers: { ...bearer(token), 'content-type': 'text/plain' }, payload: 'go' }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
    expect(gw.ledger.callsOf('processRecurring')).toHaveLength(0);
  });

  it('unknown fields in an object body are ignored, as everywhere', async () => {
    gw.ledger.answer('processRecurring', processed());
    expect((await send('POST', `/recurring/${id}/process`, { date: '2030-01-01' })).statusCode).toBe(201);
    expect(gw.ledger.lastRequest('processRecurring')).toEqual({ userId, id });
  });

  it('the ledger’s verdicts pass through: 409 deactivated or ended, 404 missing or another user’s, 422 key reused', async () => {
    gw.ledger.fail('processRecurring', stubError('failed_precondition', 'LEDGER_RECURRING_INACTIVE', 'The template is deactivated.'));
    expectProblem(await send('POST', `/recurring/${id}/process`), 409, 'LEDGER_RECURRING_INACTIVE');
    gw.ledger.fail('processRecurring', stubError('failed_precondition', 'LEDGER_RECURRING_ENDED', 'The schedule has ended.'));
    expectProblem(await send('POST', `/recurring/${id}/process`), 409, 'LEDGER_RECURRING_ENDED');
    gw.ledger.fail('processRecurring', notFound());
    expectProblem(await send('POST', `/recurring/${id}/process`), 404, 'LEDGER_RECURRING_NOT_FOUND');
    gw.ledger.fail('processRecurring', invalidField('LEDGER_IDEMPOTENCY_KEY_REUSED', 'Idempotency-Key', 'was already used with a different request'));
    const reused = expectProblem(await send('POST', `/recurring/${id}/process`, undefined, { 'idempotency-key': 'k1' }), 422, 'LEDGER_IDEMPOTENCY_KEY_REUSED');
    expect(reused.errors).toEqual([{ path: 'Idempotency-Key', message: 'was already used with a different request' }]);
  });
});

describe('GET /recurring/{id}/occurrences', () => {
  const id = randomUUID();

  it('sends the range to ListRecurringOccurrences and answers {items: ["YYYY-MM-DD", …]} in the ledger’s order', async () => {
    gw.ledger.answer('listRecurringOccurrences', { dates: ['2026-01-31', '2026-02-28', '2026-03-31'].map(protoDate) });
    const res = await get(`/recurring/${id}/occurrences?from=2026-01-01&to=2026-03-31`);
    expect(res.statusCode).toBe(200);
    expect(gw.ledger.lastRequest('listRecurringOccurrences')).toEqual({ userId, id, from: protoDate('2026-01-01'), to: protoDate('2026-03-31') });
    expect(res.json()).toEqual({ items: ['2026-01-31', '2026-02-28', '2026-03-31'] });
  });

  it('an empty range of occurrences is {items: []}; from = to is one day', async () => {
    gw.ledger.answer('listRecurringOccurrences', { dates: [] });
    expect((await get(`/recurring/${id}/occurrences?from=2026-05-05&to=2026-05-05`)).json()).toEqual({ items: [] });
  });

  it.each([
    ['', ['from', 'to']],
    ['from=2026-01-01', ['to']],
    ['to=2026-01-01', ['from']],
    ['from=2030-02-30&to=2030-03-01', ['from']],
    ['from=2026-03-02&to=2026-03-01', ['from']],
    ['from=2026-3-1&to=tomorrow', ['from', 'to']],
  ])('422 for ?%s, before any RPC', async (query, paths) => {
    await expectRefusedByGateway(() => get(`/recurring/${id}/occurrences?${query}`), 'listRecurringOccurrences', paths);
  });

  it('the ledger’s cap on the range → its 422 naming the field', async () => {
    gw.ledger.fail('listRecurringOccurrences', invalidField('LEDGER_INVALID_FIELDS', 'to', 'must be at most 3 years after `from`'));
    const body = expectProblem(await get(`/recurring/${id}/occurrences?from=2026-01-01&to=2030-01-01`), 422, 'LEDGER_INVALID_FIELDS');
    expect(body.errors).toEqual([{ path: 'to', message: 'must be at most 3 years after `from`' }]);
  });

  it('the ledger’s NOT_FOUND → 404', async () => {
    gw.ledger.fail('listRecurringOccurrences', notFound());
    expectProblem(await get(`/recurring/${id}/occurrences?from=2026-01-01&to=2026-02-01`), 404, 'LEDGER_RECURRING_NOT_FOUND');
  });
});

describe('the OpenAPI document', () => {
  it('documents every recurring operation with its tag, the template in snake_case, and the range cap', async () => {
    const doc = (await gw.app.inject({ method: 'GET', url: '/docs/json' })).json();
    const ops = [
      ['post', '/recurring', 'createRecurring'],
      ['get', '/recurring', 'listRecurring'],
      ['get', '/recurring/{id}', 'getRecurring'],
      ['put', '/recurring/{id}', 'updateRecurring'],
      ['delete', '/recurring/{id}', 'deleteRecurring'],
      ['post', '/recurring/{id}/process', 'processRecurring'],
      ['get', '/recurring/{id}/occurrences', 'listRecurringOccurrences'],
    ];
    for (const [method, path, operationId] of ops) {
      expect(doc.paths[path!]?.[method!]).toMatchObject({ operationId, tags: ['recurring'], summary: expect.any(String), security: expect.arrayContaining([{ bearer: [] }]) });
    }
    expect(Object.keys(doc.components.schemas.RecurringTemplate.properties).sort()).toEqual(RECURRING_KEYS);
    expect(doc.paths['/recurring/{id}/occurrences'].get.description).toMatch(/capped/);
    const create = doc.paths['/recurring'].post.requestBody.content['application/json'].schema;
    expect(create.properties.frequency.enum).toEqual(['daily', 'weekly', 'monthly', 'yearly']);
    expect(create.properties.weekend).toMatchObject({ enum: ['none', 'before', 'after'], default: 'none' });
    expect(create.required.sort()).toEqual(['amount', 'frequency', 'start_date', 'transaction_type']);
    // process takes no body: none is documented (a body schema would be shown as required).
    expect(doc.paths['/recurring/{id}/process'].post.requestBody).toBeUndefined();
    expect(doc.paths['/recurring/{id}/process'].post.parameters).toEqual(expect.arrayContaining([expect.objectContaining({ in: 'header', name: 'idempotency-key' })]));
  });
});

describe('ledger failures', () => {
  upstreamFailureTests(
    'ledger',
    ['/recurring', `/recurring/${randomUUID()}`, `/recurring/${randomUUID()}/occurrences?from=2026-01-01&to=2026-01-31`],
    (local) => {
      local.ledger.answer('listRecurring', { items: [], page: { nextCursor: '' } });
      local.ledger.answer('getRecurring', { template: protoRecurring() });
      local.ledger.answer('listRecurringOccurrences', { dates: [] });
    },
    () => ({ gw, token }),
  );
});
