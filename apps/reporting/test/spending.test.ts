import { randomUUID } from 'node:crypto';
import { status } from '@grpc/grpc-js';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { formatMoney, money } from '@finance/money';
import { ledgerV1 } from '@finance/proto';
import {
  allCalls,
  answerEcbRates,
  category,
  categoryPage,
  categoryRow,
  date,
  iso,
  minor,
  range,
  rejected,
  startReportingHarness,
  stubError,
  type ReportingHarness,
} from './helpers.js';

// GetSpending against scripted auth and ledger stubs: what reporting asks them and what it makes of
// their answers. The ledger's own grouping is the ledger's tests'; the numbers through the real
// services are e2e's (analytics.e2e.test.ts, reporting-wiring.e2e.test.ts).

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

const { TransactionType, SumGrouping } = ledgerV1;

const spending = (userId: string, from: string, to: string) => h.client.getSpending({ userId, ...range(from, to) });
/** Items as [category name (or "-"), "minor currency", count]. */
const rows = (r: Awaited<ReturnType<typeof spending>>) => r.items.map((i) => [i.categoryName ?? '-', minor(i.total), i.count]);

/** The ledger answers these sums and this one page of categories, to anyone. */
function ledgerAnswers(sums: ledgerV1.SumRow[], categories: ledgerV1.Category[] = []) {
  h.ledger.answer('sumTransactions', { rows: sums }).answer('listCategories', categoryPage(categories));
}

