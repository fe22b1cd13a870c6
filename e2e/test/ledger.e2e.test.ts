import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { client, signUp, startStack, type Reply, type Stack } from './support/stack.js';
import { ISO_UTC, TRANSACTION_FIELDS, UUID } from './support/fields.js';
import { expectInvalid, expectProblem } from './support/problems.js';

// Every row of API.md's transactions (Version 1) and categories (Version 2) tables, through the
// gateway with the real auth and ledger services behind it, as a client calls them.

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


interface Transaction {
  id: string;
  amount: string;
  currency: string;
  transaction_type: 'income' | 'expense';
  date: string;
  description: string;
  category_id: string | null;
  category: { id: string; name: string; color: string; icon: string | null } | null;
  created_at: string;
  updated_at: string;
}

interface Category {
  id: string;
  name: string;
  color: string;
  icon: string | null;
  created_at: string;
}

async function newUser(prefix = 'ledger') {
  const { tokens, user } = await signUp(api, prefix);
  return { token: tokens.access_token, user };
}



const base = { amount: '12.50', transaction_type: 'expense', date: '2026-03-14' };

async function createTransaction(token: string, fields: Record<string, unknown> = {}): Promise<Transaction> {
  const reply = await api.post('/transactions', { ...base, ...fields }, token);
  if (reply.status !== 201) throw new Error(`POST /transactions: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body as Transaction;
}

async function createCategory(token: string, fields: Record<string, unknown> = {}): Promise<Category> {
  const reply = await api.post('/categories', { name: `Category ${randomUUID().slice(0, 8)}`, color: '#336699', ...fields }, token);
  if (reply.status !== 201) throw new Error(`POST /categories: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body as Category;
}

/** Follows next_cursor from the first page to the last; `between` runs after each page. */
async function walk<T>(path: string, token: string, between?: (page: number) => Promise<void>): Promise<{ items: T[]; pages: number }> {
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
    if (between) await between(pages);
  } while (cursor !== null);
  return { items, pages };
}

const sendRaw = (token: string, method: string, path: string, body: string, headers: Record<string, string> = {}) =>
  api.request(method, path, { token, body, headers: { 'content-type': 'application/json', ...headers } });

