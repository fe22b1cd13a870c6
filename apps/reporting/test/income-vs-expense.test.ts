import { status } from '@grpc/grpc-js';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { ledgerV1, type reportingV1 } from '@finance/proto';
import { allCalls, Interval, iso, minor, periodRow, range, rejected, startReportingHarness, stubError, type ReportingHarness } from './helpers.js';

// GetIncomeVsExpense against scripted auth, ledger and currency stubs: the intervals reporting lists,
// what it asks the ledger (sums per interval; per day only for the currencies other than the base one), and how it converts and files the ledger's rows. That the real ledger groups days, weeks
// (from Monday), months and years the same way is e2e's (analytics.e2e.test.ts).

let h: ReportingHarness;

beforeAll(async () => {
  h = await startReportingHarness();
});

beforeEach(() => h.reset());

afterEach(() => {
  expect(h.unscripted()).toEqual([]);
});

afterAll(async () => {
  await h?.close();
});

const { INTERVAL_DAY: DAY, INTERVAL_WEEK: WEEK, INTERVAL_MONTH: MONTH, INTERVAL_YEAR: YEAR, INTERVAL_UNSPECIFIED: UNSPECIFIED } = Interval;
const { TransactionType, SumGrouping } = ledgerV1;

const report = (userId: string, from: string, to: string, interval: reportingV1.Interval) => h.client.getIncomeVsExpense({ userId, ...range(from, to), interval });
/** Items as [period_start, period_end, income, expense, net] (minor units). */
const rows = (r: reportingV1.GetIncomeVsExpenseResponse) =>
  r.items.map((i) => [iso(i.periodStart), iso(i.periodEnd), i.income!.minorUnits, i.expense!.minorUnits, i.net!.minorUnits]);
const sums = (...rows: ledgerV1.SumRow[]) => h.ledger.answer('sumTransactions', { rows });
/** What reporting asked the ledger last: [from, to, grouping, transaction type]. */
const asked = () => {
  const r = h.ledger.lastRequest('sumTransactions');
  return [iso(r.from), iso(r.to), r.grouping, r.transactionType];
};