describe('GetSpending', () => {
  test("the ledger's exact minor units are the total: three expenses of 0.10 make exactly 0.30", async () => {
    const userId = h.user();
    const food = randomUUID();
    ledgerAnswers([categoryRow(food, '30', 'USD', 3)], [category(food, 'Food')]);

    const r = await spending(userId, '2026-03-01', '2026-03-31');

    expect(r.total).toEqual({ minorUnits: '30', currency: 'USD' });
    expect(formatMoney(money(r.total!.minorUnits, r.total!.currency))).toBe('0.30');
    expect(r.items).toEqual([{ categoryId: food, categoryName: 'Food', total: { minorUnits: '30', currency: 'USD' }, count: '3' }]);
    expect({ from: iso(r.from), to: iso(r.to), currency: r.currency, excluded: r.excludedCurrencies }).toEqual({
      from: '2026-03-01',
      to: '2026-03-31',
      currency: 'USD',
      excluded: [],
    });
  });

  test('asks the ledger for the expenses (income is not spending) of the caller over exactly [from, to], per category (no day: all in the base currency), and for every category', async () => {
    const userId = h.user();
    ledgerAnswers([]);

    await spending(userId, '2026-03-01', '2026-03-31');
    await spending(userId, '2026-03-31', '2026-03-31');

    expect(h.ledger.callsOf('sumTransactions').map((c) => c.request)).toEqual([
      { userId, ...range('2026-03-01', '2026-03-31'), transactionType: TransactionType.TRANSACTION_TYPE_EXPENSE, grouping: SumGrouping.SUM_GROUPING_CATEGORY, categoryIds: [], currencies: [] },
      { userId, ...range('2026-03-31', '2026-03-31'), transactionType: TransactionType.TRANSACTION_TYPE_EXPENSE, grouping: SumGrouping.SUM_GROUPING_CATEGORY, categoryIds: [], currencies: [] },
    ]);
    expect(h.auth.callsOf('getUser').map((c) => c.request)).toEqual([{ userId }, { userId }]);
    expect(h.ledger.lastRequest('listCategories')).toEqual({ userId, page: { limit: 200, cursor: '' } });
  });

  test('per category with its name, largest first; ties by count, then name; uncategorized has neither id nor name and comes last on a tie', async () => {
    const userId = h.user();
    const [rent, zoo, books, games] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    // In no particular order, as the ledger may answer.
    ledgerAnswers(
      [categoryRow(undefined, '1000', 'USD', 1), categoryRow(games, '1000', 'USD', 1), categoryRow(zoo, '1000', 'USD', 2), categoryRow(books, '1000', 'USD', 1), categoryRow(rent, '90000', 'USD', 1)],
      [category(rent, 'Rent'), category(zoo, 'Zoo'), category(books, 'books'), category(games, 'Games')],
    );

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
    expect(r.items.map((i) => i.categoryId)).toEqual([rent, zoo, books, games, undefined]);
    // Absent, not empty strings: the gateway renders null.
    expect(r.items[4]).toEqual({ total: { minorUnits: '1000', currency: 'USD' }, count: '1' });
    expect(r.total).toEqual({ minorUnits: '94000', currency: 'USD' });
  });

  test("each user gets the ledger's answer about them alone", async () => {
    const userId = h.user();
    const other = h.user();
    const theirs = randomUUID();
    const ledger: Record<string, { sums: ledgerV1.SumRow[]; categories: ledgerV1.Category[] }> = {
      [userId]: { sums: [categoryRow(undefined, '100', 'USD', 1)], categories: [] },
      [other]: { sums: [categoryRow(theirs, '7700', 'USD', 1), categoryRow(undefined, '3300', 'USD', 1)], categories: [category(theirs, 'Theirs')] },
    };
    h.ledger.on('sumTransactions', ({ userId: id }) => ({ rows: ledger[id]?.sums ?? [] }));
    h.ledger.on('listCategories', ({ userId: id }) => categoryPage(ledger[id]?.categories ?? []));

    const r = await spending(userId, '2026-05-01', '2026-05-31');
    expect(rows(r)).toEqual([['-', '100 USD', '1']]);
    expect(r.total).toEqual({ minorUnits: '100', currency: 'USD' });
    expect(rows(await spending(other, '2026-05-01', '2026-05-31'))).toEqual([
      ['Theirs', '7700 USD', '1'],
      ['-', '3300 USD', '1'],
    ]);
  });

  test('a user id in capitals is the same user: every service is asked with the canonical (lower-case) id', async () => {
    const userId = h.user();
    ledgerAnswers([]);
    await spending(userId.toUpperCase(), '2026-05-01', '2026-05-31');
    expect(allCalls(h).map((c) => (c.request as { userId: string }).userId)).toEqual([userId, userId, userId]);
  });

  test('every currency counts, each day at its own ECB rate, in the base currency; the total is the sum of the items', async () => {
    const userId = h.user('EUR');
    const food = randomUUID();
    ledgerAnswers(
      [
        categoryRow(food, '1250', 'EUR', 1, '2026-03-02'),
        // 100.00 / 1.1698 = 85.4846… → 85.48 EUR (Monday 2026-03-02)
        categoryRow(food, '10000', 'USD', 1, '2026-03-02'),
        // Saturday 2026-03-07 uses Friday's rate: 5000 / 182.57 = 27.3867… → 27.39 EUR
        categoryRow(undefined, '5000', 'JPY', 1, '2026-03-07'),
        // 3.00 / 1.1555 = 2.5962… → 2.60 EUR (2026-03-09)
        categoryRow(undefined, '300', 'USD', 1, '2026-03-09'),
      ],
      [category(food, 'Food')],
    );

    const r = await spending(userId, '2026-03-01', '2026-03-31');

    expect(r.currency).toBe('EUR');
    expect(rows(r)).toEqual([
      ['Food', '9798 EUR', '2'],
      ['-', '2999 EUR', '2'],
    ]);
    expect(r.total).toEqual({ minorUnits: '12797', currency: 'EUR' });
    expect(r.excludedCurrencies).toEqual([]);
    expect(h.currency.callsOf('getRateTable').map((c) => iso(c.request.date)).sort()).toEqual(['2026-03-02', '2026-03-07', '2026-03-09']);
  });

  test('rounding: once per ledger row (one day, category and currency), half-even; the items add the rounded rows', async () => {
    const userId = h.user('USD');
    // 1 JPY is 0.0063… USD on each of these days: 0.01 each. Three yen on one day would be 0.02.
    ledgerAnswers([categoryRow(undefined, '1', 'JPY', 1, '2026-03-02'), categoryRow(undefined, '1', 'JPY', 1, '2026-03-06'), categoryRow(undefined, '1', 'JPY', 1, '2026-03-09')]);
    expect((await spending(userId, '2026-03-01', '2026-03-31')).total).toEqual({ minorUnits: '3', currency: 'USD' });
    ledgerAnswers([categoryRow(undefined, '3', 'JPY', 3, '2026-03-02')]);
    expect((await spending(userId, '2026-03-01', '2026-03-31')).total).toEqual({ minorUnits: '2', currency: 'USD' });
  });

  test('only a currency without a usable rate on its day is left out, and listed: KWD (never published by the ECB), anything before 1999', async () => {
    const userId = h.user('USD');
    const food = randomUUID();
    ledgerAnswers(
      [
        categoryRow(food, '1250', 'EUR', 1, '2026-03-02'),
        categoryRow(food, '5000', 'KWD', 1, '2026-03-02'),
        categoryRow(undefined, '999', 'GBP', 1, '1998-12-31'),
        categoryRow(undefined, '700', 'USD', 1, '1998-12-31'),
      ],
      [category(food, 'Food')],
    );

    const r = await spending(userId, '1998-01-01', '2026-03-31');

    // 12.50 × 1.1698 = 14.6225 → 14.62 USD; the USD row needs no rate.
    expect(rows(r)).toEqual([
      ['Food', '1462 USD', '1'],
      ['-', '700 USD', '1'],
    ]);
    expect(r.total).toEqual({ minorUnits: '2162', currency: 'USD' });
    expect(r.excludedCurrencies).toEqual(['GBP', 'KWD']);
  });

  test('changing the base currency changes the currency of the next answer (auth is asked on every request)', async () => {
    const userId = h.user('EUR');
    ledgerAnswers([categoryRow(undefined, '1250', 'EUR', 1, '2026-03-02'), categoryRow(undefined, '10000', 'USD', 1, '2026-03-02')]);
    expect((await spending(userId, '2026-03-01', '2026-03-31')).total).toEqual({ minorUnits: '9798', currency: 'EUR' });
    h.setBaseCurrency(userId, 'USD');
    // 12.50 × 1.1698 = 14.6225 → 14.62, plus 100.00
    expect((await spending(userId, '2026-03-01', '2026-03-31')).total).toEqual({ minorUnits: '11462', currency: 'USD' });
    h.setBaseCurrency(userId, 'GBP');
    // 12.50 × 0.8739 = 10.92375 → 10.92; 100.00 / 1.1698 × 0.8739 = 74.7050… → 74.71
    const gbp = await spending(userId, '2026-03-01', '2026-03-31');
    expect(gbp.currency).toBe('GBP');
    expect(gbp.total).toEqual({ minorUnits: '8563', currency: 'GBP' });
  });

  test('rates are cached: a day already converted asks the currency service nothing more', async () => {
    const userId = h.user('USD');
    // Days no other test converts (the cache lives as long as the service).
    ledgerAnswers([categoryRow(undefined, '2000', 'GBP', 1, '2026-04-13'), categoryRow(undefined, '2000', 'GBP', 1, '2026-04-20'), categoryRow(undefined, '100', 'EUR', 1, '2026-04-13')]);
    for (let i = 0; i < 3; i++) {
      // 20.00 / 0.87058 × 1.1684 = 26.8418… → 26.84 (both days: 04-20 is after the latest day, 04-13); 1.00 EUR = 1.17 USD
      expect((await spending(userId, '2026-04-01', '2026-04-30')).total).toEqual({ minorUnits: '5485', currency: 'USD' });
    }
    expect(h.currency.callsOf('getRateTable').map((c) => iso(c.request.date)).sort()).toEqual(['2026-04-13', '2026-04-20']);
  });

  test('only the base currency: the currency service is not asked, and may be down', async () => {
    const userId = h.user('USD');
    h.proxies.currency.cut();
    ledgerAnswers([categoryRow(undefined, '100', 'USD', 1, '2025-01-02')]);
    expect((await spending(userId, '2025-01-01', '2025-01-31')).total).toEqual({ minorUnits: '100', currency: 'USD' });
    expect(h.currency.calls).toEqual([]);
  });

  test('a category the list no longer has (deleted between the two calls): listed with its id, without a name, after named ones on a tie', async () => {
    const userId = h.user();
    const [gone, kept] = [randomUUID(), randomUUID()];
    ledgerAnswers([categoryRow(undefined, '500', 'USD', 1), categoryRow(gone, '500', 'USD', 1), categoryRow(kept, '500', 'USD', 1)], [category(kept, 'Kept')]);
    expect((await spending(userId, '2026-07-01', '2026-07-31')).items).toEqual([
      { categoryId: kept, categoryName: 'Kept', total: { minorUnits: '500', currency: 'USD' }, count: '1' },
      { categoryId: gone, total: { minorUnits: '500', currency: 'USD' }, count: '1' },
      { total: { minorUnits: '500', currency: 'USD' }, count: '1' },
    ]);
  });

  test("many categories: names come from every page of the ledger's list, 200 at a time, following its cursor", async () => {
    const userId = h.user();
    const categories = Array.from({ length: 205 }, (_, i) => category(randomUUID(), `C${String(i).padStart(3, '0')}`));
    h.ledger.answer('sumTransactions', { rows: [categoryRow(categories[204]!.id, '100', 'USD', 1), categoryRow(categories[0]!.id, '200', 'USD', 1)] });
    h.ledger.on('listCategories', ({ page }) => (page?.cursor === 'next' ? categoryPage(categories.slice(200)) : categoryPage(categories.slice(0, 200), 'next')));

    expect(rows(await spending(userId, '2026-08-01', '2026-08-01'))).toEqual([
      ['C000', '200 USD', '1'],
      ['C204', '100 USD', '1'],
    ]);
    expect(h.ledger.callsOf('listCategories').map((c) => c.request.page)).toEqual([
      { limit: 200, cursor: '' },
      { limit: 200, cursor: 'next' },
    ]);
  });

  test('nothing spent: no items and a zero total in the base currency', async () => {
    const userId = h.user();
    ledgerAnswers([]);
    expect(await spending(userId, '2026-01-01', '2026-12-31')).toEqual({
      from: date('2026-01-01'),
      to: date('2026-12-31'),
      currency: 'USD',
      total: { minorUnits: '0', currency: 'USD' },
      items: [],
      excludedCurrencies: [],
    });
  });

  test('no range cap for spending: all of years 1 to 9999 is one question to the ledger', async () => {
    const userId = h.user();
    ledgerAnswers([categoryRow(undefined, '100', 'USD', 1)]);
    expect((await spending(userId, '0001-01-01', '9999-12-31')).total).toEqual({ minorUnits: '100', currency: 'USD' });
    expect(h.ledger.lastRequest('sumTransactions')).toMatchObject(range('0001-01-01', '9999-12-31'));
  });
});