describe('POST /transactions', () => {
  test('201 with the transaction: exactly the documented fields, amount as a decimal string', async () => {
    const { token } = await newUser();
    const reply = await api.post('/transactions', { amount: '12.5', transaction_type: 'expense', date: '2026-03-14', description: 'Lunch', currency: 'EUR' }, token);
    expect(reply.status).toBe(201);
    expect(Object.keys(reply.body).sort()).toEqual(TRANSACTION_FIELDS);
    expect(reply.body).toMatchObject({
      id: expect.stringMatching(UUID),
      amount: '12.50',
      currency: 'EUR',
      transaction_type: 'expense',
      date: '2026-03-14',
      description: 'Lunch',
      category_id: null,
      category: null,
    });
    expect(reply.body.created_at).toMatch(ISO_UTC);
    expect(reply.body.updated_at).toMatch(ISO_UTC);
    expect(reply.headers.get('idempotent-replayed')).toBeNull();
    // What was answered is what is stored.
    expect((await api.get(`/transactions/${reply.body.id}`, token)).body).toEqual(reply.body);
  });

  test('with a category: category_id and the embedded {id, name, color, icon}', async () => {
    const { token } = await newUser();
    const category = await createCategory(token, { name: 'Groceries', color: '#22AA44', icon: 'cart' });
    const t = await createTransaction(token, { category_id: category.id });
    expect(t.category_id).toBe(category.id);
    expect(t.category).toEqual({ id: category.id, name: 'Groceries', color: '#22AA44', icon: 'cart' });
  });

  test('a JSON number is accepted and rendered exactly; the currency decides the decimals (JPY 0, KWD 3)', async () => {
    const { token } = await newUser();
    expect((await createTransaction(token, { amount: 12.5 })).amount).toBe('12.50');
    expect((await createTransaction(token, { amount: 0.1 })).amount).toBe('0.10');
    expect((await createTransaction(token, { amount: 1000, currency: 'JPY' })).amount).toBe('1000');
    expect((await createTransaction(token, { amount: '1.25', currency: 'KWD' })).amount).toBe('1.250');
    expect((await createTransaction(token, { amount: '999999999999999.99' })).amount).toBe('999999999999999.99');
    expect((await createTransaction(token, { transaction_type: 'income', amount: '7' })).transaction_type).toBe('income');
  });

  test('without currency the user’s base currency applies, as it is at that moment', async () => {
    const { token } = await newUser();
    expect((await createTransaction(token, { amount: '10' })).currency).toBe('USD');
    expect((await api.put('/users/me', { base_currency: 'EUR' }, token)).status).toBe(200);
    const t = await createTransaction(token, { amount: '10' });
    expect(t).toMatchObject({ currency: 'EUR', amount: '10.00' });
    expect((await api.put('/users/me', { base_currency: 'JPY' }, token)).status).toBe(200);
    expect(await createTransaction(token, { amount: '500' })).toMatchObject({ currency: 'JPY', amount: '500' });
    // The base currency's precision applies too.
    expectInvalid(await api.post('/transactions', { ...base, amount: '5.50' }, token), 'amount');
  });

  test('a user_id in the body has no effect: the transaction is the caller’s', async () => {
    const a = await newUser();
    const b = await newUser();
    const t = await createTransaction(a.token, { user_id: b.user.id, id: randomUUID() });
    expect((await api.get(`/transactions/${t.id}`, a.token)).status).toBe(200);
    expectProblem(await api.get(`/transactions/${t.id}`, b.token), 404);
  });

  describe('422 for bad input, naming the field; nothing is created', () => {
    let token: string;
    beforeAll(async () => {
      ({ token } = await newUser('bad'));
    });

    test.each([
      ['"12.345" in USD (3 decimals)', { amount: '12.345' }, 'amount'],
      ['"10.5" in JPY', { amount: '10.5', currency: 'JPY' }, 'amount'],
      ['the number 10.5 in JPY', { amount: 10.5, currency: 'JPY' }, 'amount'],
      ['zero', { amount: '0' }, 'amount'],
      ['the number 0', { amount: 0 }, 'amount'],
      ['"0.00"', { amount: '0.00' }, 'amount'],
      ['a negative amount', { amount: '-5.00' }, 'amount'],
      ['a negative number', { amount: -5 }, 'amount'],
      ['"abc"', { amount: 'abc' }, 'amount'],
      ['the string "1e3"', { amount: '1e3' }, 'amount'],
      ['16 integer digits (string)', { amount: '1234567890123456' }, 'amount'],
      ['16 integer digits (number)', { amount: 1234567890123456 }, 'amount'],
      ['an amount with a thousands separator', { amount: '1,000.00' }, 'amount'],
      ['no amount', { amount: undefined }, 'amount'],
      ['amount true', { amount: true }, 'amount'],
      ['date 2026-02-30', { date: '2026-02-30' }, 'date'],
      ['date 2025-02-29', { date: '2025-02-29' }, 'date'],
      ['date 2026-3-14', { date: '2026-3-14' }, 'date'],
      ['date with a time', { date: '2026-03-14T10:00:00Z' }, 'date'],
      ['no date', { date: undefined }, 'date'],
      ['transaction_type "transfer"', { transaction_type: 'transfer' }, 'transaction_type'],
      ['no transaction_type', { transaction_type: undefined }, 'transaction_type'],
      ['an unknown currency', { currency: 'XYZ' }, 'currency'],
      ['a currency in lower case', { currency: 'eur' }, 'currency'],
      ['a description of 1001 characters', { description: 'd'.repeat(1001) }, 'description'],
      ['a category_id that is not an id', { category_id: 'food' }, 'category_id'],
      ['a category_id that does not exist', { category_id: randomUUID() }, 'category_id'],
    ])('%s', async (_name, change, path) => {
      const before = (await api.get('/transactions?limit=200', token)).body.items.length;
      expectInvalid(await api.post('/transactions', { ...base, ...change }, token), path);
      expect((await api.get('/transactions?limit=200', token)).body.items.length).toBe(before);
    });

    // Exponent forms are read exactly (1e3 → "1000.00", text-input.e2e.test.ts); what they denote is judged.
    test.each(['1e16', '1E21', '1e-3'])('the JSON number %s (written with an exponent: too large, or too precise for USD)', async (literal) => {
      const reply = await sendRaw(token, 'POST', '/transactions', `{"amount": ${literal}, "transaction_type": "expense", "date": "2026-03-14"}`);
      expectInvalid(reply, 'amount');
    });

    test('a description of exactly 1000 characters is fine', async () => {
      expect((await createTransaction(token, { description: 'd'.repeat(1000) })).description).toHaveLength(1000);
    });

    test('another user’s category → 422 on category_id (not 404: it does not exist for the caller)', async () => {
      const other = await newUser();
      const theirs = await createCategory(other.token);
      expectInvalid(await api.post('/transactions', { ...base, category_id: theirs.id }, token), 'category_id');
    });

    test('several invalid fields are all named', async () => {
      const body = expectProblem(await api.post('/transactions', { amount: 'abc', transaction_type: 'x', date: '2026-02-30' }, token), 422);
      expect(body.errors!.map((e) => e.path).sort()).toEqual(['amount', 'date', 'transaction_type']);
    });

    test('400 for malformed JSON or a non-object body, 415 for another media type', async () => {
      expectProblem(await sendRaw(token, 'POST', '/transactions', '{"amount": '), 400);
      expectProblem(await sendRaw(token, 'POST', '/transactions', '[1]'), 400);
      expectProblem(await api.request('POST', '/transactions', { token, body: 'amount=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 415);
    });
  });
});

describe('POST /transactions: body size', () => {
  // Padded with JSON whitespace, so only the size differs from a valid request.
  const padTo = (body: unknown, bytes: number) => {
    const json = JSON.stringify(body);
    return json + ' '.repeat(bytes - Buffer.byteLength(json));
  };

  test('a body of exactly 1 MiB is accepted; one byte more → 413 problem+json, and nothing is created', async () => {
    const { token } = await newUser();
    expect((await sendRaw(token, 'POST', '/transactions', padTo({ ...base, description: 'exactly 1 MiB' }, 1024 * 1024))).status).toBe(201);
    expectProblem(await sendRaw(token, 'POST', '/transactions', padTo({ ...base, description: 'too large' }, 1024 * 1024 + 1)), 413);
    expect((await api.get('/transactions', token)).body.items.map((t: Transaction) => t.description)).toEqual(['exactly 1 MiB']);
  });
});

describe('Idempotency-Key on POST /transactions', () => {
  const postWithKey = (token: string, key: string, body: unknown) =>
    api.request('POST', '/transactions', { token, json: body, headers: { 'idempotency-key': key } });

  test('the same key and body: 201 with the first answer again and Idempotent-Replayed: true; nothing new', async () => {
    const { token } = await newUser();
    const key = randomUUID();
    const body = { ...base, description: 'Concert tickets' };
    const first = await postWithKey(token, key, body);
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();

    const again = await postWithKey(token, key, body);
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);

    const { items } = await walk<Transaction>('/transactions', token);
    expect(items.map((t) => t.id)).toEqual([first.body.id]);
  });

  test('the same key with a different body → 422, and nothing is created', async () => {
    const { token } = await newUser();
    const key = randomUUID();
    expect((await postWithKey(token, key, base)).status).toBe(201);
    expectProblem(await postWithKey(token, key, { ...base, amount: '13.00' }), 422);
    expect((await walk<Transaction>('/transactions', token)).items).toHaveLength(1);
  });

  test('keys belong to one user: another user with the same key gets a transaction of their own', async () => {
    const a = await newUser();
    const b = await newUser();
    const key = randomUUID();
    const first = await postWithKey(a.token, key, base);
    const second = await postWithKey(b.token, key, base);
    expect(second.status).toBe(201);
    expect(second.headers.get('idempotent-replayed')).toBeNull();
    expect(second.body.id).not.toBe(first.body.id);
  });

  test('the same key sent five times at once creates one transaction', async () => {
    const { token } = await newUser();
    const key = randomUUID();
    const replies = await Promise.all(Array.from({ length: 5 }, () => postWithKey(token, key, base)));
    const created = replies.filter((r) => r.status === 201);
    expect(created.length).toBeGreaterThanOrEqual(1);
    // Any other answer is "still in progress, retry" — never a second transaction or a 5xx.
    for (const reply of replies) expect([201, 409]).toContain(reply.status);
    expect(new Set(created.map((r) => r.body.id)).size).toBe(1);
    expect((await walk<Transaction>('/transactions', token)).items).toHaveLength(1);
  });

  test('a key longer than 255 characters → 422', async () => {
    const { token } = await newUser();
    expectProblem(await postWithKey(token, 'k'.repeat(256), base), 422);
  });
});

describe('GET /transactions', () => {
  test('newest date first; from and to are inclusive; filters by type, category and description', async () => {
    const { token } = await newUser();
    const food = await createCategory(token, { name: 'Food' });
    const salary = await createCategory(token, { name: 'Salary' });
    await createTransaction(token, { date: '2026-01-01', description: 'New year brunch', category_id: food.id });
    await createTransaction(token, { date: '2026-01-31', transaction_type: 'income', description: 'January salary', category_id: salary.id, amount: '3000' });
    await createTransaction(token, { date: '2026-01-15', description: 'Groceries 50% off' });
    await createTransaction(token, { date: '2026-02-01', description: 'groceries again', category_id: food.id });
    await createTransaction(token, { date: '2025-12-31', description: 'Old year' });

    const dates = async (query: string) => ((await api.get(`/transactions${query}`, token)).body.items as Transaction[]).map((t) => t.date);
    expect(await dates('')).toEqual(['2026-02-01', '2026-01-31', '2026-01-15', '2026-01-01', '2025-12-31']);
    expect(await dates('?from=2026-01-01&to=2026-01-31')).toEqual(['2026-01-31', '2026-01-15', '2026-01-01']);
    expect(await dates('?from=2026-01-31&to=2026-01-31')).toEqual(['2026-01-31']);
    expect(await dates('?from=2026-01-15')).toEqual(['2026-02-01', '2026-01-31', '2026-01-15']);
    expect(await dates('?to=2026-01-01')).toEqual(['2026-01-01', '2025-12-31']);
    expect(await dates('?transaction_type=income')).toEqual(['2026-01-31']);
    expect(await dates('?transaction_type=expense&to=2026-01-15')).toEqual(['2026-01-15', '2026-01-01', '2025-12-31']);
    expect(await dates(`?category_id=${food.id}`)).toEqual(['2026-02-01', '2026-01-01']);
    expect(await dates(`?category_id=${food.id}&from=2026-01-02`)).toEqual(['2026-02-01']);
    // q: description contains, case-insensitive, literally (% and _ are no wildcards).
    expect(await dates('?q=GROCERIES')).toEqual(['2026-02-01', '2026-01-15']);
    expect(await dates('?q=50%25')).toEqual(['2026-01-15']);
    expect(await dates('?q=%25')).toEqual(['2026-01-15']);
    expect(await dates('?q=_')).toEqual([]);
    expect(await dates('?q=nothing-like-this')).toEqual([]);
  });

  test('each item is a full transaction; unknown query parameters are ignored', async () => {
    const { token } = await newUser();
    const t = await createTransaction(token);
    const reply = await api.get('/transactions?sort=amount&user_id=someone&page=3', token);
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ items: [t], next_cursor: null });
  });

  test('walking every page visits every transaction exactly once, newest first (limit 7 over 23)', async () => {
    const { token } = await newUser();
    const created: Transaction[] = [];
    // Several per day, so the order among equal dates matters too.
    for (let i = 0; i < 23; i++) created.push(await createTransaction(token, { date: `2026-04-${String(1 + (i % 9)).padStart(2, '0')}`, description: `#${i}` }));
    const { items, pages } = await walk<Transaction>('/transactions?limit=7', token);
    expect(pages).toBe(4);
    expect(items.map((t) => t.id).sort()).toEqual(created.map((t) => t.id).sort());
    expect(new Set(items.map((t) => t.id)).size).toBe(23);
    const dates = items.map((t) => t.date);
    expect(dates).toEqual([...dates].sort().reverse());
  });

  test('a page is stable while transactions are added: no row twice, none skipped', async () => {
    const { token } = await newUser();
    const original: string[] = [];
    for (let i = 0; i < 10; i++) original.push((await createTransaction(token, { date: `2026-05-${String(10 + i).padStart(2, '0')}` })).id);
    const added: string[] = [];
    const { items } = await walk<Transaction>('/transactions?limit=3', token, async () => {
      // Newer, older and same-day rows arrive between pages.
      for (const date of ['2026-06-01', '2026-05-01', '2026-05-15']) added.push((await createTransaction(token, { date })).id);
    });
    const seen = items.map((t) => t.id);
    expect(new Set(seen).size).toBe(seen.length);
    for (const id of original) expect(seen).toContain(id);
    for (const id of seen) expect([...original, ...added]).toContain(id);
  });

  test('a default page holds 50; limit 200 is allowed; next_cursor is null on the last page', async () => {
    const { token } = await newUser();
    await Promise.all(Array.from({ length: 51 }, (_, i) => createTransaction(token, { description: `bulk ${i}` })));
    const first = await api.get('/transactions', token);
    expect(first.body.items).toHaveLength(50);
    expect(first.body.next_cursor).toEqual(expect.any(String));
    const all = await api.get('/transactions?limit=200', token);
    expect(all.body.items).toHaveLength(51);
    expect(all.body.next_cursor).toBeNull();
  });

  test.each([
    ['limit=0', 'limit'],
    ['limit=201', 'limit'],
    ['limit=abc', 'limit'],
    ['from=2026-02-30', 'from'],
    ['to=2026-13-01', 'to'],
    ['from=2026-03-02&to=2026-03-01', 'from'],
    ['transaction_type=transfer', 'transaction_type'],
    ['category_id=food', 'category_id'],
    [`q=${'q'.repeat(1001)}`, 'q'],
  ])('422 for ?%s', async (query, path) => {
    const { token } = await newUser();
    expectInvalid(await api.get(`/transactions?${query}`, token), path);
  });

  test('a tampered cursor → 422 on cursor; a categories cursor is no transactions cursor', async () => {
    const { token } = await newUser();
    for (let i = 0; i < 3; i++) await createTransaction(token);
    const cursor: string = (await api.get('/transactions?limit=1', token)).body.next_cursor;
    const tampered = cursor.slice(0, -2) + (cursor.endsWith('A') ? 'BB' : 'AA');
    for (const bad of [tampered, 'garbage', `${cursor}x`, Buffer.from('["t","2026-01-01","not-a-uuid"]').toString('base64url')]) {
      expectInvalid(await api.get(`/transactions?limit=1&cursor=${encodeURIComponent(bad)}`, token), 'cursor');
    }
    await createCategory(token);
    await createCategory(token);
    const categoryCursor: string = (await api.get('/categories?limit=1', token)).body.next_cursor;
    expectInvalid(await api.get(`/transactions?cursor=${encodeURIComponent(categoryCursor)}`, token), 'cursor');
  });
});