describe('GetIncomeVsExpense', () => {
  test('monthly: one item per month overlapping the range, zeros included; net may be negative; totals', async () => {
    const userId = h.user();
    sums(periodRow('income', '2026-01-01', '300000'), periodRow('expense', '2026-01-01', '30', 'USD', 3), periodRow('expense', '2026-03-01', '4500'));

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
    // Both types at once, per month (all in the base currency: no day is asked), for the caller alone.
    expect(h.ledger.callsOf('sumTransactions').map((c) => c.request)).toEqual([
      {
        userId,
        ...range('2026-01-01', '2026-04-30'),
        transactionType: TransactionType.TRANSACTION_TYPE_UNSPECIFIED,
        grouping: SumGrouping.SUM_GROUPING_MONTH,
        categoryIds: [],
        currencies: [],
      },
    ]);
    expect(h.auth.lastRequest('getUser')).toEqual({ userId });
  });

  test('an unspecified interval is a month, and the answer says so', async () => {
    const userId = h.user();
    sums();
    const r = await report(userId, '2026-02-10', '2026-03-05', UNSPECIFIED);
    expect(r.interval).toBe(MONTH);
    expect(rows(r).map((x) => x[0])).toEqual(['2026-02-01', '2026-03-01']);
    expect(h.ledger.lastRequest('sumTransactions').grouping).toBe(SumGrouping.SUM_GROUPING_MONTH);
  });

  test('weeks start on Monday: Sunday 2026-03-08 and Monday 2026-03-09 are in different weeks; 2026-12-31 is in the week of 2026-12-28', async () => {
    const userId = h.user();
    sums(periodRow('expense', '2026-03-08', '100'), periodRow('expense', '2026-03-09', '200'));
    expect(rows(await report(userId, '2026-03-05', '2026-03-16', WEEK))).toEqual([
      ['2026-03-02', '2026-03-08', '0', '100', '-100'],
      ['2026-03-09', '2026-03-15', '0', '200', '-200'],
      ['2026-03-16', '2026-03-22', '0', '0', '0'],
    ]);
    expect(asked()).toEqual(['2026-03-05', '2026-03-16', SumGrouping.SUM_GROUPING_WEEK, TransactionType.TRANSACTION_TYPE_UNSPECIFIED]);

    sums(periodRow('expense', '2026-12-31', '1200', 'USD', 2));
    expect(rows(await report(userId, '2026-12-31', '2027-01-04', WEEK))).toEqual([
      ['2026-12-28', '2027-01-03', '0', '1200', '-1200'],
      ['2027-01-04', '2027-01-10', '0', '0', '0'],
    ]);
  });

  test('from mid-interval: the first interval starts before `from`, but the ledger is asked only from `from` (and up to `to`)', async () => {
    const userId = h.user();
    sums(periodRow('expense', '2026-03-16', '600', 'USD', 2));

    const r = await report(userId, '2026-03-15', '2026-03-20', MONTH);

    expect(rows(r)).toEqual([['2026-03-01', '2026-03-31', '0', '600', '-600']]);
    expect(minor(r.totals!.expense)).toBe('600 USD');
    expect(asked()).toEqual(['2026-03-15', '2026-03-20', SumGrouping.SUM_GROUPING_MONTH, TransactionType.TRANSACTION_TYPE_UNSPECIFIED]);
  });

  test('daily and yearly', async () => {
    const userId = h.user();
    sums(periodRow('expense', '2028-02-29', '100'), periodRow('income', '2028-03-01', '500'));
    expect(rows(await report(userId, '2028-02-28', '2028-03-01', DAY))).toEqual([
      ['2028-02-28', '2028-02-28', '0', '0', '0'],
      ['2028-02-29', '2028-02-29', '0', '100', '-100'],
      ['2028-03-01', '2028-03-01', '500', '0', '500'],
    ]);
    expect(asked()).toEqual(['2028-02-28', '2028-03-01', SumGrouping.SUM_GROUPING_DAY, TransactionType.TRANSACTION_TYPE_UNSPECIFIED]);

    sums(periodRow('income', '2028-01-01', '500'), periodRow('expense', '2028-05-31', '100'));
    expect(rows(await report(userId, '2027-06-01', '2028-06-01', YEAR))).toEqual([
      ['2027-01-01', '2027-12-31', '0', '0', '0'],
      ['2028-01-01', '2028-12-31', '500', '100', '400'],
    ]);
    expect(asked()).toEqual(['2027-06-01', '2028-06-01', SumGrouping.SUM_GROUPING_YEAR, TransactionType.TRANSACTION_TYPE_UNSPECIFIED]);
  });

  test("other currencies are converted into the base currency at their day's rate; each user gets the ledger's answer about them alone", async () => {
    const userId = h.user('GBP');
    const other = h.user('GBP');
    const ledger: Record<string, ledgerV1.SumRow[]> = {
      // After the latest published day (2026-04-13), whose rates apply: 99.00 USD / 1.1684 × 0.87058 = 73.7653… → 73.77 GBP;
      // 1000 JPY / 186.75 × 0.87058 = 4.6617… → 4.66 GBP.
      [userId]: [periodRow('income', '2026-05-01', '1000', 'GBP'), periodRow('income', '2026-05-01', '9900', 'USD'), periodRow('expense', '2026-05-01', '1000', 'JPY')],
      [other]: [periodRow('income', '2026-05-01', '700', 'GBP'), periodRow('expense', '2026-05-01', '700', 'GBP')],
    };
    h.ledger.on('sumTransactions', ({ userId: id }) => ({ rows: ledger[id] ?? [] }));

    const r = await report(userId, '2026-05-01', '2026-05-31', MONTH);

    expect(r.currency).toBe('GBP');
    expect(rows(r)).toEqual([['2026-05-01', '2026-05-31', '8377', '466', '7911']]);
    expect(r.excludedCurrencies).toEqual([]);
    expect(rows(await report(other, '2026-05-01', '2026-05-31', MONTH))).toEqual([['2026-05-01', '2026-05-31', '700', '700', '0']]);
  });

  test('each day at its own rate, rounded once per (day, type, currency) half-even, then added into its interval', async () => {
    const userId = h.user('USD');
    // 10.00 EUR: × 1.1698 = 11.698 → 11.70 (Mon 03-02); Sunday 03-08 uses Friday 03-06: × 1.1561 = 11.561 → 11.56;
    // × 1.1555 = 11.555 → 11.56 (a tie: to the even cent) on Mon 03-09.
    sums(periodRow('expense', '2026-03-02', '1000', 'EUR'), periodRow('expense', '2026-03-08', '1000', 'EUR'), periodRow('income', '2026-03-09', '1000', 'EUR'), periodRow('income', '2026-03-09', '44', 'USD'));
    const r = await report(userId, '2026-03-02', '2026-03-15', WEEK);
    expect(rows(r)).toEqual([
      ['2026-03-02', '2026-03-08', '0', '2326', '-2326'],
      ['2026-03-09', '2026-03-15', '1200', '0', '1200'],
    ]);
    expect(r.totals).toEqual({ income: { minorUnits: '1200', currency: 'USD' }, expense: { minorUnits: '2326', currency: 'USD' }, net: { minorUnits: '-1126', currency: 'USD' } });
  });

  test("two steps: the base currency's sums per interval are taken as they are; exactly the other currencies are asked per day and converted at each day's rate", async () => {
    const userId = h.user('USD');
    h.ledger.on('sumTransactions', ({ grouping }) =>
      grouping === SumGrouping.SUM_GROUPING_WEEK
        ? { rows: [periodRow('expense', '2026-03-02', '500'), periodRow('expense', '2026-03-02', '2000', 'EUR', 2)] }
        : // 10.00 EUR × 1.1698 = 11.698 → 11.70 (Mon 03-02); Sunday 03-08 at Friday's rates: × 1.1561 = 11.561 → 11.56.
          // The USD row was not asked (a ledger that does not know `currencies` answers it): the weekly row holds it.
          { rows: [periodRow('expense', '2026-03-02', '1000', 'EUR'), periodRow('expense', '2026-03-08', '1000', 'EUR'), periodRow('expense', '2026-03-02', '500')] },
    );

    const r = await report(userId, '2026-03-02', '2026-03-08', WEEK);

    expect(rows(r)).toEqual([['2026-03-02', '2026-03-08', '0', '2826', '-2826']]);
    expect(h.ledger.callsOf('sumTransactions').map((c) => [c.request.grouping, c.request.currencies])).toEqual([
      [SumGrouping.SUM_GROUPING_WEEK, []],
      [SumGrouping.SUM_GROUPING_DAY, ['EUR']],
    ]);
  });

  test('a currency without a usable rate on its day is left out and listed (KWD: never published by the ECB)', async () => {
    const userId = h.user('USD');
    sums(periodRow('expense', '2026-03-02', '1000', 'KWD'), periodRow('expense', '2026-03-02', '500'));
    const r = await report(userId, '2026-03-01', '2026-03-31', MONTH);
    expect(rows(r)).toEqual([['2026-03-01', '2026-03-31', '0', '500', '-500']]);
    expect(r.excludedCurrencies).toEqual(['KWD']);
  });

  test('the currency service unavailable: 503 CURRENCY_UNAVAILABLE', async () => {
    const userId = h.user('USD');
    sums(periodRow('expense', '2025-07-01', '1000', 'EUR'));
    h.proxies.currency.cut();
    expect(await rejected(report(userId, '2025-07-01', '2025-07-31', MONTH))).toMatchObject({ status: status.UNAVAILABLE, code: 'CURRENCY_UNAVAILABLE' });
  });

  test("the ledger's verdicts: an unknown user is 401, a refused field 422 with its errors", async () => {
    const userId = h.user();
    h.ledger.fail('sumTransactions', stubError('unauthenticated', 'LEDGER_USER_NOT_FOUND'));
    expect(await rejected(report(userId, '2026-01-01', '2026-01-31', MONTH))).toMatchObject({ status: status.UNAUTHENTICATED, code: 'REPORTING_USER_NOT_FOUND' });

    const errors = [{ path: 'to', message: 'is too far ahead' }];
    h.ledger.fail('sumTransactions', stubError('invalid_argument', 'LEDGER_INVALID_FIELDS', 'to: is too far ahead', { errors }));
    expect(await rejected(report(userId, '2026-01-01', '2026-01-31', MONTH))).toMatchObject({ status: status.INVALID_ARGUMENT, code: 'REPORTING_INVALID_FIELDS', errors });
  });

  test('a ledger row for a day outside the intervals is a fault of the ledger: 500, nothing shown', async () => {
    const userId = h.user();
    sums(periodRow('expense', '2026-04-01', '100'));
    const failure = await report(userId, '2026-03-01', '2026-03-31', MONTH).catch((err: unknown) => err);
    expect(failure).toMatchObject({ code: status.INTERNAL, details: 'Internal error' });
  });
});

