import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { ISO_UTC, TRANSACTION_FIELDS, UUID } from './support/fields.js';
import { expectInvalid, expectProblem } from './support/problems.js';
import { client, signUp, startStack, type Reply, type Stack } from './support/stack.js';

// Every row of API.md's recurring table (Version 3) and each bad input of issue 10, through the
// gateway with the real auth and ledger behind it, as a client calls them.
//
// The ledger's scheduler runs in the stack (every RECURRING_SCAN_INTERVAL_S, default 60 s) and
// creates due occurrences of active auto_create templates. So that it never creates anything a test
// counts, every template here is either `auto_create: false` or starts in the future (2031 on).

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

const RECURRING_FIELDS = [
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

interface CategoryRef {
  id: string;
  name: string;
  color: string;
  icon: string | null;
}

interface Recurring {
  id: string;
  amount: string;
  currency: string;
  transaction_type: 'income' | 'expense';
  description: string;
  category_id: string | null;
  category: CategoryRef | null;
  frequency: 'daily' | 'weekly' | 'monthly' | 'yearly';
  weekend: 'none' | 'before' | 'after';
  start_date: string;
  end_date: string | null;
  next_occurrence_date: string | null;
  is_active: boolean;
  auto_create: boolean;
  created_at: string;
  updated_at: string;
}

interface Transaction {
  id: string;
  amount: string;
  currency: string;
  transaction_type: 'income' | 'expense';
  date: string;
  description: string;
  category_id: string | null;
  category: CategoryRef | null;
}

async function newUser(prefix = 'recur') {
  const { tokens, user } = await signUp(api, prefix);
  return { token: tokens.access_token, user };
}

/** A manual template (auto_create false): only `process` creates its occurrences. */
const manual = { amount: '950.00', transaction_type: 'expense', frequency: 'monthly', start_date: '2026-01-31', description: 'Rent', auto_create: false };
/** A template the scheduler would run, starting in the future so that it has nothing due. */
const future = { amount: '950.00', transaction_type: 'expense', frequency: 'monthly', start_date: '2031-01-31' };

async function createRecurring(token: string, fields: Record<string, unknown> = {}): Promise<Recurring> {
  const reply = await api.post('/recurring', { ...manual, ...fields }, token);
  if (reply.status !== 201) throw new Error(`POST /recurring: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body as Recurring;
}

async function createCategory(token: string, fields: Record<string, unknown> = {}): Promise<CategoryRef> {
  const reply = await api.post('/categories', { name: `Category ${randomUUID().slice(0, 8)}`, color: '#336699', ...fields }, token);
  if (reply.status !== 201) throw new Error(`POST /categories: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body as CategoryRef;
}

const processTemplate = (token: string, id: string, headers: Record<string, string> = {}) => api.request('POST', `/recurring/${id}/process`, { token, headers });

async function processOk(token: string, id: string): Promise<{ transaction: Transaction; next_occurrence_date: string | null }> {
  const reply = await processTemplate(token, id);
  if (reply.status !== 201) throw new Error(`POST /recurring/${id}/process: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body;
}

/** Follows next_cursor from the first page to the last. */
async function walk<T>(path: string, token: string): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const separator = path.includes('?') ? '&' : '?';
    const reply: Reply = await api.get(cursor === null ? path : `${path}${separator}cursor=${encodeURIComponent(cursor)}`, token);
    expect(reply.status).toBe(200);
    expect(Object.keys(reply.body).sort()).toEqual(['items', 'next_cursor']);
    items.push(...(reply.body.items as T[]));
    cursor = reply.body.next_cursor;
    pages++;
    if (pages > 100) throw new Error('pagination does not end');
  } while (cursor !== null);
  return { items, pages };
}

const transactionsOf = async (token: string) => (await walk<Transaction>('/transactions?limit=200', token)).items;
const templatesOf = async (token: string) => (await walk<Recurring>('/recurring?limit=200', token)).items;
const occurrences = (token: string, id: string, from: string, to: string) => api.get(`/recurring/${id}/occurrences?from=${from}&to=${to}`, token);

describe('POST /recurring', () => {
  test('201 with the template: exactly the documented fields, the defaults, next_occurrence_date = start_date', async () => {
    const { token } = await newUser();
    const reply = await api.post('/recurring', { ...future, amount: '950' }, token);
    expect(reply.status).toBe(201);
    expect(Object.keys(reply.body).sort()).toEqual(RECURRING_FIELDS);
    expect(reply.body).toMatchObject({
      id: expect.stringMatching(UUID),
      amount: '950.00',
      currency: 'USD',
      transaction_type: 'expense',
      description: '',
      category_id: null,
      category: null,
      frequency: 'monthly',
      weekend: 'none',
      start_date: '2031-01-31',
      end_date: null,
      next_occurrence_date: '2031-01-31',
      is_active: true,
      auto_create: true,
    });
    expect(reply.body.created_at).toMatch(ISO_UTC);
    expect(reply.body.updated_at).toMatch(ISO_UTC);
    expect(reply.headers.get('location')).toBe(`/recurring/${reply.body.id}`);
    expect(reply.headers.get('cache-control')).toBe('no-store');
    // What was answered is what is stored.
    expect((await api.get(`/recurring/${reply.body.id}`, token)).body).toEqual(reply.body);
  });

  test('every field given: category embedded, currency decides the decimals, end_date kept, auto_create false', async () => {
    const { token } = await newUser();
    const category = await createCategory(token, { name: 'Salary', color: '#22AA44', icon: 'coins' });
    const t = await createRecurring(token, {
      amount: 250000,
      currency: 'JPY',
      transaction_type: 'income',
      frequency: 'weekly',
      start_date: '2031-03-03',
      end_date: '2031-12-29',
      description: 'Wages',
      category_id: category.id,
      auto_create: false,
      weekend: 'after',
    });
    expect(t).toMatchObject({
      amount: '250000',
      currency: 'JPY',
      transaction_type: 'income',
      frequency: 'weekly',
      weekend: 'after',
      start_date: '2031-03-03',
      end_date: '2031-12-29',
      next_occurrence_date: '2031-03-03',
      description: 'Wages',
      category_id: category.id,
      category: { id: category.id, name: 'Salary', color: '#22AA44', icon: 'coins' },
      auto_create: false,
      is_active: true,
    });
    expect((await createRecurring(token, { amount: 12.5 })).amount).toBe('12.50');
    expect((await createRecurring(token, { amount: '1.25', currency: 'KWD' })).amount).toBe('1.250');
  });

  test('weekend rules move the first occurrence, never the anchor: a Saturday start_date', async () => {
    const { token } = await newUser();
    // 2031-02-01 is a Saturday. "before": its Friday (Jan 31) is before the start, so the first
    // occurrence is the next one, 2031-03-01 (a Saturday too) moved to Friday 2031-02-28.
    const before = await createRecurring(token, { start_date: '2031-02-01', weekend: 'before' });
    expect(before).toMatchObject({ start_date: '2031-02-01', weekend: 'before', next_occurrence_date: '2031-02-28' });
    // "after": the Monday after.
    const after = await createRecurring(token, { start_date: '2031-02-01', weekend: 'after' });
    expect(after).toMatchObject({ start_date: '2031-02-01', weekend: 'after', next_occurrence_date: '2031-02-03' });
    // Weekly from Saturday 2031-01-04, "before": Jan 3 is before the start; Jan 11 moves to Friday Jan 10.
    const weekly = await createRecurring(token, { frequency: 'weekly', start_date: '2031-01-04', weekend: 'before' });
    expect(weekly.next_occurrence_date).toBe('2031-01-10');
    // "none" keeps the Saturday.
    expect((await createRecurring(token, { start_date: '2031-02-01' })).next_occurrence_date).toBe('2031-02-01');
  });

  test('without currency the user’s base currency applies, with its precision', async () => {
    const { token } = await newUser();
    expect((await api.put('/users/me', { base_currency: 'EUR' }, token)).status).toBe(200);
    expect(await createRecurring(token, { amount: '10' })).toMatchObject({ currency: 'EUR', amount: '10.00' });
    expect((await api.put('/users/me', { base_currency: 'JPY' }, token)).status).toBe(200);
    expectInvalid(await api.post('/recurring', { ...manual, amount: '5.50' }, token), 'amount');
  });
});

describe('bad input: 4xx problem+json naming the field, and nothing is created', () => {
  let token: string;
  let theirCategory: CategoryRef;
  beforeAll(async () => {
    ({ token } = await newUser('recurbad'));
    theirCategory = await createCategory((await newUser('recurother')).token);
  });

  test.each([
    ['unknown frequency "fortnightly"', { frequency: 'fortnightly' }, 'frequency'],
    ['no frequency', { frequency: undefined }, 'frequency'],
    ['amount 0', { amount: 0 }, 'amount'],
    ['amount "0.00"', { amount: '0.00' }, 'amount'],
    ['a negative amount', { amount: '-950.00' }, 'amount'],
    ['amount "1.001" in USD', { amount: '1.001', currency: 'USD' }, 'amount'],
    ['amount "10.5" in JPY', { amount: '10.5', currency: 'JPY' }, 'amount'],
    ['start_date 2030-02-30', { start_date: '2030-02-30' }, 'start_date'],
    ['end_date 2030-02-30', { end_date: '2030-02-30' }, 'end_date'],
    ['end_date before start_date', { start_date: '2026-03-01', end_date: '2026-02-28' }, 'end_date'],
    ['an unknown weekend value', { weekend: 'saturday' }, 'weekend'],
    ['an unknown currency', { currency: 'XYZ' }, 'currency'],
    ['transaction_type "transfer"', { transaction_type: 'transfer' }, 'transaction_type'],
  ])('%s → 422', async (_name, change, path) => {
    expectInvalid(await api.post('/recurring', { ...manual, ...change }, token), path);
    expect(await templatesOf(token)).toEqual([]);
  });

  test('an unknown category_id → 422 on category_id', async () => {
    expectInvalid(await api.post('/recurring', { ...manual, category_id: randomUUID() }, token), 'category_id');
    expect(await templatesOf(token)).toEqual([]);
  });

  test('another user’s category_id → 422 on category_id (it does not exist for the caller)', async () => {
    expectInvalid(await api.post('/recurring', { ...manual, category_id: theirCategory.id }, token), 'category_id');
    expect(await templatesOf(token)).toEqual([]);
  });

  test('several bad fields are named at once', async () => {
    const body = expectProblem(await api.post('/recurring', { ...manual, amount: '0', frequency: 'fortnightly', weekend: 'never' }, token), 422);
    expect(body.errors!.map((e) => e.path).sort()).toEqual(['amount', 'frequency', 'weekend']);
    expect(await templatesOf(token)).toEqual([]);
  });

  test('no body → 400, a text body → 415', async () => {
    expectProblem(await api.request('POST', '/recurring', { token }), 400);
    expectProblem(await api.request('POST', '/recurring', { token, body: 'rent', headers: { 'content-type': 'text/plain' } }), 415);
    expect(await templatesOf(token)).toEqual([]);
  });

  test('no transactions were created by any of it', async () => {
    expect(await transactionsOf(token)).toEqual([]);
  });
});

describe('GET /recurring', () => {
  test('newest first, pages of `limit` that visit every template once; is_active filters', async () => {
    const { token } = await newUser();
    const created: Recurring[] = [];
    for (let i = 0; i < 5; i++) created.push(await createRecurring(token, { description: `T${i}` }));
    const all = await walk<Recurring>('/recurring?limit=2', token);
    expect(all.pages).toBe(3);
    expect(all.items.map((t) => t.description)).toEqual(['T4', 'T3', 'T2', 'T1', 'T0']);
    for (const item of all.items) expect(Object.keys(item).sort()).toEqual(RECURRING_FIELDS);
    expect(all.items.find((t) => t.id === created[0]!.id)).toEqual(created[0]);

    expect((await api.delete(`/recurring/${created[1]!.id}`, token)).status).toBe(204);
    expect((await api.delete(`/recurring/${created[3]!.id}`, token)).status).toBe(204);
    expect((await walk<Recurring>('/recurring?is_active=false', token)).items.map((t) => t.description)).toEqual(['T3', 'T1']);
    expect((await walk<Recurring>('/recurring?is_active=true&limit=1', token)).items.map((t) => t.description)).toEqual(['T4', 'T2', 'T0']);
    expect((await walk<Recurring>('/recurring', token)).items).toHaveLength(5);
  });

  test('a first page of 50 by default; limit and is_active are checked', async () => {
    const { token } = await newUser();
    await createRecurring(token);
    expect((await api.get('/recurring', token)).body).toEqual({ items: [expect.objectContaining({ amount: '950.00' })], next_cursor: null });
    for (const query of ['limit=0', 'limit=201', 'limit=x']) expectInvalid(await api.get(`/recurring?${query}`, token), 'limit');
    expectInvalid(await api.get('/recurring?is_active=yes', token), 'is_active');
    expectProblem(await api.get('/recurring?cursor=forged', token), 422);
  });

  test('only the caller’s templates', async () => {
    const a = await newUser();
    const b = await newUser();
    await createRecurring(a.token);
    expect(await templatesOf(b.token)).toEqual([]);
  });
});

describe('GET /recurring/{id}', () => {
  test('the template; unknown and malformed ids → 404', async () => {
    const { token } = await newUser();
    const t = await createRecurring(token);
    expect((await api.get(`/recurring/${t.id}`, token)).body).toEqual(t);
    expectProblem(await api.get(`/recurring/${randomUUID()}`, token), 404);
    expectProblem(await api.get('/recurring/123', token), 404);
  });
});

describe('PUT /recurring/{id}', () => {
  test('changes the fields given and leaves the others', async () => {
    const { token } = await newUser();
    const category = await createCategory(token, { name: 'Housing' });
    const t = await createRecurring(token, { category_id: category.id, end_date: '2026-12-31' });
    const reply = await api.put(`/recurring/${t.id}`, { amount: '1000', description: 'New rent' }, token);
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ ...t, amount: '1000.00', description: 'New rent', updated_at: expect.stringMatching(ISO_UTC) });
    expect((await api.get(`/recurring/${t.id}`, token)).body).toEqual(reply.body);

    // end_date: null = no end; category_id: null = uncategorized; auto_create may change.
    const cleared = await api.put(`/recurring/${t.id}`, { end_date: null, category_id: null }, token);
    expect(cleared.body).toMatchObject({ end_date: null, category_id: null, category: null, amount: '1000.00', start_date: '2026-01-31', auto_create: false });
    const described = await api.put(`/recurring/${t.id}`, { description: null, transaction_type: 'income', currency: 'EUR' }, token);
    expect(described.body).toMatchObject({ description: '', transaction_type: 'income', currency: 'EUR', amount: '1000.00' });
  });

  test('is_active false and true: deactivates and activates again', async () => {
    const { token } = await newUser();
    const t = await createRecurring(token, { start_date: '2031-01-31' });
    expect((await api.put(`/recurring/${t.id}`, { is_active: false }, token)).body.is_active).toBe(false);
    expectProblem(await processTemplate(token, t.id), 409);
    const resumed = (await api.put(`/recurring/${t.id}`, { is_active: true }, token)).body;
    expect(resumed).toMatchObject({ is_active: true, next_occurrence_date: '2031-01-31' });
    expect((await processOk(token, t.id)).transaction.date).toBe('2031-01-31');
  });

  test('activating again resumes from today: the dates that fell while it was inactive are not back-filled', async () => {
    const { token } = await newUser();
    const t = await createRecurring(token);
    expect((await processOk(token, t.id)).transaction.date).toBe('2026-01-31');
    expect((await api.delete(`/recurring/${t.id}`, token)).status).toBe(204);
    // Monthly from the 31st falls on the last day of every month: the first on or after today (the
    // user's time zone is UTC) is the last day of this month. Today is read on both sides of the call.
    const lastDayOfMonth = () => {
      const now = new Date();
      return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 0)).toISOString().slice(0, 10);
    };
    const before = lastDayOfMonth();
    const resumed = (await api.put(`/recurring/${t.id}`, { is_active: true }, token)).body;
    expect([before, lastDayOfMonth()]).toContain(resumed.next_occurrence_date);
    expect(await transactionsOf(token)).toHaveLength(1);
  });

  test('re-anchoring: a new start_date, frequency or weekend moves next_occurrence_date; created occurrences are never created again', async () => {
    const { token } = await newUser();
    const t = await createRecurring(token);
    expect((await processOk(token, t.id)).transaction.date).toBe('2026-01-31');
    expect((await processOk(token, t.id)).next_occurrence_date).toBe('2026-03-31');

    // Monthly from the 1st: the first such date after the last one created (Feb 28).
    let reply = await api.put(`/recurring/${t.id}`, { start_date: '2026-01-01' }, token);
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ start_date: '2026-01-01', next_occurrence_date: '2026-03-01' });
    // Weekly from Thursday Jan 1: Jan 1 + 9 weeks = Mar 5 is the first after Feb 28.
    reply = await api.put(`/recurring/${t.id}`, { frequency: 'weekly' }, token);
    expect(reply.body).toMatchObject({ frequency: 'weekly', next_occurrence_date: '2026-03-05' });
    // Daily from Jan 31 includes Jan 31 and Feb 28 (already created): it goes on from Mar 1.
    reply = await api.put(`/recurring/${t.id}`, { frequency: 'daily', start_date: '2026-01-31' }, token);
    expect(reply.body).toMatchObject({ frequency: 'daily', start_date: '2026-01-31', next_occurrence_date: '2026-03-01' });
    // Monthly from Mar 7 (a Saturday), weekend "after": Monday Mar 9.
    reply = await api.put(`/recurring/${t.id}`, { frequency: 'monthly', start_date: '2026-03-07', weekend: 'after' }, token);
    expect(reply.body).toMatchObject({ weekend: 'after', next_occurrence_date: '2026-03-09' });
    // Back to the original schedule: Jan 31 and Feb 28 are not created again.
    reply = await api.put(`/recurring/${t.id}`, { start_date: '2026-01-31', weekend: 'none' }, token);
    expect(reply.body.next_occurrence_date).toBe('2026-03-31');
    expect((await processOk(token, t.id)).transaction.date).toBe('2026-03-31');
    expect((await transactionsOf(token)).map((x) => x.date)).toEqual(['2026-03-31', '2026-02-28', '2026-01-31']);
  });

  test('end_date before the stored start_date → 422 (the ledger’s check); malformed dates and values → 422; nothing changes', async () => {
    const { token } = await newUser();
    const t = await createRecurring(token);
    expectInvalid(await api.put(`/recurring/${t.id}`, { end_date: '2026-01-30' }, token), 'end_date');
    expectInvalid(await api.put(`/recurring/${t.id}`, { start_date: '2026-02-01', end_date: '2026-01-31' }, token), 'end_date');
    expectInvalid(await api.put(`/recurring/${t.id}`, { start_date: '2030-02-30' }, token), 'start_date');
    expectInvalid(await api.put(`/recurring/${t.id}`, { frequency: 'fortnightly' }, token), 'frequency');
    expectInvalid(await api.put(`/recurring/${t.id}`, { weekend: 'sunday' }, token), 'weekend');
    expectInvalid(await api.put(`/recurring/${t.id}`, { amount: '0' }, token), 'amount');
    expectInvalid(await api.put(`/recurring/${t.id}`, { amount: '1.001' }, token), 'amount');
    expectInvalid(await api.put(`/recurring/${t.id}`, { category_id: randomUUID() }, token), 'category_id');
    expect((await api.get(`/recurring/${t.id}`, token)).body).toEqual(t);
  });

  test('unknown and malformed ids → 404', async () => {
    const { token } = await newUser();
    expectProblem(await api.put(`/recurring/${randomUUID()}`, { amount: '1' }, token), 404);
    expectProblem(await api.put('/recurring/nope', { amount: '1' }, token), 404);
  });
});

describe('DELETE /recurring/{id}', () => {
  test('204; the template stays readable with is_active false, its transactions stay, nothing more is created', async () => {
    const { token } = await newUser();
    const t = await createRecurring(token);
    const { transaction } = await processOk(token, t.id);
    const reply = await api.delete(`/recurring/${t.id}`, token);
    expect(reply.status).toBe(204);
    expect(reply.body).toBe('');
    const after = (await api.get(`/recurring/${t.id}`, token)).body;
    expect(after).toMatchObject({ id: t.id, is_active: false, amount: '950.00', next_occurrence_date: '2026-02-28' });
    expect((await api.get(`/transactions/${transaction.id}`, token)).status).toBe(200);
    // Process on a deactivated template → 409, and nothing is created.
    const refused = expectProblem(await processTemplate(token, t.id), 409);
    expect(refused.code).toBe('LEDGER_RECURRING_INACTIVE');
    expect((await transactionsOf(token)).map((x) => x.id)).toEqual([transaction.id]);
    // Deleting again is harmless.
    expect((await api.delete(`/recurring/${t.id}`, token)).status).toBe(204);
  });

  test('unknown and malformed ids → 404', async () => {
    const { token } = await newUser();
    expectProblem(await api.delete(`/recurring/${randomUUID()}`, token), 404);
    expectProblem(await api.delete('/recurring/123', token), 404);
  });
});

describe('POST /recurring/{id}/process', () => {
  test('201 {transaction, next_occurrence_date}: monthly from Jan 31 gives Jan 31, Feb 28, Mar 31', async () => {
    const { token } = await newUser();
    const category = await createCategory(token, { name: 'Housing', color: '#884422' });
    const t = await createRecurring(token, { amount: '950.5', category_id: category.id });
    const dates: string[] = [];
    const nexts: (string | null)[] = [];
    for (let i = 0; i < 3; i++) {
      const reply = await processTemplate(token, t.id);
      expect(reply.status).toBe(201);
      expect(Object.keys(reply.body).sort()).toEqual(['next_occurrence_date', 'transaction']);
      expect(Object.keys(reply.body.transaction).sort()).toEqual(TRANSACTION_FIELDS);
      expect(reply.body.transaction).toMatchObject({
        amount: '950.50',
        currency: 'USD',
        transaction_type: 'expense',
        description: 'Rent',
        category_id: category.id,
        category: { id: category.id, name: 'Housing', color: '#884422', icon: null },
      });
      expect(reply.headers.get('location')).toBe(`/transactions/${reply.body.transaction.id}`);
      expect(reply.headers.get('idempotent-replayed')).toBeNull();
      // The transaction is an ordinary one.
      expect((await api.get(`/transactions/${reply.body.transaction.id}`, token)).body).toEqual(reply.body.transaction);
      dates.push(reply.body.transaction.date);
      nexts.push(reply.body.next_occurrence_date);
    }
    expect(dates).toEqual(['2026-01-31', '2026-02-28', '2026-03-31']);
    expect(nexts).toEqual(['2026-02-28', '2026-03-31', '2026-04-30']);
    expect((await api.get(`/recurring/${t.id}`, token)).body.next_occurrence_date).toBe('2026-04-30');
    expect((await transactionsOf(token)).map((x) => x.date)).toEqual(['2026-03-31', '2026-02-28', '2026-01-31']);
  });

  test('a future occurrence is created too, dated its own day', async () => {
    const { token } = await newUser();
    const t = await createRecurring(token, { ...future, auto_create: false, frequency: 'yearly', start_date: '2032-02-29' });
    const first = await processOk(token, t.id);
    expect([first.transaction.date, first.next_occurrence_date]).toEqual(['2032-02-29', '2033-02-28']);
  });

  test('an empty JSON object as the body is the same as none', async () => {
    const { token } = await newUser();
    const t = await createRecurring(token);
    const reply = await api.post(`/recurring/${t.id}/process`, {}, token);
    expect(reply.status).toBe(201);
    expect(reply.body.transaction.date).toBe('2026-01-31');
  });

  test('past end_date → 409: a template ending on its start day is processed once', async () => {
    const { token } = await newUser();
    const t = await createRecurring(token, { start_date: '2026-05-05', end_date: '2026-05-05' });
    const once = await processOk(token, t.id);
    expect(once.transaction.date).toBe('2026-05-05');
    expect(once.next_occurrence_date).toBeNull();
    expect((await api.get(`/recurring/${t.id}`, token)).body).toMatchObject({ next_occurrence_date: null, is_active: true, end_date: '2026-05-05' });
    const twice = expectProblem(await processTemplate(token, t.id), 409);
    expect(twice.code).toBe('LEDGER_RECURRING_ENDED');
    expect(await transactionsOf(token)).toHaveLength(1);
  });

  test('end_date is inclusive: weekly from Jan 1 to Jan 15 gives three occurrences, then 409', async () => {
    const { token } = await newUser();
    const t = await createRecurring(token, { frequency: 'weekly', start_date: '2026-01-01', end_date: '2026-01-15' });
    const dates = [];
    for (let i = 0; i < 3; i++) dates.push((await processOk(token, t.id)).transaction.date);
    expect(dates).toEqual(['2026-01-01', '2026-01-08', '2026-01-15']);
    expectProblem(await processTemplate(token, t.id), 409);
  });

  test('five at once create five different occurrences, none twice', async () => {
    const { token } = await newUser();
    const t = await createRecurring(token, { frequency: 'daily', start_date: '2026-02-26' });
    const replies = await Promise.all(Array.from({ length: 5 }, () => processTemplate(token, t.id)));
    for (const reply of replies) expect(reply.status).toBe(201);
    expect(replies.map((r) => r.body.transaction.date).sort()).toEqual(['2026-02-26', '2026-02-27', '2026-02-28', '2026-03-01', '2026-03-02']);
    expect(await transactionsOf(token)).toHaveLength(5);
    expect((await api.get(`/recurring/${t.id}`, token)).body.next_occurrence_date).toBe('2026-03-03');
  });

  describe('Idempotency-Key', () => {
    test('a replay returns the same transaction with Idempotent-Replayed: true and creates nothing', async () => {
      const { token } = await newUser();
      const t = await createRecurring(token);
      const key = randomUUID();
      const first = await processTemplate(token, t.id, { 'idempotency-key': key });
      expect(first.status).toBe(201);
      expect(first.headers.get('idempotent-replayed')).toBeNull();
      const again = await processTemplate(token, t.id, { 'idempotency-key': key });
      expect(again.status).toBe(201);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(again.body).toEqual(first.body);
      expect((await transactionsOf(token)).map((x) => x.id)).toEqual([first.body.transaction.id]);
      expect((await api.get(`/recurring/${t.id}`, token)).body.next_occurrence_date).toBe('2026-02-28');
      // A new key is a new occurrence.
      expect((await processOk(token, t.id)).transaction.date).toBe('2026-02-28');
    });

    test('the same key for another template → 422 naming Idempotency-Key, nothing created', async () => {
      const { token } = await newUser();
      const a = await createRecurring(token);
      const b = await createRecurring(token);
      const key = randomUUID();
      expect((await processTemplate(token, a.id, { 'idempotency-key': key })).status).toBe(201);
      expectInvalid(await processTemplate(token, b.id, { 'idempotency-key': key }), 'Idempotency-Key');
      expect(await transactionsOf(token)).toHaveLength(1);
      expect((await api.get(`/recurring/${b.id}`, token)).body.next_occurrence_date).toBe('2026-01-31');
    });

    test('a key longer than 255 characters → 422', async () => {
      const { token } = await newUser();
      const t = await createRecurring(token);
      expectInvalid(await processTemplate(token, t.id, { 'idempotency-key': 'k'.repeat(256) }), 'Idempotency-Key');
      expect(await transactionsOf(token)).toEqual([]);
    });
  });

  test('unknown and malformed ids → 404', async () => {
    const { token } = await newUser();
    expectProblem(await processTemplate(token, randomUUID()), 404);
    expectProblem(await processTemplate(token, 'nope'), 404);
  });
});

describe('GET /recurring/{id}/occurrences', () => {
  test('monthly from Jan 31: the last day of short months and the 31st again', async () => {
    const { token } = await newUser();
    const t = await createRecurring(token);
    const reply = await occurrences(token, t.id, '2026-01-01', '2026-06-30');
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ items: ['2026-01-31', '2026-02-28', '2026-03-31', '2026-04-30', '2026-05-31', '2026-06-30'] });
    // Created occurrences are still listed; the range bounds are inclusive.
    await processOk(token, t.id);
    expect((await occurrences(token, t.id, '2026-01-31', '2026-02-28')).body.items).toEqual(['2026-01-31', '2026-02-28']);
    expect((await occurrences(token, t.id, '2026-02-01', '2026-02-27')).body.items).toEqual([]);
  });

  test('yearly from Feb 29: Feb 28 in common years, Feb 29 again in leap years', async () => {
    const { token } = await newUser();
    const t = await createRecurring(token, { frequency: 'yearly', start_date: '2024-02-29' });
    expect((await occurrences(token, t.id, '2024-01-01', '2026-12-31')).body.items).toEqual(['2024-02-29', '2025-02-28', '2026-02-28']);
    expect((await occurrences(token, t.id, '2027-01-01', '2028-12-31')).body.items).toEqual(['2027-02-28', '2028-02-29']);
  });

  test('a weekend rule moves the occurrences that fall on a weekend', async () => {
    const { token } = await newUser();
    // 2031: Jan 31 Fri, Feb 28 Fri, Mar 31 Mon, Apr 30 Wed, May 31 Sat, Jun 30 Mon, Jul 31 Thu, Aug 31 Sun.
    const after = await createRecurring(token, { start_date: '2031-01-31', weekend: 'after' });
    expect((await occurrences(token, after.id, '2031-01-01', '2031-09-01')).body.items).toEqual([
      '2031-01-31',
      '2031-02-28',
      '2031-03-31',
      '2031-04-30',
      '2031-06-02',
      '2031-06-30',
      '2031-07-31',
      '2031-09-01',
    ]);
    const before = await createRecurring(token, { start_date: '2031-01-31', weekend: 'before' });
    expect((await occurrences(token, before.id, '2031-05-01', '2031-08-31')).body.items).toEqual(['2031-05-30', '2031-06-30', '2031-07-31', '2031-08-29']);
  });

  test('only within start_date and end_date; a deactivated template still shows its schedule', async () => {
    const { token } = await newUser();
    const t = await createRecurring(token, { frequency: 'weekly', start_date: '2026-03-05', end_date: '2026-03-26' });
    expect((await occurrences(token, t.id, '2026-01-01', '2026-12-31')).body.items).toEqual(['2026-03-05', '2026-03-12', '2026-03-19', '2026-03-26']);
    expect((await api.delete(`/recurring/${t.id}`, token)).status).toBe(204);
    expect((await occurrences(token, t.id, '2026-03-01', '2026-03-13')).body.items).toEqual(['2026-03-05', '2026-03-12']);
  });

  test('the range is capped: three years (1096 days) is fine, one day more → 422', async () => {
    const { token } = await newUser();
    const t = await createRecurring(token, { frequency: 'yearly', start_date: '2026-01-01' });
    expect((await occurrences(token, t.id, '2026-01-01', '2028-12-31')).body.items).toEqual(['2026-01-01', '2027-01-01', '2028-01-01']);
    expectProblem(await occurrences(token, t.id, '2026-01-01', '2029-01-01'), 422);
    expectProblem(await occurrences(token, t.id, '2026-01-01', '2036-01-01'), 422);
  });

  test('from and to are required, real dates, from <= to → else 422', async () => {
    const { token } = await newUser();
    const t = await createRecurring(token);
    expectInvalid(await api.get(`/recurring/${t.id}/occurrences?from=2026-01-01`, token), 'to');
    expectInvalid(await api.get(`/recurring/${t.id}/occurrences?to=2026-01-01`, token), 'from');
    expectInvalid(await occurrences(token, t.id, '2030-02-30', '2030-03-01'), 'from');
    expectInvalid(await occurrences(token, t.id, '2026-03-02', '2026-03-01'), 'from');
  });

  test('unknown and malformed ids → 404', async () => {
    const { token } = await newUser();
    expectProblem(await occurrences(token, randomUUID(), '2026-01-01', '2026-02-01'), 404);
    expectProblem(await occurrences(token, 'nope', '2026-01-01', '2026-02-01'), 404);
  });
});

describe('another user’s template is not found: 404 on every route, and nothing changes', () => {
  test('GET, PUT, DELETE, process, occurrences', async () => {
    const owner = await newUser();
    const other = await newUser();
    const t = await createRecurring(owner.token);
    const replies = [
      await api.get(`/recurring/${t.id}`, other.token),
      await api.put(`/recurring/${t.id}`, { amount: '1.00', is_active: false }, other.token),
      await api.delete(`/recurring/${t.id}`, other.token),
      await processTemplate(other.token, t.id),
      await processTemplate(other.token, t.id, { 'idempotency-key': randomUUID() }),
      await occurrences(other.token, t.id, '2026-01-01', '2026-12-31'),
    ];
    const unknown = expectProblem(await api.get(`/recurring/${randomUUID()}`, other.token), 404);
    for (const reply of replies) {
      const body = expectProblem(reply, 404);
      // Indistinguishable from an id that does not exist.
      expect(body.code).toBe(unknown.code);
    }
    expect((await api.get(`/recurring/${t.id}`, owner.token)).body).toEqual(t);
    expect(await transactionsOf(owner.token)).toEqual([]);
    expect(await transactionsOf(other.token)).toEqual([]);
  });
});

describe('deleting a category moves its templates like its transactions', () => {
  test('with ?reassign_to: the templates move to that category, and their next transactions are in it', async () => {
    const { token } = await newUser();
    const from = await createCategory(token, { name: 'Old' });
    const to = await createCategory(token, { name: 'New', color: '#FF8800' });
    const moved = [await createRecurring(token, { category_id: from.id }), await createRecurring(token, { ...future, category_id: from.id })];
    const untouched = await createRecurring(token, { category_id: to.id });
    const plain = await createRecurring(token);
    expect((await api.delete(`/categories/${from.id}?reassign_to=${to.id}`, token)).status).toBe(204);
    for (const t of [...moved, untouched]) {
      expect((await api.get(`/recurring/${t.id}`, token)).body).toMatchObject({ category_id: to.id, category: { id: to.id, name: 'New', color: '#FF8800', icon: null } });
    }
    expect((await api.get(`/recurring/${plain.id}`, token)).body).toMatchObject({ category_id: null, category: null });
    expect((await processOk(token, moved[0]!.id)).transaction.category_id).toBe(to.id);
  });

  test('without reassign_to: the templates are kept, uncategorized', async () => {
    const { token } = await newUser();
    const c = await createCategory(token);
    const t = await createRecurring(token, { category_id: c.id });
    expect((await api.delete(`/categories/${c.id}`, token)).status).toBe(204);
    expect((await api.get(`/recurring/${t.id}`, token)).body).toMatchObject({ id: t.id, amount: '950.00', is_active: true, category_id: null, category: null });
    expect((await processOk(token, t.id)).transaction).toMatchObject({ category_id: null, category: null });
  });
});
