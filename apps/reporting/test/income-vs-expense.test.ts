import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { reportingV1 } from '@finance/proto';
import { waitFor } from '@finance/testing';
import { INCOME, Interval, iso, minor, range, recordTransaction, registerUser, rejected, startReportingHarness, updateProfile, type ReportingHarness } from './helpers.js';

let h: ReportingHarness;

beforeAll(async () => {
  h = await startReportingHarness();
});

afterAll(async () => {
  await h?.close();
});

const { INTERVAL_DAY: DAY, INTERVAL_WEEK: WEEK, INTERVAL_MONTH: MONTH, INTERVAL_YEAR: YEAR, INTERVAL_UNSPECIFIED: UNSPECIFIED } = Interval;

const report = (userId: string, from: string, to: string, interval: reportingV1.Interval) => h.client.getIncomeVsExpense({ userId, ...range(from, to), interval });
/** Items as [period_start, period_end, income, expense, net] (minor units). */
const rows = (r: reportingV1.GetIncomeVsExpenseResponse) =>
  r.items.map((i) => [iso(i.periodStart), iso(i.periodEnd), i.income!.minorUnits, i.expense!.minorUnits, i.net!.minorUnits]);
const income = (userId: string, amount: string, day: string, extra = {}) => recordTransaction(h, userId, amount, day, { transactionType: INCOME, ...extra });

describe('GetIncomeVsExpense', () => {
  test('monthly: one item per month overlapping the range, zeros included; net may be negative; totals', async () => {
    const userId = await registerUser(h);
    await income(userId, '3000.00', '2026-01-25');
    await recordTransaction(h, userId, '0.10', '2026-01-03');
    await recordTransaction(h, userId, '0.10', '2026-01-04');
    await recordTransaction(h, userId, '0.10', '2026-01-05');
    await recordTransaction(h, userId, '45.00', '2026-03-31');

    const r = await report(userId, '2026-01-01', '2026-04-30', MONTH);

    expect(rows(r)).toEqual([
      ['2026-01-01', '2026-01-31', '300000', '30', '299970'],
      ['2026-02-01', '2026-02-28', '0', '0', '0'],
      ['2026-03-01', '2026-03-31', '0', '4500', '-4500'],
      ['2026-04-01', '2026-04-30', '0', '0', '0'],
    ]);
    expect(r.totals).toEqual({
      income: { minorUnits: '300000', currency: 'USD' },
      expense: { minorUnits: '4530', currency: 'USD' },
      net: { minorUnits: '295470', currency: 'USD' },
    });
    expect({ currency: r.currency, interval: r.interval, excluded: r.excludedCurrencies }).toEqual({ currency: 'USD', interval: MONTH, excluded: [] });
  });

  test('an unspecified interval is a month, and the answer says so', async () => {
    const userId = await registerUser(h);
    const r = await report(userId, '2026-02-10', '2026-03-05', UNSPECIFIED);
    expect(r.interval).toBe(MONTH);
    expect(rows(r).map((x) => x[0])).toEqual(['2026-02-01', '2026-03-01']);
  });

  test('weeks start on Monday: Sunday 2026-03-08 and Monday 2026-03-09 are in different weeks; 2026-12-31 is in the week of 2026-12-28', async () => {
    const userId = await registerUser(h);
    await recordTransaction(h, userId, '1.00', '2026-03-08');
    await recordTransaction(h, userId, '2.00', '2026-03-09');
    expect(rows(await report(userId, '2026-03-05', '2026-03-16', WEEK))).toEqual([
      ['2026-03-02', '2026-03-08', '0', '100', '-100'],
      ['2026-03-09', '2026-03-15', '0', '200', '-200'],
      ['2026-03-16', '2026-03-22', '0', '0', '0'],
    ]);

    await recordTransaction(h, userId, '4.00', '2026-12-31');
    await recordTransaction(h, userId, '8.00', '2027-01-03');
    expect(rows(await report(userId, '2026-12-31', '2027-01-04', WEEK))).toEqual([
      ['2026-12-28', '2027-01-03', '0', '1200', '-1200'],
      ['2027-01-04', '2027-01-10', '0', '0', '0'],
    ]);
  });

  test('from mid-interval: the first interval starts before `from`, but only transactions from `from` on count (and up to `to`)', async () => {
    const userId = await registerUser(h);
    await recordTransaction(h, userId, '1.00', '2026-03-10');
    await recordTransaction(h, userId, '2.00', '2026-03-15');
    await recordTransaction(h, userId, '4.00', '2026-03-20');
    await recordTransaction(h, userId, '8.00', '2026-03-21');
    await income(userId, '16.00', '2026-03-14');

    const r = await report(userId, '2026-03-15', '2026-03-20', MONTH);

    expect(rows(r)).toEqual([['2026-03-01', '2026-03-31', '0', '600', '-600']]);
    expect(minor(r.totals!.expense)).toBe('600 USD');
  });

  test('daily and yearly', async () => {
    const userId = await registerUser(h);
    await recordTransaction(h, userId, '1.00', '2028-02-29');
    await income(userId, '5.00', '2028-03-01');
    expect(rows(await report(userId, '2028-02-28', '2028-03-01', DAY))).toEqual([
      ['2028-02-28', '2028-02-28', '0', '0', '0'],
      ['2028-02-29', '2028-02-29', '0', '100', '-100'],
      ['2028-03-01', '2028-03-01', '500', '0', '500'],
    ]);
    expect(rows(await report(userId, '2027-06-01', '2028-06-01', YEAR))).toEqual([
      ['2027-01-01', '2027-12-31', '0', '0', '0'],
      ['2028-01-01', '2028-12-31', '500', '100', '400'],
    ]);
  });

  test("other currencies are excluded and listed; another user's transactions never count", async () => {
    const userId = await registerUser(h);
    const other = await registerUser(h);
    await updateProfile(h, userId, { baseCurrency: 'GBP' });
    await income(userId, '10.00', '2026-05-02', { currency: 'GBP' });
    await income(userId, '99.00', '2026-05-02', { currency: 'USD' });
    await recordTransaction(h, userId, '1000', '2026-05-03', { currency: 'JPY' });
    await recordTransaction(h, other, '7.00', '2026-05-03', { currency: 'GBP' });
    await income(other, '7.00', '2026-05-03', { currency: 'GBP' });

    const r = await report(userId, '2026-05-01', '2026-05-31', MONTH);

    expect(r.currency).toBe('GBP');
    expect(rows(r)).toEqual([['2026-05-01', '2026-05-31', '1000', '0', '1000']]);
    expect(r.excludedCurrencies).toEqual(['JPY', 'USD']);
  });
});

