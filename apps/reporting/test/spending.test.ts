import { randomUUID } from 'node:crypto';
import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { formatMoney, money } from '@finance/money';
import {
  createCategory,
  date,
  INCOME,
  iso,
  minor,
  range,
  recordTransaction,
  registerUser,
  rejected,
  startReportingHarness,
  updateProfile,
  type ReportingHarness,
} from './helpers.js';

let h: ReportingHarness;

beforeAll(async () => {
  h = await startReportingHarness();
});

afterAll(async () => {
  await h?.close();
});

const spending = (userId: string, from: string, to: string) => h.client.getSpending({ userId, ...range(from, to) });
/** Items as [category name (or "-"), "minor currency", count]. */
const rows = (r: Awaited<ReturnType<typeof spending>>) => r.items.map((i) => [i.categoryName ?? '-', minor(i.total), i.count]);

describe('GetSpending', () => {
  test('three expenses of 0.10 make exactly 0.30; income is not spending', async () => {
    const userId = await registerUser(h);
    const food = await createCategory(h, userId, 'Food');
    for (const day of ['2026-03-01', '2026-03-02', '2026-03-03']) await recordTransaction(h, userId, '0.10', day, { categoryId: food.id });
    await recordTransaction(h, userId, '2500.00', '2026-03-02', { transactionType: INCOME, categoryId: food.id });

    const r = await spending(userId, '2026-03-01', '2026-03-31');

    expect(r.total).toEqual({ minorUnits: '30', currency: 'USD' });
    expect(formatMoney(money(r.total!.minorUnits, r.total!.currency))).toBe('0.30');
    expect(r.items).toEqual([{ categoryId: food.id, categoryName: 'Food', total: { minorUnits: '30', currency: 'USD' }, count: '3' }]);
    expect({ from: iso(r.from), to: iso(r.to), currency: r.currency, excluded: r.excludedCurrencies }).toEqual({
      from: '2026-03-01',
      to: '2026-03-31',
      currency: 'USD',
      excluded: [],
    });
  });

  test('per category with its name, largest first; ties by count, then name; uncategorized has neither id nor name and comes last on a tie', async () => {
    const userId = await registerUser(h);
    const rent = await createCategory(h, userId, 'Rent');
    const zoo = await createCategory(h, userId, 'Zoo');
    const books = await createCategory(h, userId, 'books');
    const games = await createCategory(h, userId, 'Games');
    await recordTransaction(h, userId, '900.00', '2026-04-01', { categoryId: rent.id });
    await recordTransaction(h, userId, '4.00', '2026-04-02', { categoryId: zoo.id });
    await recordTransaction(h, userId, '6.00', '2026-04-03', { categoryId: zoo.id });
    await recordTransaction(h, userId, '10.00', '2026-04-04');
    await recordTransaction(h, userId, '10.00', '2026-04-05', { categoryId: games.id });
    await recordTransaction(h, userId, '10.00', '2026-04-06', { categoryId: books.id });

    const r = await spending(userId, '2026-04-01', '2026-04-30');

    expect(rows(r)).toEqual([
      ['Rent', '90000 USD', '1'],
      // 10.00 in two transactions before 10.00 in one.
      ['Zoo', '1000 USD', '2'],
      // Same total and count: by name, case-insensitively ("books" < "Games"), uncategorized last.
      ['books', '1000 USD', '1'],
      ['Games', '1000 USD', '1'],
      ['-', '1000 USD', '1'],
    ]);
    expect(r.items.map((i) => i.categoryId)).toEqual([rent.id, zoo.id, books.id, games.id, undefined]);
    // Absent, not empty strings: the gateway renders null.
    expect(r.items[4]).toEqual({ total: { minorUnits: '1000', currency: 'USD' }, count: '1' });
    expect(r.total).toEqual({ minorUnits: '94000', currency: 'USD' });
  });

  test('dates are inclusive at both ends; transactions outside [from, to] do not count', async () => {
    const userId = await registerUser(h);
    for (const [day, amount] of [
      ['2026-02-28', '1.00'],
      ['2026-03-01', '2.00'],
      ['2026-03-31', '4.00'],
      ['2026-04-01', '8.00'],
    ] as const)
      await recordTransaction(h, userId, amount, day);
    expect((await spending(userId, '2026-03-01', '2026-03-31')).total).toEqual({ minorUnits: '600', currency: 'USD' });
    expect((await spending(userId, '2026-03-31', '2026-03-31')).total).toEqual({ minorUnits: '400', currency: 'USD' });
  });

  test("another user's spending never counts", async () => {
    const userId = await registerUser(h);
    const other = await registerUser(h);
    const theirs = await createCategory(h, other, 'Theirs');
    await recordTransaction(h, other, '77.00', '2026-05-10', { categoryId: theirs.id });
    await recordTransaction(h, other, '33.00', '2026-05-10');
    await recordTransaction(h, userId, '1.00', '2026-05-10');

    const r = await spending(userId, '2026-05-01', '2026-05-31');
    expect(rows(r)).toEqual([['-', '100 USD', '1']]);
    expect(r.total).toEqual({ minorUnits: '100', currency: 'USD' });
    // The other user sees only theirs.
    expect(rows(await spending(other, '2026-05-01', '2026-05-31'))).toEqual([
      ['Theirs', '7700 USD', '1'],
      ['-', '3300 USD', '1'],
    ]);
  });

  test('only the base currency counts: other currencies are listed, sorted, never converted', async () => {
    const userId = await registerUser(h);
    await updateProfile(h, userId, { baseCurrency: 'EUR' });
    const food = await createCategory(h, userId, 'Food');
    await recordTransaction(h, userId, '12.50', '2026-06-01', { categoryId: food.id, currency: 'EUR' });
    await recordTransaction(h, userId, '100.00', '2026-06-02', { categoryId: food.id, currency: 'USD' });
    await recordTransaction(h, userId, '5000', '2026-06-03', { currency: 'JPY' });
    await recordTransaction(h, userId, '3.00', '2026-06-03', { currency: 'USD' });
    // Income in another currency is not an expense: not listed.
    await recordTransaction(h, userId, '9.00', '2026-06-03', { currency: 'GBP', transactionType: INCOME });

    const r = await spending(userId, '2026-06-01', '2026-06-30');

    expect(r.currency).toBe('EUR');
    expect(rows(r)).toEqual([['Food', '1250 EUR', '1']]);
    expect(r.total).toEqual({ minorUnits: '1250', currency: 'EUR' });
    expect(r.excludedCurrencies).toEqual(['JPY', 'USD']);
  });

  test('a deleted category: its expenses become uncategorized (the ledger moves them), and its name is gone', async () => {
    const userId = await registerUser(h);
    const temp = await createCategory(h, userId, 'Temporary');
    await recordTransaction(h, userId, '5.00', '2026-07-01', { categoryId: temp.id });
    await h.ledgerClient.deleteCategory({ userId, id: temp.id });
    expect((await spending(userId, '2026-07-01', '2026-07-31')).items).toEqual([{ total: { minorUnits: '500', currency: 'USD' }, count: '1' }]);
  });

  test('many categories: names come from every page of the ledger\'s list', async () => {
    const userId = await registerUser(h);
    // More than one page of 200.
    const categories = [];
    for (let i = 0; i < 205; i++) categories.push(await createCategory(h, userId, `C${String(i).padStart(3, '0')}`));
    const last = categories[categories.length - 1]!;
    await recordTransaction(h, userId, '1.00', '2026-08-01', { categoryId: last.id });
    await recordTransaction(h, userId, '2.00', '2026-08-01', { categoryId: categories[0]!.id });
    expect(rows(await spending(userId, '2026-08-01', '2026-08-01'))).toEqual([
      ['C000', '200 USD', '1'],
      ['C204', '100 USD', '1'],
    ]);
  });

  test('nothing spent: no items and a zero total in the base currency', async () => {
    const userId = await registerUser(h);
    expect(await spending(userId, '2026-01-01', '2026-12-31')).toEqual({
      from: date('2026-01-01'),
      to: date('2026-12-31'),
      currency: 'USD',
      total: { minorUnits: '0', currency: 'USD' },
      items: [],
      excludedCurrencies: [],
    });
  });

  test('no range cap for spending: all of years 1 to 9999 is one answer per category', async () => {
    const userId = await registerUser(h);
    await recordTransaction(h, userId, '1.00', '2026-08-01');
    expect((await spending(userId, '0001-01-01', '9999-12-31')).total).toEqual({ minorUnits: '100', currency: 'USD' });
  });
});

