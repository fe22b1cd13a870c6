import { randomUUID } from 'node:crypto';
import { status } from '@grpc/grpc-js';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { budgetingV1, goalsV1, ledgerV1 } from '@finance/proto';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { allCalls, category, categoryPage, date, iso, rejected, startReportingHarness, wireMoney, type ReportingHarness } from './helpers.js';

// RenderMonthlyReport against scripted auth, ledger, budgeting, goals and currency stubs, printed by
// the real Chromium: what reporting asks each service for a month, and what the PDF then says (its
// text read back with pdfjs-dist, as a PDF viewer would). The whole stack is e2e/test/pdf.e2e.test.ts.

let h: ReportingHarness;

beforeAll(async () => {
  // One page at a time and no queue: a second report while one prints is refused (the busy test).
  h = await startReportingHarness({ PDF_MAX_CONCURRENT: '1', PDF_MAX_QUEUE: '0' });
});

beforeEach(() => h.reset());

afterEach(() => {
  expect(h.unscripted()).toEqual([]);
});

afterAll(async () => {
  await h?.close();
});

const { TransactionType, SumGrouping } = ledgerV1;
const { TRANSACTION_TYPE_INCOME: INCOME, TRANSACTION_TYPE_EXPENSE: EXPENSE } = TransactionType;

/** Every text item of every page, joined by spaces. */
async function pdfText(pdf: Uint8Array): Promise<string> {
  expect(Buffer.from(pdf.subarray(0, 5)).toString('latin1')).toBe('%PDF-');
  const doc = await getDocument({ data: new Uint8Array(pdf), useSystemFonts: false }).promise;
  try {
    const parts: string[] = [];
    for (let n = 1; n <= doc.numPages; n++) {
      const content = await (await doc.getPage(n)).getTextContent();
      for (const item of content.items) if ('str' in item) parts.push(item.str);
    }
    return parts.join(' ').replace(/\s+/g, ' ');
  } finally {
    await doc.destroy();
  }
}

const sumRow = (type: ledgerV1.TransactionType, day: string, minorUnits: string, currency = 'USD', categoryId?: string, count = 1): ledgerV1.SumRow => ({
  transactionType: type,
  periodStart: date(day),
  total: wireMoney(minorUnits, currency),
  count: String(count),
  ...(categoryId ? { categoryId } : {}),
});

let seq = 0;
function tx(type: ledgerV1.TransactionType, day: string, minorUnits: string, currency: string, description: string, categoryName?: string): ledgerV1.StreamedTransaction {
  const id = `0190f0a0-0000-7000-8000-${String(++seq).padStart(12, '0')}`;
  return { id, amount: wireMoney(minorUnits, currency), transactionType: type, date: date(day), description, categoryName };
}

function goal(name: string, target: string, current: string, currency: string, status: goalsV1.GoalStatus, deadline?: string): goalsV1.Goal {
  return {
    id: randomUUID(),
    userId: '',
    name,
    targetAmount: wireMoney(target, currency),
    currentAmount: wireMoney(current, currency),
    deadline: deadline ? date(deadline) : undefined,
    status,
    createdAt: undefined,
    updatedAt: undefined,
  };
}

function budgetItem(name: string, amount: string, spent: string, from: string, to: string): budgetingV1.BudgetStatusItem {
  const over = BigInt(spent) > BigInt(amount);
  return {
    budget: {
      id: randomUUID(),
      name,
      amount: wireMoney(amount),
      period: budgetingV1.BudgetPeriod.BUDGET_PERIOD_MONTHLY,
      startDate: date('2026-01-01'),
      endDate: undefined,
      createdAt: undefined,
      updatedAt: undefined,
    },
    analysis: {
      periodStart: date(from),
      periodEnd: date(to),
      spent: wireMoney(spent),
      remaining: wireMoney(String(BigInt(amount) - BigInt(spent))),
      percentUsed: ((Number(spent) * 100) / Number(amount)).toFixed(2),
      status: over ? budgetingV1.BudgetStatus.BUDGET_STATUS_OVER : budgetingV1.BudgetStatus.BUDGET_STATUS_UNDER,
      dailyAverage: wireMoney('0'),
      projectedSpend: wireMoney('0'),
      daysInPeriod: 31,
      daysElapsed: 31,
      history: [],
      excludedCurrencies: [],
    },
  };
}