describe('two steps: per category, then per day only for the other currencies', () => {
  /** A row of the CATEGORY grouping (no day). */
  const coarseRow = (categoryId: string | undefined, minorUnits: string, currency: string, count: number): ledgerV1.SumRow => ({ ...categoryRow(categoryId, minorUnits, currency, count), periodStart: undefined });

  test("the base currency's sums per category are taken as they are; exactly the other currencies are asked per day and converted at each day's rate", async () => {
    const userId = h.user('USD');
    const food = randomUUID();
    h.ledger.answer('listCategories', categoryPage([category(food, 'Food')]));
    h.ledger.on('sumTransactions', ({ grouping }) =>
      grouping === SumGrouping.SUM_GROUPING_CATEGORY
        ? { rows: [coarseRow(food, '1000', 'USD', 2), coarseRow(food, '2500', 'EUR', 2), coarseRow(undefined, '5000', 'JPY', 1)] }
        : {
            rows: [
              // 12.50 EUR × 1.1698 = 14.6225 → 14.62 (03-02); × 1.1555 = 14.44375 → 14.44 (03-09)
              categoryRow(food, '1250', 'EUR', 1, '2026-03-02'),
              categoryRow(food, '1250', 'EUR', 1, '2026-03-09'),
              // Saturday 03-07 at Friday's rates: 5000 JPY / 182.57 × 1.1561 = 31.6618… → 31.66
              categoryRow(undefined, '5000', 'JPY', 1, '2026-03-07'),
              // Not asked (a ledger that does not know `currencies` answers every currency): the coarse row holds it.
              categoryRow(food, '1000', 'USD', 2, '2026-03-02'),
            ],
          },
    );

    const r = await spending(userId, '2026-03-01', '2026-03-31');

    expect(rows(r)).toEqual([
      ['Food', '3906 USD', '4'],
      ['-', '3166 USD', '1'],
    ]);
    expect(r.total).toEqual({ minorUnits: '7072', currency: 'USD' });
    expect(r.excludedCurrencies).toEqual([]);
    const expense = TransactionType.TRANSACTION_TYPE_EXPENSE;
    expect(h.ledger.callsOf('sumTransactions').map((c) => c.request)).toEqual([
      { userId, ...range('2026-03-01', '2026-03-31'), transactionType: expense, grouping: SumGrouping.SUM_GROUPING_CATEGORY, categoryIds: [], currencies: [] },
      { userId, ...range('2026-03-01', '2026-03-31'), transactionType: expense, grouping: SumGrouping.SUM_GROUPING_DAY_CATEGORY, categoryIds: [], currencies: ['EUR', 'JPY'] },
    ]);
  });

  test('a total per category beyond int64 (in its own currency) is asked per day for every currency instead: it may fit once converted', async () => {
    const userId = h.user('USD');
    h.ledger.answer('listCategories', categoryPage([]));
    h.ledger.on('sumTransactions', ({ grouping }) => {
      if (grouping === SumGrouping.SUM_GROUPING_CATEGORY) throw stubError('failed_precondition', 'LEDGER_SUM_TOO_LARGE');
      return { rows: [categoryRow(undefined, '1000', 'EUR', 1, '2026-03-02'), categoryRow(undefined, '100', 'USD', 1, '2026-03-02')] };
    });

    // 10.00 EUR × 1.1698 = 11.698 → 11.70, plus 1.00 USD
    expect((await spending(userId, '2026-03-01', '2026-03-31')).total).toEqual({ minorUnits: '1270', currency: 'USD' });
    expect(h.ledger.callsOf('sumTransactions').map((c) => [c.request.grouping, c.request.currencies])).toEqual([
      [SumGrouping.SUM_GROUPING_CATEGORY, []],
      [SumGrouping.SUM_GROUPING_DAY_CATEGORY, []],
    ]);
  });
});