describe('50 concurrent POST /transactions', () => {
  test('all land: 50 × 201, 50 distinct ids, all listed', async () => {
    const { token } = await newUser();
    const replies = await Promise.all(
      Array.from({ length: 50 }, (_, i) => api.post('/transactions', { ...base, amount: `${i + 1}.00`, description: `concurrent ${i}` }, token)),
    );
    expect(replies.map((r) => r.status)).toEqual(Array(50).fill(201));
    const ids = new Set(replies.map((r) => r.body.id));
    expect(ids.size).toBe(50);
    const { items } = await walk<Transaction>('/transactions?limit=20', token);
    expect(new Set(items.map((t) => t.id))).toEqual(ids);
    expect(items.map((t) => t.amount).sort((a, b) => Number(a) - Number(b))).toEqual(Array.from({ length: 50 }, (_, i) => `${i + 1}.00`));
  });
});

describe('GET /transactions/{id}', () => {
  test('200 with the transaction; 404 for an unknown id and for an id that is not a UUID', async () => {
    const { token } = await newUser();
    const t = await createTransaction(token);
    const reply = await api.get(`/transactions/${t.id}`, token);
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual(t);
    expect((await api.get(`/transactions/${t.id.toUpperCase()}`, token)).body).toEqual(t);
    const unknown = expectProblem(await api.get(`/transactions/${randomUUID()}`, token), 404);
    const malformed = expectProblem(await api.get('/transactions/12345', token), 404);
    expect(malformed.code).toBe(unknown.code);
  });
});