describe('bad input is INVALID_ARGUMENT (422) with field errors, before anyone else is asked', () => {
  const invalid = { status: status.INVALID_ARGUMENT, httpStatus: 422, code: 'REPORTING_INVALID_FIELDS' };

  test('from after to', async () => {
    const userId = await registerUser(h);
    expect(await rejected(spending(userId, '2026-03-02', '2026-03-01'))).toMatchObject({ ...invalid, errors: [{ path: 'from', message: 'must not be after to' }] });
  });

  test('missing dates, both named at once', async () => {
    const userId = await registerUser(h);
    expect(await rejected(h.client.getSpending({ userId, from: undefined, to: undefined }))).toMatchObject({
      ...invalid,
      errors: [
        { path: 'from', message: 'is required (YYYY-MM-DD)' },
        { path: 'to', message: 'is required (YYYY-MM-DD)' },
      ],
    });
  });

  test('impossible dates', async () => {
    const userId = await registerUser(h);
    expect(await rejected(h.client.getSpending({ userId, from: date('2026-02-29'), to: { year: 10000, month: 1, day: 1 } }))).toMatchObject({
      ...invalid,
      errors: [{ path: 'from' }, { path: 'to' }],
    });
  });

  test('a user id that is not a uuid, with the other problems', async () => {
    expect(await rejected(h.client.getSpending({ userId: 'me', ...range('2026-01-01', '2026-01-01') }))).toMatchObject({
      ...invalid,
      errors: [{ path: 'user_id' }],
    });
    expect(await rejected(h.client.getSpending({ userId: "x'--", from: undefined, to: undefined }))).toMatchObject({
      errors: [{ path: 'user_id' }, { path: 'from' }, { path: 'to' }],
    });
  });

  test('a user auth does not know is UNAUTHENTICATED (401), not an empty report', async () => {
    expect(await rejected(spending(randomUUID(), '2026-01-01', '2026-01-31'))).toMatchObject({
      status: status.UNAUTHENTICATED,
      httpStatus: 401,
      code: 'REPORTING_USER_NOT_FOUND',
    });
  });
});
