import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { stubError } from '@finance/testing';
import {
  BudgetPeriod,
  BudgetStatus,
  BY_DAY,
  createBudget,
  createCategory,
  date,
  EXPENSE,
  iso,
  minor,
  registerUser,
  rejected,
  scriptLedger,
  spend,
  startBudgetingHarness,
  updateProfile,
  type BudgetingHarness,
} from './helpers.js';

// The ledger is a stub here: spend() records an expense where its SumTransactions sums it (one row
// per day and currency). That budgeting asks it for expenses only, by day, of the budget's category
// and span, is asserted on the requests; that the real ledger sums what the user recorded is
// e2e's (budgets.e2e.test.ts).

let h: BudgetingHarness;

beforeAll(async () => {
  h = await startBudgetingHarness();
});

afterEach(() => {
  expect(h.auth.unscripted).toEqual([]);
  expect(h.ledger.unscripted).toEqual([]);
  expect(h.currency.unscripted).toEqual([]);
});

afterAll(async () => {
  await h?.close();
});

const { BUDGET_STATUS_UNDER: UNDER, BUDGET_STATUS_OVER: OVER } = BudgetStatus;
const DAILY = BudgetPeriod.BUDGET_PERIOD_DAILY;

async function analysisOn(userId: string, id: string, day: string) {
  return (await h.client.getBudget({ userId, id, date: date(day) })).analysis;
}

const historyOf = (a: Awaited<ReturnType<typeof analysisOn>>) =>
  a!.history.map((p) => ({ from: iso(p.periodStart), to: iso(p.periodEnd), spent: minor(p.spent), status: p.status }));