describe('PUT /transactions/{id}', () => {
  test('changes only the fields given; updated_at moves, created_at does not', async () => {
    const { token } = await newUser();
    const category = await createCategory(token, { name: 'Transport' });
    const t = await createTransaction(token, { amount: '20.00', description: 'Taxi', category_id: category.id, date: '2026-03-03' });
    const reply = await api.put(`/transactions/${t.id}`, { amount: '25.5' }, token);
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ ...t, amount: '25.50', updated_at: expect.stringMatching(ISO_UTC) });
    expect(Date.parse(reply.body.updated_at)).toBeGreaterThanOrEqual(Date.parse(t.updated_at));
    expect((await api.get(`/transactions/${t.id}`, token)).body).toEqual(reply.body);
  });

  test('every field can change', async () => {
    const { token } = await newUser();
    const category = await createCategory(token, { name: 'Salary', color: '#00AA00', icon: 'coins' });
    const t = await createTransaction(token);
    const reply = await api.put(
      `/transactions/${t.id}`,
      { amount: 300000, transaction_type: 'income', date: '2026-04-30', description: 'April salary', category_id: category.id, currency: 'JPY' },
      token,
    );
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      id: t.id,
      amount: '300000',
      currency: 'JPY',
      transaction_type: 'income',
      date: '2026-04-30',
      description: 'April salary',
      category_id: category.id,
      category: { id: category.id, name: 'Salary', color: '#00AA00', icon: 'coins' },
      created_at: t.created_at,
    });
  });

  test('category_id: null makes it uncategorized', async () => {
    const { token } = await newUser();
    const category = await createCategory(token);
    const t = await createTransaction(token, { category_id: category.id });
    const reply = await api.put(`/transactions/${t.id}`, { category_id: null }, token);
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ category_id: null, category: null });
  });

  test('a user_id or id in the body has no effect', async () => {
    const a = await newUser();
    const b = await newUser();
    const t = await createTransaction(a.token);
    const reply = await api.put(`/transactions/${t.id}`, { user_id: b.user.id, id: randomUUID(), description: 'still mine' }, a.token);
    expect(reply.body).toMatchObject({ id: t.id, description: 'still mine' });
    expectProblem(await api.get(`/transactions/${t.id}`, b.token), 404);
  });

  test('422 for bad fields; nothing changes', async () => {
    const { token } = await newUser();
    const other = await newUser();
    const theirs = await createCategory(other.token);
    const t = await createTransaction(token);
    for (const [body, path] of [
      [{ amount: '1.999' }, 'amount'],
      [{ amount: '0' }, 'amount'],
      [{ amount: null }, 'amount'],
      [{ date: '2026-02-30' }, 'date'],
      [{ transaction_type: 'gift' }, 'transaction_type'],
      [{ description: 'd'.repeat(1001) }, 'description'],
      [{ category_id: theirs.id }, 'category_id'],
      [{ currency: 'XYZ' }, 'currency'],
      [{ currency: 'JPY' }, 'currency'], // 12.50 cannot be expressed in yen
    ] as const) {
      expectInvalid(await api.put(`/transactions/${t.id}`, body, token), path);
    }
    expectInvalid(await sendRaw(token, 'PUT', `/transactions/${t.id}`, '{"amount": 1e16}'), 'amount');
    expect((await api.get(`/transactions/${t.id}`, token)).body).toEqual(t);
  });

  test('404 for an unknown id and for an id that is not a UUID', async () => {
    const { token } = await newUser();
    expectProblem(await api.put(`/transactions/${randomUUID()}`, { description: 'x' }, token), 404);
    expectProblem(await api.put('/transactions/not-an-id', { amount: 'nonsense' }, token), 404);
  });
});