const GROCERIES = randomUUID();
const RENT = randomUUID();
const TRAVEL = randomUUID();
const GROCERIES_NAME = 'Café & <Bar> "Ü" 🍽️';

/**
 * March 2026 of a USD user, February before it: income 4,500.00 (3,000.00), expenses 1,500.00 USD
 * plus 10,000 JPY on 2026-03-09 (ECB: USD 1.1555, JPY 183.15 → 63.09 USD), so 1,563.09 (1,200.00).
 */
function scriptMarch(userId: string) {
  h.ledger.on('sumTransactions', (req) => {
    if (req.userId !== userId) throw new Error('another user asked');
    switch (req.grouping) {
      case SumGrouping.SUM_GROUPING_MONTH:
        return {
          rows: [
            sumRow(INCOME, '2026-02-01', '300000'),
            sumRow(EXPENSE, '2026-02-01', '120000'),
            sumRow(INCOME, '2026-03-01', '450000'),
            sumRow(EXPENSE, '2026-03-01', '150000'),
            sumRow(EXPENSE, '2026-03-01', '10000', 'JPY'),
          ],
        };
      case SumGrouping.SUM_GROUPING_DAY:
        return { rows: [sumRow(EXPENSE, '2026-03-09', '10000', 'JPY')] };
      case SumGrouping.SUM_GROUPING_CATEGORY:
        return {
          rows: [sumRow(EXPENSE, '2026-03-01', '90000', 'USD', GROCERIES, 3), sumRow(EXPENSE, '2026-03-01', '60000', 'USD', RENT), sumRow(EXPENSE, '2026-03-01', '10000', 'JPY', TRAVEL)],
        };
      case SumGrouping.SUM_GROUPING_DAY_CATEGORY:
        return { rows: [sumRow(EXPENSE, '2026-03-09', '10000', 'JPY', TRAVEL)] };
      default:
        throw new Error(`unexpected grouping ${req.grouping}`);
    }
  });
  h.ledger.answer('listCategories', categoryPage([category(GROCERIES, GROCERIES_NAME), category(RENT, 'Rent'), category(TRAVEL, 'Travel')]));
  h.ledger.on('streamTransactions', async function* () {
    yield {
      rows: [
        tx(INCOME, '2026-03-01', '450000', 'USD', 'Salary March'),
        tx(EXPENSE, '2026-03-02', '60000', 'USD', 'Rent March', 'Rent'),
        tx(EXPENSE, '2026-03-05', '30000', 'USD', 'Big shop', GROCERIES_NAME),
      ],
    };
    yield { rows: [tx(EXPENSE, '2026-03-09', '10000', 'JPY', 'Ramen ×40 in Tokyo', 'Travel'), tx(EXPENSE, '2026-03-20', '60000', 'USD', 'Second big shop', GROCERIES_NAME)] };
  });
  h.budgeting.answer('getBudgetStatus', { date: date('2026-03-31'), items: [budgetItem('Food budget', '80000', '90000', '2026-03-01', '2026-03-31')] });
  h.goals.answer('listGoals', {
    items: [
      goal('Emergency fund', '1000000', '250000', 'USD', goalsV1.GoalStatus.GOAL_STATUS_ACTIVE, '2026-12-31'),
      goal('Old plan', '1000', '0', 'USD', goalsV1.GoalStatus.GOAL_STATUS_CANCELLED),
    ],
    page: { nextCursor: '' },
  });
}