describe('bad input is INVALID_ARGUMENT (422), before anyone else is asked', () => {
  const invalid = { status: status.INVALID_ARGUMENT, httpStatus: 422 };

  test('from after to, missing dates, an interval that is none of the four', async () => {
    const userId = h.user();
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
    expect(allCalls(h)).toEqual([]);
  });

  test('ten years daily is refused with the count, the limit and a longer interval, even with auth and the ledger away', async () => {
    const userId = h.user();
    h.auth.outage = stubError('unavailable', 'AUTH_UNAVAILABLE');
    h.ledger.outage = stubError('unavailable', 'LEDGER_UNAVAILABLE');
    const refusal = await rejected(report(userId, '2026-01-01', '2035-12-31', DAY));
    expect(refusal).toMatchObject({ ...invalid, code: 'REPORTING_TOO_MANY_INTERVALS', errors: [{ path: 'interval' }] });
    expect(refusal.detail).toBe(
      '2026-01-01 to 2035-12-31 spans 3,652 daily intervals, more than the 1,000 one report may have: choose a longer interval (week: 523 intervals) or a shorter range.',
    );
    expect(allCalls(h)).toEqual([]);
  });

  test('1,000 intervals are answered, 1,001 are not', async () => {
    const userId = h.user();
    sums();
    // 2026-01-01 + 999 days = 2028-09-26.
    expect((await report(userId, '2026-01-01', '2028-09-26', DAY)).items).toHaveLength(1000);
    h.reset();
    expect(await rejected(report(userId, '2026-01-01', '2028-09-27', DAY))).toMatchObject({ code: 'REPORTING_TOO_MANY_INTERVALS' });
    expect(allCalls(h)).toEqual([]);
  });
});