describe('DELETE /transactions/{id}', () => {
  test('204 with no body; then it is gone (404 on every verb)', async () => {
    const { token } = await newUser();
    const t = await createTransaction(token);
    const reply = await api.delete(`/transactions/${t.id}`, token);
    expect(reply.status).toBe(204);
    expect(reply.body).toBe('');
    expectProblem(await api.get(`/transactions/${t.id}`, token), 404);
    expectProblem(await api.put(`/transactions/${t.id}`, { description: 'x' }, token), 404);
    expectProblem(await api.delete(`/transactions/${t.id}`, token), 404);
    expect((await api.get('/transactions', token)).body.items).toEqual([]);
  });

  test('404 for an id that is not a UUID', async () => {
    const { token } = await newUser();
    expectProblem(await api.delete('/transactions/abc', token), 404);
  });
});

describe('POST /categories', () => {
  test('201 with id, name, color, icon, created_at', async () => {
    const { token } = await newUser();
    const reply = await api.post('/categories', { name: 'Groceries', color: '#1A2B3C', icon: 'cart' }, token);
    expect(reply.status).toBe(201);
    expect(reply.body).toMatchObject({ id: expect.stringMatching(UUID), name: 'Groceries', color: '#1A2B3C', icon: 'cart' });
    expect(reply.body.created_at).toMatch(ISO_UTC);
    expect(Object.keys(reply.body)).toEqual(expect.arrayContaining(['id', 'name', 'color', 'icon', 'created_at']));
  });

  test('icon is optional (null); a lower-case colour is accepted', async () => {
    const { token } = await newUser();
    const reply = await api.post('/categories', { name: 'Misc', color: '#abcdef' }, token);
    expect(reply.status).toBe(201);
    expect(reply.body.icon).toBeNull();
    expect(reply.body.color.toUpperCase()).toBe('#ABCDEF');
  });

  test('the same name twice (case-insensitive) for one user → 409; another user may use it', async () => {
    const { token } = await newUser();
    await createCategory(token, { name: 'Travel' });
    expectProblem(await api.post('/categories', { name: 'TRAVEL', color: '#000000' }, token), 409);
    expectProblem(await api.post('/categories', { name: 'travel', color: '#000000' }, token), 409);
    const other = await newUser();
    expect((await api.post('/categories', { name: 'Travel', color: '#000000' }, other.token)).status).toBe(201);
  });

  test.each([
    ['no name', { name: undefined }, 'name'],
    ['an empty name', { name: '' }, 'name'],
    ['a name of 101 characters', { name: 'n'.repeat(101) }, 'name'],
    ['no color', { color: undefined }, 'color'],
    ['color "red"', { color: 'red' }, 'color'],
    ['color #12345', { color: '#12345' }, 'color'],
    ['an icon of 101 characters', { icon: 'i'.repeat(101) }, 'icon'],
  ])('422 for %s', async (_name, change, path) => {
    const { token } = await newUser();
    expectInvalid(await api.post('/categories', { name: 'Valid', color: '#123456', ...change }, token), path);
    expect((await api.get('/categories', token)).body.items).toEqual([]);
  });

  test('415 for another media type, 413 for a body over 1 MiB, as problem+json; nothing is created', async () => {
    const { token } = await newUser();
    const category = { name: 'Groceries', color: '#336699' };
    expectProblem(await api.request('POST', '/categories', { token, body: JSON.stringify(category), headers: { 'content-type': 'text/plain' } }), 415);
    expectProblem(await api.request('POST', '/categories', { token, body: new URLSearchParams(category) }), 415);
    expectProblem(await api.post('/categories', { ...category, icon: 'x'.repeat(1024 * 1024 + 10) }, token), 413);
    expect((await api.get('/categories', token)).body.items).toEqual([]);
  });

  test('a name of 100 characters is fine; a user_id in the body has no effect', async () => {
    const a = await newUser();
    const b = await newUser();
    const c = await createCategory(a.token, { name: 'n'.repeat(100), user_id: b.user.id });
    expect((await api.get(`/categories/${c.id}`, a.token)).status).toBe(200);
    expectProblem(await api.get(`/categories/${c.id}`, b.token), 404);
  });
});

