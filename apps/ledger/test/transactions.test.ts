import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { status } from '@grpc/grpc-js';
import { stubError } from '@finance/testing';
import {
  countRows,
  createCategory,
  date,
  EXPENSE,
  INCOME,
  iso,
  listAll,
  newTransaction,
  registerUser,
  rejected,
  scriptAuth,
  startLedgerHarness,
  updateProfile,
  type LedgerHarness,
} from './helpers.js';

let h: LedgerHarness;

beforeAll(async () => {
  h = await startLedgerHarness();
});

// The ledger asks auth nothing the stub was not scripted for.
afterEach(() => {
  expect(h.auth.unscripted).toEqual([]);
});

afterAll(async () => {
  await h?.close();
});

describe('CreateTransaction', () => {
  test('records the amount in minor units with its currency and answers the transaction', async () => {
    const userId = registerUser(h);
    const { transaction, replayed } = await h.client.createTransaction(newTransaction(userId, { amount: '12.50', currency: 'EUR', description: 'Lunch' }));
    expect(replayed).toBe(false);
    expect(transaction).toMatchObject({
      userId,
      amount: { minorUnits: '1250', currency: 'EUR' },
      transactionType: EXPENSE,
      date: { year: 2026, month: 3, day: 15 },
      description: 'Lunch',
      category: undefined,
    });
    expect(transaction!.categoryId).toBeUndefined();
    expect(transaction!.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(transaction!.createdAt).toBeInstanceOf(Date);
    expect(transaction!.updatedAt).toEqual(transaction!.createdAt);
    const [row] = await h.orm.em.fork().execute<{ amount_minor: string; currency: string; date: string }[]>(
      'select amount_minor::text, currency, date::text from ledger.transaction where id = ?',
      [transaction!.id],
    );
    expect(row).toEqual({ amount_minor: '1250', currency: 'EUR', date: '2026-03-15' });
  });

  test('without a currency it takes the base currency from auth, as it is now', async () => {
    const userId = registerUser(h);
    h.auth.calls.length = 0;
    const first = await h.client.createTransaction(newTransaction(userId, { currency: undefined, amount: '3' }));
    expect(first.transaction!.amount).toEqual({ minorUnits: '300', currency: 'USD' });
    expect(h.auth.callsOf('getUser').map((c) => c.request)).toEqual([{ userId }]);
    updateProfile(h, userId, { baseCurrency: 'JPY' });
    const second = await h.client.createTransaction(newTransaction(userId, { currency: undefined, amount: '300' }));
    expect(second.transaction!.amount).toEqual({ minorUnits: '300', currency: 'JPY' });
    // JPY has no minor unit: the base currency's precision applies.
    expect(await rejected(h.client.createTransaction(newTransaction(userId, { currency: undefined, amount: '1.50' })))).toMatchObject({
      httpStatus: 422,
      errors: [{ path: 'amount', message: 'JPY does not allow decimal places' }],
    });
  });

  test.each([
    ['unknown to it (UNAUTHENTICATED, as auth answers for a deleted account)', 'unauthenticated'],
    ['NOT_FOUND', 'not_found'],
  ] as const)('a user that auth no longer knows (%s) cannot use the base currency', async (_, kind) => {
    const userId = registerUser(h);
    h.auth.fail('getUser', stubError(kind, 'AUTH_USER_NOT_FOUND', 'The account of this token no longer exists.'));
    try {
      expect(await rejected(h.client.createTransaction(newTransaction(userId, { currency: undefined })))).toMatchObject({
        httpStatus: 401,
        code: 'LEDGER_USER_NOT_FOUND',
      });
      expect(await countRows(h, 'transaction', userId)).toBe(0);
    } finally {
      scriptAuth(h);
    }
  });

  test('embeds its category', async () => {
    const userId = registerUser(h);
    const category = await createCategory(h, userId, 'Food', '#aa00cc');
    const { transaction } = await h.client.createTransaction(newTransaction(userId, { categoryId: category.id }));
    expect(transaction).toMatchObject({ categoryId: category.id, category: { id: category.id, name: 'Food', color: '#AA00CC', icon: undefined } });
  });

  test.each([
    ['too many decimals', 'amount', { amount: '1.005' }, 'USD allows at most 2 decimal places'],
    ['zero', 'amount', { amount: '0' }, 'Amount must be greater than zero'],
    ['negative', 'amount', { amount: '-1.00' }, 'Amount must be greater than zero'],
    ['non-numeric', 'amount', { amount: 'twelve' }, expect.stringContaining('plain decimal number')],
    ['exponent', 'amount', { amount: '1e5' }, expect.stringContaining('exponent')],
    ['16 integer digits', 'amount', { amount: '1000000000000000' }, expect.stringContaining('at most 15 digits')],
    ['more minor units than a bigint holds', 'amount', { amount: '999999999999999.9999', currency: 'CLF' }, 'Amount is too large to store'],
    ['unknown currency', 'currency', { currency: 'ABC' }, expect.stringContaining('Unknown currency')],
    ['lower-case currency', 'currency', { currency: 'eur' }, expect.stringContaining('"EUR"')],
    ['February 30th', 'date', { date: date('2026-02-30') }, expect.stringContaining('not a valid calendar date')],
    ['year 0', 'date', { date: { year: 0, month: 1, day: 1 } }, expect.stringContaining('not a valid calendar date')],
    ['no date', 'date', { date: undefined }, expect.stringContaining('required')],
    ['no type', 'transaction_type', { transactionType: 0 }, expect.any(String)],
    ['a type outside the enum', 'transaction_type', { transactionType: 7 }, expect.any(String)],
    ['a description of 1001 characters', 'description', { description: 'x'.repeat(1001) }, 'must be at most 1000 characters'],
    ['a NUL in the description', 'description', { description: 'a\u0000b' }, expect.any(String)],
    ['a malformed category id', 'category_id', { categoryId: "1' or 1=1 --" }, 'is not one of your categories'],
  ])('%s → 422 on path %s, nothing recorded', async (_, path, overrides, message) => {
    const userId = registerUser(h);
    const err = await rejected(h.client.createTransaction(newTransaction(userId, overrides)));
    expect(err).toMatchObject({ status: status.INVALID_ARGUMENT, httpStatus: 422, errors: [{ path, message }] });
    expect(await countRows(h, 'transaction', userId)).toBe(0);
  });

  test('a description of exactly 1000 characters is kept whole', async () => {
    const userId = registerUser(h);
    const { transaction } = await h.client.createTransaction(newTransaction(userId, { description: 'é'.repeat(1000) }));
    expect(transaction!.description).toBe('é'.repeat(1000));
  });

  test("another user's category, or an unknown one, is a 422 on category_id", async () => {
    const owner = registerUser(h);
    const stranger = registerUser(h);
    const category = await createCategory(h, owner);
    for (const categoryId of [category.id, randomUUID()]) {
      expect(await rejected(h.client.createTransaction(newTransaction(stranger, { categoryId })))).toMatchObject({
        httpStatus: 422,
        code: 'LEDGER_UNKNOWN_CATEGORY',
        errors: [{ path: 'category_id', message: 'is not one of your categories' }],
      });
    }
    expect(await countRows(h, 'transaction', stranger)).toBe(0);
  });

  test('a malformed user id is an invalid argument, never a server error', async () => {
    expect(await rejected(h.client.createTransaction(newTransaction('not-a-uuid')))).toMatchObject({ httpStatus: 422, errors: [{ path: 'user_id' }] });
    expect(await rejected(h.client.listTransactions({ userId: "'; drop table ledger.transaction; --", page: undefined, transactionType: 0, from: undefined, to: undefined }))).toMatchObject({ httpStatus: 422 });
  });

  test('50 concurrent creates all land', async () => {
    const userId = registerUser(h);
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) => h.client.createTransaction(newTransaction(userId, { amount: `${i + 1}.00`, currency: i % 2 ? 'USD' : undefined }))),
    );
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    expect(await countRows(h, 'transaction', userId)).toBe(50);
    const [sum] = await h.orm.em.fork().execute<{ total: string }[]>('select sum(amount_minor)::text as total from ledger.transaction where user_id = ?', [userId]);
    expect(sum!.total).toBe(String(((50 * 51) / 2) * 100));
  });
});