describe('bad input is INVALID_ARGUMENT (422), before anyone else is asked', () => {
  const invalid = { status: status.INVALID_ARGUMENT, httpStatus: 422 };

  test('from after to, missing dates, an interval that is none of the four', async () => {
    const userId = await registerUser(h);
    expect(await rejected(report(userId, '2026-03-02', '2026-03-01', DAY))).toMatchObject({ ...invalid, code: 'REPORTING_INVALID_FIELDS', errors: [{ path: 'from' }] });
    expect(await rejected(h.client.getIncomeVsExpense({ userId, from: undefined, to: undefined, interval: 99 as reportingV1.Interval }))).toMatchObject({
      ...invalid,
      code: 'REPORTING_INVALID_FIELDS',
      errors: [
        { path: 'from', message: 'is required (YYYY-MM-DD)' },
        { path: 'to', message: 'is required (YYYY-MM-DD)' },
        { path: 'interval', message: 'must be one of day, week, month, year' },
      ],
    });
  });

  test('ten years daily is refused with the count, the limit and a longer interval, even with auth and the ledger away', async () => {
    const userId = await registerUser(h);
    h.authProxy.cut();
    h.ledgerProxy.cut();
    try {
      const refusal = await rejected(report(userId, '2026-01-01', '2035-12-31', DAY));
      expect(refusal).toMatchObject({ ...invalid, code: 'REPORTING_TOO_MANY_INTERVALS', errors: [{ path: 'interval' }] });
      expect(refusal.detail).toBe(
        '2026-01-01 to 2035-12-31 spans 3,652 daily intervals, more than the 1,000 one report may have: choose a longer interval (week: 523 intervals) or a shorter range.',
      );
    } finally {
      h.authProxy.restore();
      h.ledgerProxy.restore();
    }
    await waitFor(() => report(userId, '2026-01-01', '2026-01-31', MONTH), { timeoutMs: 10_000, message: 'auth and the ledger to be reachable again' });
  });

  test('1,000 intervals are answered, 1,001 are not', async () => {
    const userId = await registerUser(h);
    // 2026-01-01 + 999 days = 2028-09-26.
    expect((await report(userId, '2026-01-01', '2028-09-26', DAY)).items).toHaveLength(1000);
    expect(await rejected(report(userId, '2026-01-01', '2028-09-27', DAY))).toMatchObject({ code: 'REPORTING_TOO_MANY_INTERVALS' });
  });
});