describe('bad input is INVALID_ARGUMENT (422) with field errors, before anyone else is asked', () => {
  const invalid = { status: status.INVALID_ARGUMENT, httpStatus: 422, code: 'REPORTING_INVALID_FIELDS' };

  afterEach(() => {
    expect(allCalls(h)).toEqual([]);
  });

  test('from after to', async () => {
    const userId = h.user();
    expect(await rejected(spending(userId, '2026-03-02', '2026-03-01'))).toMatchObject({ ...invalid, errors: [{ path: 'from', message: 'must not be after to' }] });
  });

  test('missing dates, both named at once', async () => {
    const userId = h.user();
    expect(await rejected(h.client.getSpending({ userId, from: undefined, to: undefined }))).toMatchObject({
      ...invalid,
      errors: [
        { path: 'from', message: 'is required (YYYY-MM-DD)' },
        { path: 'to', message: 'is required (YYYY-MM-DD)' },
      ],
    });
  });

  test('impossible dates', async () => {
    const userId = h.user();
    expect(await rejected(h.client.getSpending({ userId, from: date('2026-02-29'), to: { year: 10000, month: 1, day: 1 } }))).toMatchObject({
      ...invalid,
      errors: [{ path: 'from' }, { path: 'to' }],
    });
  });

  test('a user id that is not a uuid is refused at once, on its own (a broken caller, not bad fields)', async () => {
    const userIdOnly = { ...invalid, errors: [{ path: 'user_id', message: 'must be a user id (uuid)' }] };
    expect(await rejected(h.client.getSpending({ userId: 'me', ...range('2026-01-01', '2026-01-01') }))).toMatchObject(userIdOnly);
    expect(await rejected(h.client.getSpending({ userId: "x'--", from: undefined, to: undefined }))).toMatchObject(userIdOnly);
  });
});