describe('GetBudget analysis', () => {
  test('spent is the exact sum of the period’s expenses, every currency converted into the budget’s at its day’s rate; other users and other periods are not counted; only expenses are asked for', async () => {
    const userId = registerUser(h);
    const other = registerUser(h);
    const budget = await createBudget(h, userId, { amount: '1.00', startDate: date('2026-01-01') });
    for (const day of ['2026-03-01', '2026-03-10', '2026-03-31']) spend(h, userId, '0.10', day); // the period's first, asked and last day
    spend(h, userId, '5.00', '2026-03-05', { currency: 'EUR' }); // × 1.1618 = 5.809 → 5.81 USD
    spend(h, userId, '300', '2026-03-06', { currency: 'JPY' }); // / 182.57 × 1.1561 = 1.8997… → 1.90 USD
    spend(h, userId, '0.25', '2026-02-28');
    spend(h, userId, '7.00', '2026-04-01');
    spend(h, userId, '9.00', '2026-01-20', { currency: 'GBP' }); // history: / 0.8722 × 1.1728 = 12.1018… → 12.10 USD
    spend(h, other, '9.99', '2026-03-05');

    const analysis = await analysisOn(userId, budget.id, '2026-03-10');

    // One call covers the period and its history: expenses only, by day, every category and currency.
    expect(h.ledger.lastRequest('sumTransactions')).toEqual({
      userId,
      from: date('2026-01-01'),
      to: date('2026-03-31'),
      transactionType: EXPENSE,
      grouping: BY_DAY,
      categoryIds: [],
      currencies: [],
    });
    expect(analysis).toEqual({
      periodStart: date('2026-03-01'),
      periodEnd: date('2026-03-31'),
      spent: { minorUnits: '801', currency: 'USD' }, // 0.30 + 5.81 + 1.90
      remaining: { minorUnits: '-701', currency: 'USD' },
      percentUsed: '801.00',
      status: OVER,
      dailyAverage: { minorUnits: '80', currency: 'USD' }, // 8.01 over 10 days
      projectedSpend: { minorUnits: '2480', currency: 'USD' }, // 0.80 × 31
      daysInPeriod: 31,
      daysElapsed: 10,
      history: [
        { periodStart: date('2026-02-01'), periodEnd: date('2026-02-28'), spent: { minorUnits: '25', currency: 'USD' }, status: UNDER },
        { periodStart: date('2026-01-01'), periodEnd: date('2026-01-31'), spent: { minorUnits: '1210', currency: 'USD' }, status: OVER },
      ],
      excludedCurrencies: [],
    });
  });

  test('spending the amount exactly is under; one cent more is over, with a negative remaining', async () => {
    const userId = registerUser(h);
    const budget = await createBudget(h, userId, { amount: '0.30', startDate: date('2026-03-01') });
    for (let i = 0; i < 3; i++) spend(h, userId, '0.10', '2026-03-02');
    expect(await analysisOn(userId, budget.id, '2026-03-02')).toMatchObject({ spent: { minorUnits: '30' }, remaining: { minorUnits: '0' }, percentUsed: '100.00', status: UNDER });
    spend(h, userId, '0.01', '2026-03-03');
    expect(await analysisOn(userId, budget.id, '2026-03-03')).toMatchObject({ spent: { minorUnits: '31' }, remaining: { minorUnits: '-1' }, percentUsed: '103.33', status: OVER });
  });

  test('a category budget counts only that category; an all-expenses budget counts every expense, uncategorized included', async () => {
    const userId = registerUser(h);
    const food = createCategory(h, userId, 'Food');
    const rent = createCategory(h, userId, 'Rent');
    const foodBudget = await createBudget(h, userId, { amount: '100.00', startDate: date('2026-03-01'), categoryId: food.id });
    const allBudget = await createBudget(h, userId, { amount: '100.00', startDate: date('2026-03-01') });
    spend(h, userId, '12.34', '2026-03-02', { categoryId: food.id });
    spend(h, userId, '0.66', '2026-03-03', { categoryId: food.id });
    spend(h, userId, '50.00', '2026-03-02', { categoryId: rent.id });
    spend(h, userId, '1.00', '2026-03-02');

    expect(minor((await analysisOn(userId, foodBudget.id, '2026-03-05'))!.spent)).toBe('1300 USD');
    expect(h.ledger.lastRequest('sumTransactions')).toMatchObject({ userId, transactionType: EXPENSE, grouping: BY_DAY, categoryIds: [food.id] });
    expect(minor((await analysisOn(userId, allBudget.id, '2026-03-05'))!.spent)).toBe('6400 USD');
    expect(h.ledger.lastRequest('sumTransactions')).toMatchObject({ userId, transactionType: EXPENSE, grouping: BY_DAY, categoryIds: [] });
  });

  test('a spending total the ledger cannot sum (beyond int64) is a 409 BUDGETING_SUM_TOO_LARGE, not a 500', async () => {
    const userId = registerUser(h);
    const budget = await createBudget(h, userId, { startDate: date('2026-03-01') });
    h.ledger.fail('sumTransactions', stubError('failed_precondition', 'LEDGER_SUM_TOO_LARGE', 'The sum is too large.'));
    try {
      expect(await rejected(h.client.getBudget({ userId, id: budget.id, date: date('2026-03-05') }))).toMatchObject({
        httpStatus: 409,
        code: 'BUDGETING_SUM_TOO_LARGE',
      });
    } finally {
      scriptLedger(h);
    }
  });

  test('a monthly budget anchored on the 31st picks the right period for a date', async () => {
    const userId = registerUser(h);
    const budget = await createBudget(h, userId, { amount: '10.00', startDate: date('2026-01-31') });
    spend(h, userId, '1.00', '2026-02-27');
    spend(h, userId, '2.00', '2026-02-28');
    spend(h, userId, '3.00', '2026-03-30');
    spend(h, userId, '4.00', '2026-03-31');

    const cases: [string, string, string, string][] = [
      ['2026-01-31', '2026-01-31', '2026-02-27', '100 USD'],
      ['2026-02-27', '2026-01-31', '2026-02-27', '100 USD'],
      ['2026-02-28', '2026-02-28', '2026-03-30', '500 USD'],
      ['2026-03-15', '2026-02-28', '2026-03-30', '500 USD'],
      ['2026-03-31', '2026-03-31', '2026-04-29', '400 USD'],
    ];
    for (const [day, from, to, spent] of cases) {
      const a = await analysisOn(userId, budget.id, day);
      expect({ day, from: iso(a!.periodStart), to: iso(a!.periodEnd), spent: minor(a!.spent) }).toEqual({ day, from, to, spent });
    }
    expect(historyOf(await analysisOn(userId, budget.id, '2026-04-01'))).toEqual([
      { from: '2026-02-28', to: '2026-03-30', spent: '500 USD', status: UNDER },
      { from: '2026-01-31', to: '2026-02-27', spent: '100 USD', status: UNDER },
    ]);
  });

  test('history: the six previous periods, newest first, each with its spending and status', async () => {
    const userId = registerUser(h);
    const budget = await createBudget(h, userId, { amount: '10.00', period: DAILY, startDate: date('2026-03-01') });
    spend(h, userId, '10.01', '2026-03-09');
    spend(h, userId, '10.00', '2026-03-08');
    spend(h, userId, '0.05', '2026-03-04');
    spend(h, userId, '99.00', '2026-03-03'); // seven periods back: not in the history
    spend(h, userId, '1.00', '2026-03-10');

    const analysis = await analysisOn(userId, budget.id, '2026-03-10');
    expect(minor(analysis!.spent)).toBe('100 USD');
    expect(historyOf(analysis)).toEqual([
      { from: '2026-03-09', to: '2026-03-09', spent: '1001 USD', status: OVER },
      { from: '2026-03-08', to: '2026-03-08', spent: '1000 USD', status: UNDER },
      { from: '2026-03-07', to: '2026-03-07', spent: '0 USD', status: UNDER },
      { from: '2026-03-06', to: '2026-03-06', spent: '0 USD', status: UNDER },
      { from: '2026-03-05', to: '2026-03-05', spent: '0 USD', status: UNDER },
      { from: '2026-03-04', to: '2026-03-04', spent: '5 USD', status: UNDER },
    ]);
    // The second period has only one before it.
    expect(historyOf(await analysisOn(userId, budget.id, '2026-03-02'))).toEqual([{ from: '2026-03-01', to: '2026-03-01', spent: '0 USD', status: UNDER }]);
  });

  test('no analysis before start_date or after end_date; the last period is cut at end_date', async () => {
    const userId = registerUser(h);
    const budget = await createBudget(h, userId, { amount: '10.00', startDate: date('2026-03-15'), endDate: date('2026-05-01') });
    expect(await analysisOn(userId, budget.id, '2026-03-14')).toBeUndefined();
    expect(await analysisOn(userId, budget.id, '2026-05-02')).toBeUndefined();
    expect(await analysisOn(userId, budget.id, '2026-05-01')).toMatchObject({ periodStart: date('2026-04-15'), periodEnd: date('2026-05-01'), daysInPeriod: 17, daysElapsed: 17 });
  });

  test('a JPY budget is counted and rounded in whole yen', async () => {
    const userId = registerUser(h);
    const budget = await createBudget(h, userId, { amount: '10000', currency: 'JPY', startDate: date('2026-03-01') });
    spend(h, userId, '3333', '2026-03-01', { currency: 'JPY' });
    // Sunday 2026-03-01 uses Friday 02-27: 1.00 USD / 1.1805 × 184.13 = 155.97… → 156 JPY
    spend(h, userId, '1.00', '2026-03-01');
    expect(await analysisOn(userId, budget.id, '2026-03-02')).toMatchObject({
      spent: { minorUnits: '3489', currency: 'JPY' },
      remaining: { minorUnits: '6511', currency: 'JPY' },
      percentUsed: '34.89',
      dailyAverage: { minorUnits: '1744', currency: 'JPY' }, // 1744.5, half-even
      projectedSpend: { minorUnits: '54064', currency: 'JPY' },
      excludedCurrencies: [],
    });
  });

  test('a GBP budget counts a USD expense at its date’s rate, rounded once per (day, currency)', async () => {
    const userId = registerUser(h);
    const budget = await createBudget(h, userId, { amount: '100.00', currency: 'GBP', startDate: date('2026-03-01') });
    // 20.00 USD / 1.1698 × 0.8739 = 14.9410… → 14.94 GBP (2026-03-02); 100.00 USD / 1.1649 × 0.8705 = 74.7274… → 74.73 GBP (03-04)
    spend(h, userId, '15.00', '2026-03-02');
    spend(h, userId, '5.00', '2026-03-02');
    spend(h, userId, '100.00', '2026-03-04');
    spend(h, userId, '1.00', '2026-03-04', { currency: 'GBP' });
    expect(await analysisOn(userId, budget.id, '2026-03-04')).toMatchObject({
      spent: { minorUnits: '9067', currency: 'GBP' },
      remaining: { minorUnits: '933', currency: 'GBP' },
      status: UNDER,
      excludedCurrencies: [],
    });
  });

  test('only a currency without a usable rate is left out, and listed: KWD (never published by the ECB)', async () => {
    const userId = registerUser(h);
    const budget = await createBudget(h, userId, { amount: '100.00', currency: 'EUR', startDate: date('2026-03-01') });
    spend(h, userId, '10.000', '2026-03-03', { currency: 'KWD' });
    spend(h, userId, '11.606', '2026-03-03', { currency: 'KWD' });
    spend(h, userId, '11.60', '2026-03-03'); // / 1.1606 = 9.9948… → 9.99 EUR
    expect(await analysisOn(userId, budget.id, '2026-03-03')).toMatchObject({ spent: { minorUnits: '999', currency: 'EUR' }, excludedCurrencies: ['KWD'] });
  });

  test('the currency service unavailable: 503 CURRENCY_UNAVAILABLE (never a spent without the foreign expenses); a budget-currency-only analysis does not ask it', async () => {
    const userId = registerUser(h);
    const budget = await createBudget(h, userId, { amount: '100.00', startDate: date('2026-03-01') });
    spend(h, userId, '1.00', '2026-03-05');
    h.currencyProxy.cut();
    try {
      expect(await analysisOn(userId, budget.id, '2026-03-05')).toMatchObject({ spent: { minorUnits: '100', currency: 'USD' } });
      spend(h, userId, '1.00', '2026-03-07', { currency: 'CHF' }); // a day no other test converts (not cached)
      expect(await rejected(h.client.getBudget({ userId, id: budget.id, date: date('2026-03-05') }))).toMatchObject({ httpStatus: 503, code: 'CURRENCY_UNAVAILABLE' });
    } finally {
      h.currencyProxy.restore();
    }
    // Saturday 03-07 uses Friday 03-06: 1.00 CHF / 0.9045 × 1.1561 = 1.2781… → 1.28 USD
    expect(await analysisOn(userId, budget.id, '2026-03-05')).toMatchObject({ spent: { minorUnits: '228', currency: 'USD' } });
  });

  test('rates are cached: a day converted once asks the currency service nothing more', async () => {
    const userId = registerUser(h);
    const budget = await createBudget(h, userId, { amount: '100.00', startDate: date('2026-04-01') });
    // Days no other test converts (the cache lives as long as the service).
    spend(h, userId, '1.00', '2026-04-13', { currency: 'EUR' });
    spend(h, userId, '1.00', '2026-04-14', { currency: 'EUR' });
    const before = h.currency.callsOf('getRateTable').length;
    for (let i = 0; i < 3; i++) expect(await analysisOn(userId, budget.id, '2026-04-14')).toMatchObject({ spent: { minorUnits: '234', currency: 'USD' } });
    expect(h.currency.callsOf('getRateTable').slice(before).map((c) => iso(c.request.date)).sort()).toEqual(['2026-04-13', '2026-04-14']);
  });
});