describe('GET /categories, GET|PUT /categories/{id}', () => {
  test('the list pages through all categories (limit, cursor, next_cursor null at the end)', async () => {
    const { token } = await newUser();
    const created = [];
    for (let i = 0; i < 12; i++) created.push(await createCategory(token, { name: `Cat ${String(i).padStart(2, '0')}` }));
    const { items, pages } = await walk<Category>('/categories?limit=5', token);
    expect(pages).toBe(3);
    expect(items.map((c) => c.id).sort()).toEqual(created.map((c) => c.id).sort());
    expect(items[0]).toEqual(created.find((c) => c.id === items[0]!.id));
    expectInvalid(await api.get('/categories?limit=0', token), 'limit');
    expectInvalid(await api.get('/categories?cursor=garbage', token), 'cursor');
  });

  test('a default page holds 50; the next page the rest; limit 200 is allowed, 201 (or not a number) → 422', async () => {
    const { token } = await newUser();
    const created = await Promise.all(Array.from({ length: 51 }, (_, i) => createCategory(token, { name: `Bulk ${String(i).padStart(2, '0')}` })));
    const first = await api.get('/categories', token);
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(50);
    expect(first.body.next_cursor).toEqual(expect.any(String));
    const second = await api.get(`/categories?cursor=${encodeURIComponent(first.body.next_cursor)}`, token);
    expect(second.status).toBe(200);
    expect(second.body.items).toHaveLength(1);
    expect(second.body.next_cursor).toBeNull();
    expect([...first.body.items, ...second.body.items].map((c: Category) => c.id).sort()).toEqual(created.map((c) => c.id).sort());
    const all = await api.get('/categories?limit=200', token);
    expect(all.body.items).toHaveLength(51);
    expect(all.body.next_cursor).toBeNull();
    expectInvalid(await api.get('/categories?limit=201', token), 'limit');
    expectInvalid(await api.get('/categories?limit=abc', token), 'limit');
  });

  test('GET one: 200; 404 for unknown and malformed ids', async () => {
    const { token } = await newUser();
    const c = await createCategory(token);
    expect((await api.get(`/categories/${c.id}`, token)).body).toEqual(c);
    expectProblem(await api.get(`/categories/${randomUUID()}`, token), 404);
    expectProblem(await api.get('/categories/food', token), 404);
  });

  test('PUT changes only the fields given; icon: null removes the icon; transactions embed the change', async () => {
    const { token } = await newUser();
    const c = await createCategory(token, { name: 'Fun', color: '#111111', icon: 'star' });
    const t = await createTransaction(token, { category_id: c.id });
    const renamed = await api.put(`/categories/${c.id}`, { name: 'Leisure' }, token);
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ id: c.id, name: 'Leisure', color: '#111111', icon: 'star', created_at: c.created_at });
    const cleared = await api.put(`/categories/${c.id}`, { icon: null, color: '#222222' }, token);
    expect(cleared.body).toMatchObject({ name: 'Leisure', color: '#222222', icon: null });
    expect((await api.get(`/categories/${c.id}`, token)).body).toEqual(cleared.body);
    expect((await api.get(`/transactions/${t.id}`, token)).body.category).toEqual({ id: c.id, name: 'Leisure', color: '#222222', icon: null });
  });

  test('PUT: 409 onto another category’s name, 422 for bad fields, 404 for unknown/malformed ids', async () => {
    const { token } = await newUser();
    await createCategory(token, { name: 'Taken' });
    const c = await createCategory(token, { name: 'Free' });
    expectProblem(await api.put(`/categories/${c.id}`, { name: 'taken' }, token), 409);
    expectInvalid(await api.put(`/categories/${c.id}`, { color: 'blue' }, token), 'color');
    expectInvalid(await api.put(`/categories/${c.id}`, { name: '' }, token), 'name');
    expectProblem(await api.put(`/categories/${randomUUID()}`, { name: 'x' }, token), 404);
    expectProblem(await api.put('/categories/nope', { name: 'x' }, token), 404);
    expect((await api.get(`/categories/${c.id}`, token)).body).toEqual(c);
  });
});