describe("the services' verdicts, as reporting's own answers", () => {
  test('a user auth does not know is UNAUTHENTICATED (401), not an empty report, even when the ledger fails too', async () => {
    ledgerAnswers([]);
    expect(await rejected(spending(randomUUID(), '2026-01-01', '2026-01-31'))).toMatchObject({
      status: status.UNAUTHENTICATED,
      httpStatus: 401,
      code: 'REPORTING_USER_NOT_FOUND',
    });
    // Whichever answers first: the unknown user is what the caller learns.
    h.ledger.outage = stubError('unavailable', 'LEDGER_UNAVAILABLE');
    expect(await rejected(spending(randomUUID(), '2026-01-01', '2026-01-31'))).toMatchObject({
      status: status.UNAUTHENTICATED,
      httpStatus: 401,
      code: 'REPORTING_USER_NOT_FOUND',
    });
  });

  test('a user the ledger does not know (NOT_FOUND or UNAUTHENTICATED) is the same 401', async () => {
    const userId = h.user();
    h.ledger.answer('listCategories', categoryPage([]));
    for (const verdict of [stubError('not_found', 'LEDGER_USER_NOT_FOUND'), stubError('unauthenticated', 'LEDGER_USER_NOT_FOUND')]) {
      h.ledger.fail('sumTransactions', verdict);
      expect(await rejected(spending(userId, '2026-01-01', '2026-01-31'))).toMatchObject({ status: status.UNAUTHENTICATED, code: 'REPORTING_USER_NOT_FOUND' });
    }
  });

  test("the ledger refusing a field: REPORTING_INVALID_FIELDS (422) with the ledger's field errors", async () => {
    const userId = h.user();
    h.ledger.answer('listCategories', categoryPage([]));
    const errors = [{ path: 'from', message: 'is before the ledger keeps transactions' }];
    h.ledger.fail('sumTransactions', stubError('invalid_argument', 'LEDGER_INVALID_FIELDS', 'from: is before the ledger keeps transactions', { errors }));
    expect(await rejected(spending(userId, '2026-01-01', '2026-01-31'))).toMatchObject({
      status: status.INVALID_ARGUMENT,
      httpStatus: 422,
      code: 'REPORTING_INVALID_FIELDS',
      errors,
    });
  });

  test('a total too large: the ledger saying so, or the sum of its rows beyond int64, is REPORTING_SUM_TOO_LARGE (409)', async () => {
    const userId = h.user();
    const tooLarge = { status: status.FAILED_PRECONDITION, httpStatus: 409, code: 'REPORTING_SUM_TOO_LARGE' };
    h.ledger.answer('listCategories', categoryPage([]));
    h.ledger.fail('sumTransactions', stubError('failed_precondition', 'LEDGER_SUM_TOO_LARGE'));
    expect(await rejected(spending(userId, '2026-01-01', '2026-01-31'))).toMatchObject(tooLarge);

    const max = '9223372036854775807';
    h.ledger.answer('sumTransactions', { rows: [categoryRow(randomUUID(), max, 'USD', 1), categoryRow(undefined, max, 'USD', 1)] });
    expect(await rejected(spending(userId, '2026-01-01', '2026-01-31'))).toMatchObject(tooLarge);
  });
});

