import { describe, expect, test } from '@jest/globals';
import { isoDate, type IsoDate } from '@finance/calendar';
import { money } from '@finance/money';
import { DomainError } from '@finance/platform/errors';
import { rateUnavailable } from '@finance/rates';
import type { ExportTransaction } from '../domain/csv/csv-format.js';
import type { ReportingContext } from './context.js';
import { gatherMonthlyReport, LARGEST_EXPENSES } from './monthly-report.js';

// gatherMonthlyReport with in-memory ports and a pinned clock: the user's zone deciding which month
// is current (and which is the future), the generation time on the user's wall clock, and the
// largest expenses picked exactly across batches and currencies. What is asked over gRPC, and the
// printed PDF, are test/monthly-report.test.ts's.

const USER = '0190f0a0-0000-7000-8000-00000000beef';

interface Fake {
  ctx: ReportingContext;
  /** The day budgeting was asked for (undefined = today, resolved by budgeting), per call. */
  budgetDays: (IsoDate | undefined)[];
}

function fake(options: { timezone: string; now: string; batches?: ExportTransaction[][] }): Fake {
  const budgetDays: (IsoDate | undefined)[] = [];
  const ctx = {
    users: {
      profileOf: async () => ({ baseCurrency: 'USD' }),
      accountOf: async () => ({ baseCurrency: 'USD', timezone: options.timezone, username: 'ada', email: 'ada@example.com' }),
    },
    ledger: {
      sumsByInterval: async () => [],
      sumsByDay: async () => [],
      expensesByCategory: async () => [],
      expensesByDayAndCategory: async () => [],
      categoryNames: async () => new Map(),
      async *transactionBatches() {
        for (const batch of options.batches ?? []) yield batch;
      },
    },
    budgets: {
      statusOn: async (_userId: string, day: IsoDate | undefined) => {
        budgetDays.push(day);
        return { date: day ?? isoDate('2026-12-01'), items: [] };
      },
    },
    // 1 EUR = 2 USD, GBP never: enough to tell converted from unconverted amounts.
    rates: {
      convert: async (m: { minor: bigint; currency: string }, to: string, date: IsoDate) => {
        if (m.currency === 'GBP') throw rateUnavailable('GBP', date);
        return { converted: money(m.minor * 2n, to), rate: '2', rateDate: date };
      },
    },
    goals: { goalsOf: async () => [] },
    pdf: { renderPdf: async () => Buffer.alloc(0) },
    now: () => new Date(options.now),
    importMaxRows: 1,
  } as unknown as ReportingContext;
  return { ctx, budgetDays };
}

const refusal = (promise: Promise<unknown>) => promise.then(() => undefined, (err: unknown) => err);