describe('GetBudgetStatus', () => {
  test('lists every budget active on the date, and only those, each with its analysis', async () => {
    const userId = registerUser(h);
    const other = registerUser(h);
    const open = await createBudget(h, userId, { name: 'open', startDate: date('2026-01-01') });
    await createBudget(h, userId, { name: 'ended', startDate: date('2026-01-01'), endDate: date('2026-03-09') });
    const endsToday = await createBudget(h, userId, { name: 'ends today', amount: '1.00', startDate: date('2026-03-01'), endDate: date('2026-03-10') });
    await createBudget(h, userId, { name: 'not yet', startDate: date('2026-03-11') });
    const startsToday = await createBudget(h, userId, { name: 'starts today', period: DAILY, startDate: date('2026-03-10') });
    await createBudget(h, other, { name: 'someone else', startDate: date('2026-01-01') });
    spend(h, userId, '1.50', '2026-03-10');

    const { date: answeredFor, items } = await h.client.getBudgetStatus({ userId, date: date('2026-03-10') });

    expect(iso(answeredFor)).toBe('2026-03-10');
    expect(items.map((i) => i.budget!.id)).toEqual([open.id, endsToday.id, startsToday.id]);
    expect(items.map((i) => [i.budget!.name, iso(i.analysis!.periodStart), iso(i.analysis!.periodEnd), minor(i.analysis!.spent), i.analysis!.status])).toEqual([
      ['open', '2026-03-01', '2026-03-31', '150 USD', UNDER],
      ['ends today', '2026-03-01', '2026-03-10', '150 USD', OVER],
      ['starts today', '2026-03-10', '2026-03-10', '150 USD', UNDER],
    ]);
    expect(await h.client.getBudgetStatus({ userId, date: date('2025-12-31') })).toEqual({ date: date('2025-12-31'), items: [] });
  });

  test('many budgets: every one analysed, in creation order', async () => {
    const userId = registerUser(h);
    const ids = [];
    for (let i = 0; i < 20; i++) ids.push((await createBudget(h, userId, { amount: `${i + 1}.00`, startDate: date('2026-03-01') })).id);
    spend(h, userId, '5.00', '2026-03-05');
    const { items } = await h.client.getBudgetStatus({ userId, date: date('2026-03-05') });
    expect(items.map((i) => i.budget!.id)).toEqual(ids);
    expect(items.map((i) => i.analysis!.status)).toEqual(ids.map((_, i) => (i + 1 < 5 ? OVER : UNDER)));
  });
});

describe('"today" is today in the user\'s time zone', () => {
  afterAll(() => h.setNow(undefined));

  test('without a date, the analysis and the status use the local date of the user', async () => {
    h.setNow(new Date('2026-03-31T20:30:00Z')); // already April 1st on Kiritimati (UTC+14)
    const utcUser = registerUser(h);
    const kiritimatiUser = registerUser(h);
    updateProfile(h, kiritimatiUser, { timezone: 'Pacific/Kiritimati' });
    for (const userId of [utcUser, kiritimatiUser]) {
      const daily = await createBudget(h, userId, { period: DAILY, startDate: date('2026-03-01') });
      await createBudget(h, userId, { name: 'april', startDate: date('2026-04-01') });
      const { analysis } = await h.client.getBudget({ userId, id: daily.id, date: undefined });
      const { date: resolved, items } = await h.client.getBudgetStatus({ userId, date: undefined });
      const expected = userId === utcUser ? { today: '2026-03-31', active: 1 } : { today: '2026-04-01', active: 2 };
      expect({ today: iso(analysis!.periodStart), active: items.length }).toEqual(expected);
      // The status says which day it resolved "today" to.
      expect(iso(resolved)).toBe(expected.today);
    }
  });
});