describe('the currency service away', () => {
  test('cut, or failing: 503 CURRENCY_UNAVAILABLE, never a report without the foreign sums; the failure is not cached', async () => {
    const userId = h.user('USD');
    ledgerAnswers([categoryRow(undefined, '1000', 'EUR', 1, '2025-06-02'), categoryRow(undefined, '100', 'USD', 1, '2025-06-02')]);
    h.proxies.currency.cut();
    expect(await rejected(spending(userId, '2025-06-01', '2025-06-30'))).toMatchObject({ status: status.UNAVAILABLE, httpStatus: 503, code: 'CURRENCY_UNAVAILABLE' });
    h.proxies.currency.restore();
    h.currency.fail('getRateTable', new Error('disk on fire'));
    expect(await rejected(spending(userId, '2025-06-01', '2025-06-30'))).toMatchObject({ status: status.UNAVAILABLE, httpStatus: 503, code: 'CURRENCY_UNAVAILABLE' });
    // Back: 2025-06-02 has no rate in the stub's rows (before its first day), so EUR is listed.
    h.currency.reset();
    answerEcbRates(h.currency);
    const r = await spending(userId, '2025-06-01', '2025-06-30');
    expect({ total: r.total, excluded: r.excludedCurrencies }).toEqual({ total: { minorUnits: '100', currency: 'USD' }, excluded: ['EUR'] });
  });
});

describe('calls to other services', () => {
  test("every call carries the caller's request id and at most the caller's remaining time", async () => {
    const userId = h.user();
    ledgerAnswers([]);
    const requestId = `req-${randomUUID()}`;
    await h.client.getSpending({ userId, ...range('2026-03-01', '2026-03-31') }, { requestId, deadlineMs: 2_000 });

    const calls = allCalls(h);
    expect(calls.map((c) => c.rpc).sort()).toEqual(['getUser', 'listCategories', 'sumTransactions']);
    for (const call of calls) {
      expect(call.requestId).toBe(requestId);
      expect(call.remainingMs).toBeLessThanOrEqual(2_000);
      expect(call.remainingMs).toBeGreaterThan(1_000);
    }
  });

  test('without a request id from the caller, one id still goes to every service', async () => {
    const userId = h.user();
    ledgerAnswers([]);
    await spending(userId, '2026-03-01', '2026-03-31');
    const ids = new Set(allCalls(h).map((c) => c.requestId));
    expect(ids.size).toBe(1);
    expect([...ids][0]).toEqual(expect.any(String));
  });
});