describe('GetTransaction', () => {
  test('answers the transaction as created', async () => {
    const userId = registerUser(h);
    const { transaction } = await h.client.createTransaction(newTransaction(userId));
    expect((await h.client.getTransaction({ userId, id: transaction!.id })).transaction).toEqual(transaction);
  });

  test("another user's, an unknown and a malformed id are all NOT_FOUND", async () => {
    const owner = registerUser(h);
    const stranger = registerUser(h);
    const { transaction } = await h.client.createTransaction(newTransaction(owner));
    for (const id of [transaction!.id, randomUUID(), 'nope', '', "' or 1=1"]) {
      expect(await rejected(h.client.getTransaction({ userId: stranger, id }))).toMatchObject({ status: status.NOT_FOUND, httpStatus: 404, code: 'LEDGER_TRANSACTION_NOT_FOUND' });
    }
  });
});

describe('UpdateTransaction', () => {
  test('changes only the fields given and moves updated_at', async () => {
    const userId = registerUser(h);
    const category = await createCategory(h, userId, 'Travel');
    const { transaction: created } = await h.client.createTransaction(newTransaction(userId, { description: 'Train' }));
    const { transaction } = await h.client.updateTransaction({ userId, id: created!.id, amount: '20.05', categoryId: category.id, transactionType: 0, date: undefined });
    expect(transaction).toMatchObject({
      amount: { minorUnits: '2005', currency: 'USD' },
      transactionType: EXPENSE,
      date: created!.date,
      description: 'Train',
      categoryId: category.id,
      category: { id: category.id, name: 'Travel' },
      createdAt: created!.createdAt,
    });
    expect(transaction!.updatedAt!.getTime()).toBeGreaterThanOrEqual(created!.updatedAt!.getTime());
    expect((await h.client.getTransaction({ userId, id: created!.id })).transaction).toEqual(transaction);
  });

  test('type, date, description, uncategorizing and a new currency', async () => {
    const userId = registerUser(h);
    const category = await createCategory(h, userId);
    const { transaction: created } = await h.client.createTransaction(newTransaction(userId, { categoryId: category.id, amount: '12.50' }));
    const { transaction } = await h.client.updateTransaction({
      userId,
      id: created!.id,
      transactionType: INCOME,
      date: date('2025-12-31'),
      description: '',
      categoryId: '',
      currency: 'EUR',
    });
    expect(transaction).toMatchObject({ transactionType: INCOME, date: date('2025-12-31'), description: '', category: undefined, amount: { minorUnits: '1250', currency: 'EUR' } });
    expect(transaction!.categoryId).toBeUndefined();
    expect(await rejected(h.client.updateTransaction({ userId, id: created!.id, currency: 'JPY', transactionType: 0, date: undefined }))).toMatchObject({
      httpStatus: 422,
      errors: [{ path: 'currency', message: expect.stringContaining('12.50 cannot be expressed in JPY') }],
    });
  });

  test('bad values are 422 with their paths and change nothing', async () => {
    const userId = registerUser(h);
    const { transaction: created } = await h.client.createTransaction(newTransaction(userId));
    const err = await rejected(
      h.client.updateTransaction({ userId, id: created!.id, amount: '0', date: date('2026-04-31'), description: 'd'.repeat(1001), transactionType: 0 }),
    );
    expect(err.errors!.map((e) => e.path)).toEqual(['amount', 'date', 'description']);
    expect((await h.client.getTransaction({ userId, id: created!.id })).transaction).toEqual(created);
  });

  test("another user's transaction is NOT_FOUND and another user's category is a 422", async () => {
    const owner = registerUser(h);
    const stranger = registerUser(h);
    const { transaction } = await h.client.createTransaction(newTransaction(owner));
    const strangersOwn = (await h.client.createTransaction(newTransaction(stranger))).transaction!;
    const ownersCategory = await createCategory(h, owner);
    expect(await rejected(h.client.updateTransaction({ userId: stranger, id: transaction!.id, amount: '1.00', transactionType: 0, date: undefined }))).toMatchObject({ httpStatus: 404 });
    expect(await rejected(h.client.updateTransaction({ userId: stranger, id: 'zzz', amount: '1.00', transactionType: 0, date: undefined }))).toMatchObject({ httpStatus: 404 });
    expect(
      await rejected(h.client.updateTransaction({ userId: stranger, id: strangersOwn.id, categoryId: ownersCategory.id, transactionType: 0, date: undefined })),
    ).toMatchObject({ httpStatus: 422, errors: [{ path: 'category_id' }] });
    expect((await h.client.getTransaction({ userId: owner, id: transaction!.id })).transaction).toEqual(transaction);
  });
});