describe('RenderMonthlyReport', () => {
  test('asks each service for the month (and the one before) and prints the figures in the base currency', async () => {
    const userId = h.user('USD');
    scriptMarch(userId);

    const { pdf } = await h.client.renderMonthlyReport({ userId, year: 2026, month: 3 });
    const text = await pdfText(pdf);

    // The month's income total, the previous month's, and the change.
    expect(text).toContain('March 2026');
    expect(text).toContain('4,500.00');
    expect(text).toContain('February 2026: 3,000.00 USD');
    expect(text).toContain('+1,500.00 USD (+50.0 %)');
    // Expenses: 1,500.00 USD + 10,000 JPY at the ECB rate of 2026-03-09 (63.09 USD).
    expect(text).toContain('1,563.09');
    expect(text).toContain('+363.09 USD (+30.3 %)');
    // Categories by name (escaped in the HTML, so printed as typed), the converted one included.
    expect(text).toContain(GROCERIES_NAME.replace(' 🍽️', ''));
    expect(text).toContain('Rent');
    expect(text).toContain('Travel');
    expect(text).toContain('63.09 USD');
    // Budget, goal (the cancelled one left out), largest expenses (the JPY one with its own amount).
    expect(text).toContain('Food budget');
    expect(text).toContain('112.50 %');
    expect(text).toContain('Emergency fund');
    expect(text).toContain('25.00 %');
    expect(text).not.toContain('Old plan');
    expect(text).toContain('Second big shop');
    expect(text).toContain('10,000 JPY');
    expect(text).not.toContain('Salary March');
    expect(text.indexOf('Second big shop')).toBeLessThan(text.indexOf('Rent March'));
    expect(text.indexOf('Big shop')).toBeLessThan(text.indexOf('Ramen'));
    // Who and when.
    expect(text).toContain(`u${userId.slice(0, 8)}`);
    expect(text).toContain(`${userId}@example.com`);
    expect(text).toContain('(UTC)');
    expect(text).toContain("as of 31 Mar 2026, the month's last day");

    // What was asked, and of whom: every call for this user only.
    const sums = h.ledger.callsOf('sumTransactions').map((c) => ({ grouping: c.request.grouping, from: iso(c.request.from), to: iso(c.request.to), currencies: c.request.currencies }));
    expect(sums).toEqual(
      expect.arrayContaining([
        { grouping: SumGrouping.SUM_GROUPING_MONTH, from: '2026-02-01', to: '2026-03-31', currencies: [] },
        { grouping: SumGrouping.SUM_GROUPING_DAY, from: '2026-02-01', to: '2026-03-31', currencies: ['JPY'] },
        { grouping: SumGrouping.SUM_GROUPING_CATEGORY, from: '2026-03-01', to: '2026-03-31', currencies: [] },
        { grouping: SumGrouping.SUM_GROUPING_DAY_CATEGORY, from: '2026-03-01', to: '2026-03-31', currencies: ['JPY'] },
      ]),
    );
    expect(sums).toHaveLength(4);
    expect(h.ledger.lastRequest('streamTransactions')).toEqual({ userId, from: date('2026-03-01'), to: date('2026-03-31') });
    expect(iso(h.budgeting.lastRequest('getBudgetStatus').date)).toBe('2026-03-31');
    expect(h.goals.lastRequest('listGoals')).toMatchObject({ userId, status: goalsV1.GoalStatus.GOAL_STATUS_UNSPECIFIED });
    for (const call of allCalls(h)) if ((call.request as { userId?: string }).userId !== undefined) expect((call.request as { userId: string }).userId).toBe(userId);
  });

  test('the current month: budgets as of today (budgeting resolves it), not the month’s last day', async () => {
    const userId = h.user('USD');
    const now = new Date();
    const [year, month] = [now.getUTCFullYear(), now.getUTCMonth() + 1];
    const today = now.toISOString().slice(0, 10);
    h.ledger.answer('sumTransactions', { rows: [] });
    h.ledger.answer('listCategories', categoryPage([]));
    h.ledger.answer('streamTransactions', []);
    h.budgeting.answer('getBudgetStatus', { date: date(today), items: [] });
    h.goals.answer('listGoals', { items: [], page: { nextCursor: '' } });

    const text = await pdfText((await h.client.renderMonthlyReport({ userId, year, month })).pdf);

    expect(h.budgeting.lastRequest('getBudgetStatus').date).toBeUndefined();
    expect(text).toContain('as of today');
    expect(text).toContain('(the month is not over)');
  });

  test('a month before any data: zeros everywhere, the empty chart, no percentages of nothing', async () => {
    const userId = h.user('EUR');
    h.ledger.answer('sumTransactions', { rows: [] });
    h.ledger.answer('listCategories', categoryPage([]));
    h.ledger.answer('streamTransactions', []);
    h.budgeting.answer('getBudgetStatus', { date: date('2001-01-31'), items: [] });
    h.goals.answer('listGoals', { items: [], page: { nextCursor: '' } });

    const text = await pdfText((await h.client.renderMonthlyReport({ userId, year: 2001, month: 1 })).pdf);

    expect(text).toContain('January 2001');
    expect(text).toContain('December 2000: 0.00 EUR');
    expect(text).toContain('No expenses this month');
    expect(text).toContain('No savings goals.');
    expect(text).not.toContain('%)');
    // January's previous month is December of the year before.
    expect(h.ledger.callsOf('sumTransactions').map((c) => [iso(c.request.from), iso(c.request.to)])).toContainEqual(['2000-12-01', '2001-01-31']);
  });

  test("a month after the current one in the user's zone → 422 on month; only auth was asked", async () => {
    const userId = h.user('USD');
    const later = new Date();
    later.setUTCDate(1);
    later.setUTCMonth(later.getUTCMonth() + 2);
    const err = await rejected(h.client.renderMonthlyReport({ userId, year: later.getUTCFullYear(), month: later.getUTCMonth() + 1 }));
    expect(err).toMatchObject({ status: status.INVALID_ARGUMENT, httpStatus: 422, code: 'REPORTING_INVALID_FIELDS', errors: [{ path: 'month' }] });
    expect(err.errors![0]!.message).toMatch(/must not be after the current month/);
    expect(allCalls(h).map((c) => c.rpc)).toEqual(['getUser']);
  });

  test.each([
    [2026, 13],
    [2026, 0],
    [0, 5],
    [10000, 1],
  ])('year %p month %p → 422 on month before any service is asked', async (year, month) => {
    const userId = h.user('USD');
    expect(await rejected(h.client.renderMonthlyReport({ userId, year, month }))).toMatchObject({ httpStatus: 422, code: 'REPORTING_INVALID_FIELDS', errors: [{ path: 'month' }] });
    expect(allCalls(h)).toEqual([]);
  });

  test('the goals service away → 503 GOALS_UNAVAILABLE, no PDF', async () => {
    const userId = h.user('USD');
    scriptMarch(userId);
    h.proxies.goals.cut();
    expect(await rejected(h.client.renderMonthlyReport({ userId, year: 2026, month: 3 }))).toMatchObject({ status: status.UNAVAILABLE, httpStatus: 503, code: 'GOALS_UNAVAILABLE' });
  });

  test('while the only page prints, with no queue, a second report is refused at once: REPORTING_PDF_BUSY with a retry-after', async () => {
    const userId = h.user('USD');
    scriptMarch(userId);
    const first = h.client.renderMonthlyReport({ userId, year: 2026, month: 3 });
    // The second asks the same services, then finds the page taken.
    const second = rejected(h.client.renderMonthlyReport({ userId, year: 2026, month: 3 }));
    const refused = await second;
    expect(refused).toMatchObject({ status: status.UNAVAILABLE, httpStatus: 503, code: 'REPORTING_PDF_BUSY' });
    expect(refused.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(await pdfText((await first).pdf)).toContain('4,500.00');
  });
});