describe('DELETE /categories/{id}', () => {
  test('with ?reassign_to: 204, and its transactions move to that category', async () => {
    const { token } = await newUser();
    const from = await createCategory(token, { name: 'Old' });
    const to = await createCategory(token, { name: 'New', color: '#FF8800' });
    const moved = [await createTransaction(token, { category_id: from.id }), await createTransaction(token, { category_id: from.id })];
    const untouched = await createTransaction(token);

    const reply = await api.delete(`/categories/${from.id}?reassign_to=${to.id}`, token);
    expect(reply.status).toBe(204);
    expect(reply.body).toBe('');
    expectProblem(await api.get(`/categories/${from.id}`, token), 404);
    for (const t of moved) {
      expect((await api.get(`/transactions/${t.id}`, token)).body).toMatchObject({ category_id: to.id, category: { id: to.id, name: 'New', color: '#FF8800', icon: null } });
    }
    expect((await api.get(`/transactions/${untouched.id}`, token)).body.category_id).toBeNull();
    expect(((await api.get(`/transactions?category_id=${to.id}`, token)).body.items as Transaction[]).map((t) => t.id).sort()).toEqual(moved.map((t) => t.id).sort());
  });

  test('without reassign_to: 204, and its transactions are kept, uncategorized', async () => {
    const { token } = await newUser();
    const c = await createCategory(token);
    const t = await createTransaction(token, { category_id: c.id });
    expect((await api.delete(`/categories/${c.id}`, token)).status).toBe(204);
    expect((await api.get(`/transactions/${t.id}`, token)).body).toMatchObject({ id: t.id, amount: t.amount, category_id: null, category: null });
    expect((await api.get('/categories', token)).body.items).toEqual([]);
  });

  test('reassign_to that is not a UUID, unknown, or another user’s → 422; nothing is deleted', async () => {
    const { token } = await newUser();
    const other = await newUser();
    const theirs = await createCategory(other.token);
    const c = await createCategory(token);
    const t = await createTransaction(token, { category_id: c.id });
    for (const target of ['elsewhere', randomUUID(), theirs.id]) {
      expectInvalid(await api.delete(`/categories/${c.id}?reassign_to=${target}`, token), 'reassign_to');
    }
    expect((await api.get(`/categories/${c.id}`, token)).status).toBe(200);
    expect((await api.get(`/transactions/${t.id}`, token)).body.category_id).toBe(c.id);
    expect((await api.get(`/categories/${theirs.id}`, other.token)).status).toBe(200);
  });

  test('404 for unknown and malformed ids', async () => {
    const { token } = await newUser();
    expectProblem(await api.delete(`/categories/${randomUUID()}`, token), 404);
    expectProblem(await api.delete('/categories/123', token), 404);
  });
});

