import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createCategory, date, EXPENSE, INCOME, newTransaction, registerUser, rejected, startLedgerHarness, SumGrouping, type LedgerHarness } from './helpers.js';

let h: LedgerHarness;

beforeAll(async () => {
  h = await startLedgerHarness();
});

afterAll(async () => {
  await h?.close();
});

const range = { from: date('2026-01-01'), to: date('2026-12-31') };
const row = (r: { transactionType: number; categoryId?: string | undefined; periodStart?: unknown; total?: { minorUnits: string; currency: string } | undefined; count: string }) => ({
  type: r.transactionType === INCOME ? 'income' : 'expense',
  category: r.categoryId ?? null,
  period: r.periodStart ? `${(r.periodStart as { year: number }).year}-${String((r.periodStart as { month: number }).month).padStart(2, '0')}-${String((r.periodStart as { day: number }).day).padStart(2, '0')}` : null,
  total: `${r.total!.minorUnits} ${r.total!.currency}`,
  count: r.count,
});

describe('SumTransactions', () => {
  test('by category: exact totals per type and currency, uncategorized without a category, other users excluded', async () => {
    const userId = registerUser(h);
    const other = registerUser(h);
    const food = await createCategory(h, userId, 'Food');
    const rent = await createCategory(h, userId, 'Rent');
    const add = (amount: string, extra: object = {}) => h.client.createTransaction(newTransaction(userId, { amount, date: date('2026-02-10'), ...extra }));
    for (let i = 0; i < 3; i++) await add('0.10', { categoryId: food.id });
    await add('1000.00', { categoryId: rent.id });
    await add('5.00', { categoryId: food.id, currency: 'EUR' });
    await add('2.50');
    await add('3000.00', { transactionType: INCOME });
    await add('1.00', { categoryId: food.id, date: date('2025-12-31') }); // outside the range
    await h.client.createTransaction(newTransaction(other, { amount: '99.00', date: date('2026-02-10') }));

    const { rows } = await h.client.sumTransactions({ userId, ...range, transactionType: 0, grouping: SumGrouping.SUM_GROUPING_CATEGORY, categoryIds: [], currencies: [] });
    expect(rows.map(row).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))).toEqual(
      [
        { type: 'expense', category: food.id, period: null, total: '30 USD', count: '3' },
        { type: 'expense', category: food.id, period: null, total: '500 EUR', count: '1' },
        { type: 'expense', category: rent.id, period: null, total: '100000 USD', count: '1' },
        { type: 'expense', category: null, period: null, total: '250 USD', count: '1' },
        { type: 'income', category: null, period: null, total: '300000 USD', count: '1' },
      ].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
    );

    const onlyFood = await h.client.sumTransactions({ userId, ...range, transactionType: EXPENSE, grouping: SumGrouping.SUM_GROUPING_CATEGORY, categoryIds: [food.id], currencies: [] });
    expect(onlyFood.rows.map(row)).toEqual(
      expect.arrayContaining([
        { type: 'expense', category: food.id, period: null, total: '30 USD', count: '3' },
        { type: 'expense', category: food.id, period: null, total: '500 EUR', count: '1' },
      ]),
    );
    expect(onlyFood.rows).toHaveLength(2);
  });

  test('by month, week, day and year: periods start on the 1st, on Mondays, on Jan 1st; the range is inclusive', async () => {
    const userId = registerUser(h);
    const add = (d: string, amount: string, type = EXPENSE) => h.client.createTransaction(newTransaction(userId, { amount, date: date(d), transactionType: type }));
    await add('2026-03-01', '0.10'); // a Sunday: its week starts Monday 2026-02-23
    await add('2026-03-02', '0.10'); // a Monday
    await add('2026-03-31', '0.10');
    await add('2026-04-01', '7.00');
    await add('2026-04-01', '100.00', INCOME);
    await add('2026-02-28', '1.00'); // outside [03-01, 04-01]
    await add('2026-04-02', '1.00'); // outside

    const sum = async (grouping: number) =>
      (await h.client.sumTransactions({ userId, from: date('2026-03-01'), to: date('2026-04-01'), transactionType: 0, grouping, categoryIds: [], currencies: [] })).rows.map(row);

    expect(await sum(SumGrouping.SUM_GROUPING_MONTH)).toEqual([
      { type: 'expense', category: null, period: '2026-03-01', total: '30 USD', count: '3' },
      { type: 'expense', category: null, period: '2026-04-01', total: '700 USD', count: '1' },
      { type: 'income', category: null, period: '2026-04-01', total: '10000 USD', count: '1' },
    ]);
    expect(await sum(SumGrouping.SUM_GROUPING_WEEK)).toEqual([
      { type: 'expense', category: null, period: '2026-02-23', total: '10 USD', count: '1' },
      { type: 'expense', category: null, period: '2026-03-02', total: '10 USD', count: '1' },
      { type: 'expense', category: null, period: '2026-03-30', total: '710 USD', count: '2' },
      { type: 'income', category: null, period: '2026-03-30', total: '10000 USD', count: '1' },
    ]);
    expect((await sum(SumGrouping.SUM_GROUPING_DAY)).map((r) => r.period)).toEqual(['2026-03-01', '2026-03-02', '2026-03-31', '2026-04-01', '2026-04-01']);
    expect(await sum(SumGrouping.SUM_GROUPING_YEAR)).toEqual([
      { type: 'expense', category: null, period: '2026-01-01', total: '730 USD', count: '4' },
      { type: 'income', category: null, period: '2026-01-01', total: '10000 USD', count: '1' },
    ]);
    const incomeOnly = await h.client.sumTransactions({ userId, ...range, transactionType: INCOME, grouping: SumGrouping.SUM_GROUPING_YEAR, categoryIds: [], currencies: [] });
    expect(incomeOnly.rows.map(row)).toEqual([{ type: 'income', category: null, period: '2026-01-01', total: '10000 USD', count: '1' }]);
  });

  test('by day and category: one row per day, category, type and currency, both set; ordered by day, uncategorized first', async () => {
    const userId = registerUser(h);
    const food = await createCategory(h, userId, 'Food');
    const add = (d: string, amount: string, extra: object = {}) => h.client.createTransaction(newTransaction(userId, { amount, date: date(d), ...extra }));
    await add('2026-03-02', '1.00', { categoryId: food.id });
    await add('2026-03-02', '2.00', { categoryId: food.id });
    await add('2026-03-02', '100.00', { categoryId: food.id, currency: 'EUR' });
    await add('2026-03-02', '4.00');
    await add('2026-03-03', '8', { categoryId: food.id, currency: 'JPY' });
    await add('2026-03-03', '50.00', { transactionType: INCOME });
    await add('2026-03-04', '9.00', { categoryId: food.id }); // outside [03-02, 03-03]

    const sum = async (transactionType: number, categoryIds: string[] = []) =>
      (await h.client.sumTransactions({ userId, from: date('2026-03-02'), to: date('2026-03-03'), transactionType, grouping: SumGrouping.SUM_GROUPING_DAY_CATEGORY, categoryIds, currencies: [] })).rows.map(row);

    expect(await sum(0)).toEqual([
      { type: 'expense', category: null, period: '2026-03-02', total: '400 USD', count: '1' },
      { type: 'expense', category: food.id, period: '2026-03-02', total: '10000 EUR', count: '1' },
      { type: 'expense', category: food.id, period: '2026-03-02', total: '300 USD', count: '2' },
      { type: 'income', category: null, period: '2026-03-03', total: '5000 USD', count: '1' },
      { type: 'expense', category: food.id, period: '2026-03-03', total: '8 JPY', count: '1' },
    ]);
    expect(await sum(EXPENSE, [food.id])).toEqual([
      { type: 'expense', category: food.id, period: '2026-03-02', total: '10000 EUR', count: '1' },
      { type: 'expense', category: food.id, period: '2026-03-02', total: '300 USD', count: '2' },
      { type: 'expense', category: food.id, period: '2026-03-03', total: '8 JPY', count: '1' },
    ]);
  });

  test('restricted to currencies: only rows in those, in any grouping; empty = every currency', async () => {
    const userId = registerUser(h);
    const food = await createCategory(h, userId, 'Food');
    const add = (d: string, amount: string, extra: object = {}) => h.client.createTransaction(newTransaction(userId, { amount, date: date(d), ...extra }));
    await add('2026-03-02', '1.00', { categoryId: food.id });
    await add('2026-03-02', '100.00', { categoryId: food.id, currency: 'EUR' });
    await add('2026-03-03', '2.00', { currency: 'EUR' });
    await add('2026-03-03', '8', { categoryId: food.id, currency: 'JPY' });
    await add('2026-03-03', '5.00', { currency: 'GBP' });
    await add('2026-03-03', '50.00', { transactionType: INCOME, currency: 'EUR' });

    const sum = async (grouping: number, currencies: string[], transactionType = EXPENSE) =>
      (await h.client.sumTransactions({ userId, from: date('2026-03-02'), to: date('2026-03-03'), transactionType, grouping, categoryIds: [], currencies })).rows.map(row);

    expect(await sum(SumGrouping.SUM_GROUPING_DAY_CATEGORY, ['JPY', 'EUR', 'EUR'])).toEqual([
      { type: 'expense', category: food.id, period: '2026-03-02', total: '10000 EUR', count: '1' },
      { type: 'expense', category: null, period: '2026-03-03', total: '200 EUR', count: '1' },
      { type: 'expense', category: food.id, period: '2026-03-03', total: '8 JPY', count: '1' },
    ]);
    expect(await sum(SumGrouping.SUM_GROUPING_DAY, ['EUR'], 0)).toEqual([
      { type: 'expense', category: null, period: '2026-03-02', total: '10000 EUR', count: '1' },
      { type: 'expense', category: null, period: '2026-03-03', total: '200 EUR', count: '1' },
      { type: 'income', category: null, period: '2026-03-03', total: '5000 EUR', count: '1' },
    ]);
    expect(await sum(SumGrouping.SUM_GROUPING_CATEGORY, ['USD'])).toEqual([{ type: 'expense', category: food.id, period: null, total: '100 USD', count: '1' }]);
    // A currency nobody used matches nothing; none named is every currency.
    expect(await sum(SumGrouping.SUM_GROUPING_MONTH, ['CHF'])).toEqual([]);
    expect((await sum(SumGrouping.SUM_GROUPING_MONTH, [])).map((r) => r.total).sort()).toEqual(['100 USD', '10200 EUR', '500 GBP', '8 JPY']);
  });

  test('an empty range or a user without transactions sums to no rows', async () => {
    const userId = registerUser(h);
    const { rows } = await h.client.sumTransactions({ userId, ...range, transactionType: 0, grouping: SumGrouping.SUM_GROUPING_MONTH, categoryIds: [], currencies: [] });
    expect(rows).toEqual([]);
  });

  test('totals beyond int64 are refused, never wrapped', async () => {
    const userId = registerUser(h);
    // 10 × ~10^18 fils: each fits a bigint, their sum does not.
    await Promise.all(Array.from({ length: 10 }, () => h.client.createTransaction(newTransaction(userId, { amount: '999999999999999.999', currency: 'KWD' }))));
    expect(await rejected(h.client.sumTransactions({ userId, ...range, transactionType: 0, grouping: SumGrouping.SUM_GROUPING_DAY, categoryIds: [], currencies: [] }))).toMatchObject({
      httpStatus: 409,
      code: 'LEDGER_SUM_TOO_LARGE',
    });
  });

  test.each([
    ['no from', 'from', { from: undefined }],
    ['no to', 'to', { to: undefined }],
    ['from after to', 'from', { from: date('2026-02-01'), to: date('2026-01-31') }],
    ['an impossible date', 'to', { to: date('2026-02-29') }],
    ['no grouping', 'grouping', { grouping: 0 }],
    ['an unknown grouping', 'grouping', { grouping: 42 }],
    ['a malformed category id', 'category_ids', { categoryIds: ['food'] }],
    ['a currency in lower case', 'currencies', { currencies: ['EUR', 'usd'] }],
    ['a currency that is no code', 'currencies', { currencies: ['EURO'] }],
  ])('%s → 422 on path %s', async (_, path, overrides) => {
    const userId = registerUser(h);
    expect(
      await rejected(h.client.sumTransactions({ userId, ...range, transactionType: 0, grouping: SumGrouping.SUM_GROUPING_MONTH, categoryIds: [], currencies: [], ...overrides })),
    ).toMatchObject({ httpStatus: 422, errors: [{ path }] });
  });

  test("another user's category ids simply match nothing", async () => {
    const owner = registerUser(h);
    const stranger = registerUser(h);
    const category = await createCategory(h, owner);
    await h.client.createTransaction(newTransaction(owner, { categoryId: category.id }));
    const { rows } = await h.client.sumTransactions({ userId: stranger, ...range, transactionType: 0, grouping: SumGrouping.SUM_GROUPING_CATEGORY, categoryIds: [category.id, randomUUID()], currencies: [] });
    expect(rows).toEqual([]);
  });
});