describe("the user's time zone decides the current month", () => {
  // 2026-11-30 12:00 UTC is already 2026-12-01 02:00 on Kiritimati (UTC+14).
  const NOW = '2026-11-30T12:00:00Z';

  test('Kiritimati: December is the current month (budgets as of today), generated 02:00 there', async () => {
    const { ctx, budgetDays } = fake({ timezone: 'Pacific/Kiritimati', now: NOW });
    const report = await gatherMonthlyReport(ctx, { userId: USER, year: 2026, month: 12 });
    expect(budgetDays).toEqual([undefined]);
    expect(report.budgets.today).toBe(true);
    expect(report.generatedAt).toEqual({ date: '2026-12-01', time: '02:00', timezone: 'Pacific/Kiritimati' });
    expect(report.period).toEqual({ from: '2026-12-01', to: '2026-12-31' });
    expect(report.previousMonth).toEqual({ year: 2026, month: 11 });
  });

  test('UTC at the same instant: December is the future (422 on month), November is current', async () => {
    const { ctx, budgetDays } = fake({ timezone: 'UTC', now: NOW });
    const err = await refusal(gatherMonthlyReport(ctx, { userId: USER, year: 2026, month: 12 }));
    expect(err).toBeInstanceOf(DomainError);
    expect(err).toMatchObject({ kind: 'invalid_argument', code: 'REPORTING_INVALID_FIELDS', errors: [{ path: 'month', message: 'must not be after the current month (2026-11 in your time zone)' }] });
    expect(budgetDays).toEqual([]);

    const november = await gatherMonthlyReport(ctx, { userId: USER, year: 2026, month: 11 });
    expect(november.budgets.today).toBe(true);
    expect(november.generatedAt.time).toBe('12:00');
  });

  test('a past month: budgets on its last day (29 February in a leap year)', async () => {
    const { ctx, budgetDays } = fake({ timezone: 'Europe/Berlin', now: NOW });
    const report = await gatherMonthlyReport(ctx, { userId: USER, year: 2024, month: 2 });
    expect(budgetDays).toEqual(['2024-02-29']);
    expect(report.budgets.today).toBe(false);
    expect(report.generatedAt).toEqual({ date: '2026-11-30', time: '13:00', timezone: 'Europe/Berlin' });
  });

  test('an empty zone counts as UTC', async () => {
    const { ctx } = fake({ timezone: '', now: NOW });
    expect((await gatherMonthlyReport(ctx, { userId: USER, year: 2026, month: 11 })).generatedAt).toEqual({ date: '2026-11-30', time: '12:00', timezone: 'UTC' });
  });

  test('January of year 1 has no previous month: zeros against itself', async () => {
    const { ctx } = fake({ timezone: 'UTC', now: NOW });
    const report = await gatherMonthlyReport(ctx, { userId: USER, year: 1, month: 1 });
    expect(report.previousTotals.income).toEqual(money(0n, 'USD'));
    expect(report.previousMonth).toEqual({ year: 1, month: 1 });
  });
});

describe('largest expenses', () => {
  let seq = 0;
  const expense = (minor: bigint, currency: string, date: string, type: 'income' | 'expense' = 'expense'): ExportTransaction => ({
    id: `t${String(++seq).padStart(3, '0')}`,
    date,
    type,
    amount: money(minor, currency),
    categoryName: null,
    description: `${minor} ${currency}`,
  });

  test(`the ${LARGEST_EXPENSES} largest in the base currency across batches: foreign ones converted at their date, income ignored, no rate → left out and named`, async () => {
    const batches = [
      [expense(5000n, 'USD', '2026-03-01'), expense(3000n, 'EUR', '2026-03-02'), expense(999999n, 'USD', '2026-03-03', 'income'), expense(100n, 'GBP', '2026-03-04')],
      Array.from({ length: 12 }, (_, i) => expense(BigInt(1000 + i), 'USD', '2026-03-05')),
      [expense(5000n, 'USD', '2026-03-20'), expense(2600n, 'EUR', '2026-03-06')],
    ];
    const { ctx } = fake({ timezone: 'UTC', now: '2026-11-30T12:00:00Z', batches });
    const report = await gatherMonthlyReport(ctx, { userId: USER, year: 2026, month: 3 });

    expect(report.largestExpenses.map((x) => [x.converted.minor, x.amount.currency, x.date])).toEqual([
      [6000n, 'EUR', '2026-03-02'],
      [5200n, 'EUR', '2026-03-06'],
      // Equal amounts: the later date first.
      [5000n, 'USD', '2026-03-20'],
      [5000n, 'USD', '2026-03-01'],
      [1011n, 'USD', '2026-03-05'],
      [1010n, 'USD', '2026-03-05'],
      [1009n, 'USD', '2026-03-05'],
      [1008n, 'USD', '2026-03-05'],
      [1007n, 'USD', '2026-03-05'],
      [1006n, 'USD', '2026-03-05'],
    ]);
    expect(report.largestExpenses[0]!.amount).toEqual(money(3000n, 'EUR'));
    expect(report.excludedCurrencies).toEqual(['GBP']);
  });

  test('the currency service failing fails the report (never a list silently missing the foreign ones)', async () => {
    const { ctx } = fake({ timezone: 'UTC', now: '2026-11-30T12:00:00Z', batches: [[expense(3000n, 'EUR', '2026-03-02')]] });
    const down = new DomainError('unavailable', 'CURRENCY_UNAVAILABLE', 'down');
    ctx.rates = { convert: async () => Promise.reject(down) };
    expect(await refusal(gatherMonthlyReport(ctx, { userId: USER, year: 2026, month: 3 }))).toBe(down);
  });
});