describe('DeleteTransaction', () => {
  test('deletes it once; then it is gone', async () => {
    const userId = registerUser(h);
    const { transaction } = await h.client.createTransaction(newTransaction(userId));
    await h.client.deleteTransaction({ userId, id: transaction!.id });
    expect(await rejected(h.client.getTransaction({ userId, id: transaction!.id }))).toMatchObject({ httpStatus: 404 });
    expect(await rejected(h.client.deleteTransaction({ userId, id: transaction!.id }))).toMatchObject({ httpStatus: 404 });
  });

  test("another user's transaction is NOT_FOUND and stays", async () => {
    const owner = registerUser(h);
    const stranger = registerUser(h);
    const { transaction } = await h.client.createTransaction(newTransaction(owner));
    expect(await rejected(h.client.deleteTransaction({ userId: stranger, id: transaction!.id }))).toMatchObject({ httpStatus: 404, code: 'LEDGER_TRANSACTION_NOT_FOUND' });
    expect(await rejected(h.client.deleteTransaction({ userId: stranger, id: 'not-a-uuid' }))).toMatchObject({ httpStatus: 404 });
    await expect(h.client.getTransaction({ userId: owner, id: transaction!.id })).resolves.toBeTruthy();
  });
});

describe('ListTransactions', () => {
  const noFilter = { transactionType: 0, from: undefined, to: undefined } as const;

  test('newest date first, id breaking ties; only the user’s own; limit and next_cursor', async () => {
    const userId = registerUser(h);
    const other = registerUser(h);
    await h.client.createTransaction(newTransaction(other, { date: date('2026-01-02') }));
    const dates = ['2026-01-01', '2026-01-03', '2026-01-02', '2026-01-03', '2026-01-03'];
    const created = [];
    for (const d of dates) created.push((await h.client.createTransaction(newTransaction(userId, { date: date(d) }))).transaction!);
    const expected = [...created].sort((a, b) => (iso(b.date)! + b.id).localeCompare(iso(a.date)! + a.id)).map((t) => t.id);

    const first = await h.client.listTransactions({ userId, ...noFilter, page: { limit: 2, cursor: '' } });
    expect(first.items.map((t) => t.id)).toEqual(expected.slice(0, 2));
    expect(first.page!.nextCursor).not.toBe('');
    const all = await listAll(h, { userId, ...noFilter }, 2);
    expect(all.map((t) => t.id)).toEqual(expected);
    const whole = await h.client.listTransactions({ userId, ...noFilter, page: { limit: 0, cursor: '' } });
    expect(whole.items).toHaveLength(5);
    expect(whole.page!.nextCursor).toBe('');
  });

  test('one day’s transactions come newest-recorded first (ids are time-ordered)', async () => {
    const userId = registerUser(h);
    const recorded = [];
    for (const description of ['breakfast', 'lunch', 'dinner', 'late snack']) {
      recorded.push((await h.client.createTransaction(newTransaction(userId, { date: date('2026-04-01'), description }))).transaction!.id);
    }
    const page = await h.client.listTransactions({ userId, ...noFilter, page: { limit: 0, cursor: '' } });
    expect(page.items.map((t) => t.description)).toEqual(['late snack', 'dinner', 'lunch', 'breakfast']);
    expect(page.items.map((t) => t.id)).toEqual([...recorded].reverse());
  });

  test('filters: inclusive date range, type, category, q', async () => {
    const userId = registerUser(h);
    const food = await createCategory(h, userId, 'Food');
    const make = (d: string, type: number, description: string, categoryId?: string) =>
      h.client.createTransaction(newTransaction(userId, { date: date(d), transactionType: type, description, ...(categoryId ? { categoryId } : {}) }));
    await make('2026-01-31', EXPENSE, 'before');
    await make('2026-02-01', EXPENSE, 'Coffee at the station', food.id);
    await make('2026-02-15', INCOME, 'Salary');
    await make('2026-02-28', EXPENSE, 'COFFEE beans', food.id);
    await make('2026-03-01', EXPENSE, 'after');
    const descriptions = async (filter: object) =>
      (await listAll(h, { userId, ...noFilter, ...filter })).map((t) => t.description);

    expect(await descriptions({ from: date('2026-02-01'), to: date('2026-02-28') })).toEqual(['COFFEE beans', 'Salary', 'Coffee at the station']);
    expect(await descriptions({ transactionType: INCOME })).toEqual(['Salary']);
    expect(await descriptions({ categoryId: food.id })).toEqual(['COFFEE beans', 'Coffee at the station']);
    expect(await descriptions({ q: 'coffee' })).toEqual(['COFFEE beans', 'Coffee at the station']);
    expect(await descriptions({ q: 'coffee', from: date('2026-02-02') })).toEqual(['COFFEE beans']);
    expect(await descriptions({ categoryId: randomUUID() })).toEqual([]);
  });

  test('q is literal: % and _ and \\ match only themselves', async () => {
    const userId = registerUser(h);
    for (const description of ['50% off', '500 off', 'a_b', 'axb', 'back\\slash', 'backslash']) {
      await h.client.createTransaction(newTransaction(userId, { description }));
    }
    const search = async (q: string) => (await listAll(h, { userId, ...noFilter, q })).map((t) => t.description).sort();
    expect(await search('%')).toEqual(['50% off']);
    expect(await search('0%')).toEqual(['50% off']);
    expect(await search('_')).toEqual(['a_b']);
    expect(await search('\\')).toEqual(['back\\slash']);
    expect(await search("'; select pg_sleep(1); --")).toEqual([]);
    expect(await search('OFF')).toEqual(['50% off', '500 off']);
  });

  test.each([
    ['limit 201', 'limit', { page: { limit: 201, cursor: '' } }, 'LEDGER_INVALID_FIELDS'],
    ['limit -1', 'limit', { page: { limit: -1, cursor: '' } }, 'LEDGER_INVALID_FIELDS'],
    ['a made-up cursor', 'cursor', { page: { limit: 10, cursor: 'abc' } }, 'LEDGER_INVALID_CURSOR'],
    ['a tampered cursor', 'cursor', { page: { limit: 10, cursor: Buffer.from('["t","2026-13-01","x"]').toString('base64url') } }, 'LEDGER_INVALID_CURSOR'],
    ['from after to', 'from', { from: date('2026-02-02'), to: date('2026-02-01') }, 'LEDGER_INVALID_FIELDS'],
    ['an impossible from', 'from', { from: date('2026-02-30') }, 'LEDGER_INVALID_FIELDS'],
    ['a malformed category filter', 'category_id', { categoryId: 'food' }, 'LEDGER_INVALID_FIELDS'],
  ])('%s → 422 on path %s', async (_, path, request, code) => {
    const userId = registerUser(h);
    expect(await rejected(h.client.listTransactions({ userId, ...noFilter, page: undefined, ...request }))).toMatchObject({ httpStatus: 422, code, errors: [{ path }] });
  });

  test('a deep page is one index range scan, like the first page (no sort, no scan of earlier rows)', async () => {
    const userId = randomUUID();
    const em = h.orm.em.fork();
    await em.execute(
      `insert into ledger.transaction (id, user_id, amount_minor, currency, transaction_type, date, description, created_at, updated_at)
       select gen_random_uuid(), ?, 100, 'USD', 'expense', date '2020-01-01' + (i % 2000), 'row ' || i, now(), now()
         from generate_series(1, 40000) i`,
      [userId],
    );
    await em.execute('analyze ledger.transaction');
    // the 30,000th row's key, as a cursor would carry it
    const [deep] = await em.execute<{ date: string; id: string }[]>(
      'select date::text, id from ledger.transaction where user_id = ? order by date desc, id desc offset 30000 limit 1',
      [userId],
    );
    const plan = async (keyset: string, params: unknown[]) => {
      const [row] = await em.execute<{ 'QUERY PLAN': unknown }[]>(
        `explain (analyze, format json)
         select t.id from ledger.transaction t left join ledger.category c on c.id = t.category_id
          where t.user_id = ? ${keyset} order by t.date desc, t.id desc limit 51`,
        [userId, ...params],
      );
      return JSON.stringify(row!['QUERY PLAN']);
    };
    const firstPage = await plan('', []);
    const deepPage = await plan('and (t.date, t.id) < (?::date, ?::uuid)', [deep!.date, deep!.id]);
    for (const p of [firstPage, deepPage]) {
      expect(p).toContain('transaction_user_id_date_id_idx');
      expect(p).not.toContain('"Node Type":"Sort"');
      expect(p).not.toContain('Seq Scan');
    }
    // The deep page's index scan starts at the cursor: it reads about a page of rows, not 30,000.
    const rowsRead = (p: string) => Math.max(...[...p.matchAll(/"Actual Rows":(\d+)/g)].map((m) => Number(m[1])));
    expect(rowsRead(deepPage)).toBeLessThanOrEqual(51);
    // And through the service the deep page is the right one.
    const cursor = Buffer.from(JSON.stringify(['t', deep!.date, deep!.id])).toString('base64url');
    const { items } = await h.client.listTransactions({ userId, ...noFilter, page: { limit: 3, cursor } });
    const [expected] = await em.execute<{ ids: string[] }[]>(
      'select array_agg(id::text) as ids from (select id from ledger.transaction where user_id = ? order by date desc, id desc offset 30001 limit 3) s',
      [userId],
    );
    expect(items.map((t) => t.id)).toEqual(expected!.ids);
    await em.execute('delete from ledger.transaction where user_id = ?', [userId]);
  });
});