describe('another user’s resources do not exist for the caller', () => {
  test('404 on every verb of both resources, lists leave them out, and nothing of theirs changes', async () => {
    const owner = await newUser('owner');
    const intruder = await newUser('intruder');
    const category = await createCategory(owner.token, { name: 'Private' });
    const t = await createTransaction(owner.token, { category_id: category.id, description: 'secret' });

    const notFound = [
      await api.get(`/transactions/${t.id}`, intruder.token),
      await api.put(`/transactions/${t.id}`, { description: 'hijacked' }, intruder.token),
      await api.delete(`/transactions/${t.id}`, intruder.token),
      await api.get(`/categories/${category.id}`, intruder.token),
      await api.put(`/categories/${category.id}`, { name: 'hijacked' }, intruder.token),
      await api.delete(`/categories/${category.id}`, intruder.token),
    ];
    for (const reply of notFound) expectProblem(reply, 404);
    // The same answer as for ids that never existed: nothing to learn by probing.
    expect(notFound[0]!.body.code).toBe(expectProblem(await api.get(`/transactions/${randomUUID()}`, intruder.token), 404).code);
    expect(notFound[3]!.body.code).toBe(expectProblem(await api.get(`/categories/${randomUUID()}`, intruder.token), 404).code);

    expect((await api.get('/transactions', intruder.token)).body.items).toEqual([]);
    expect((await api.get(`/transactions?category_id=${category.id}`, intruder.token)).body.items).toEqual([]);
    expect((await api.get('/categories', intruder.token)).body.items).toEqual([]);

    expect((await api.get(`/transactions/${t.id}`, owner.token)).body).toEqual(t);
    expect((await api.get(`/categories/${category.id}`, owner.token)).body).toEqual(category);
  });
});

describe('authentication', () => {
  test('every transactions and categories route answers 401 without a valid bearer token', async () => {
    const { token } = await newUser();
    const t = await createTransaction(token);
    const c = await createCategory(token);
    const routes: [string, string, unknown?][] = [
      ['POST', '/transactions', base],
      ['GET', '/transactions'],
      ['GET', `/transactions/${t.id}`],
      ['PUT', `/transactions/${t.id}`, { description: 'x' }],
      ['DELETE', `/transactions/${t.id}`],
      ['POST', '/categories', { name: 'X', color: '#000000' }],
      ['GET', '/categories'],
      ['GET', `/categories/${c.id}`],
      ['PUT', `/categories/${c.id}`, { name: 'Y' }],
      ['DELETE', `/categories/${c.id}`],
    ];
    for (const [method, path, json] of routes) {
      for (const bad of [undefined, 'garbage', `${token.slice(0, -4)}AAAA`]) {
        const reply = await api.request(method, path, { ...(bad ? { token: bad } : {}), ...(json ? { json } : {}) });
        expectProblem(reply, 401);
        expect(reply.headers.get('www-authenticate')).toMatch(/^Bearer/);
      }
    }
    // Nothing was changed by those attempts.
    expect((await api.get(`/transactions/${t.id}`, token)).body).toEqual(t);
    expect((await api.get(`/categories/${c.id}`, token)).body).toEqual(c);
  });
});

describe('operations', () => {
  test('GET /health reports the ledger too', async () => {
    const reply = await api.get('/health');
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ status: 'ok', services: { auth: 'SERVING', ledger: 'SERVING' } });
  });

  test('GET /docs/json documents every transactions and categories operation', async () => {
    const doc = (await api.get('/docs/json')).body;
    expect(Object.keys(doc.paths['/transactions']).sort()).toEqual(['get', 'post']);
    expect(Object.keys(doc.paths['/transactions/{id}']).sort()).toEqual(['delete', 'get', 'put']);
    expect(Object.keys(doc.paths['/categories']).sort()).toEqual(['get', 'post']);
    expect(Object.keys(doc.paths['/categories/{id}']).sort()).toEqual(['delete', 'get', 'put']);
  });
});
