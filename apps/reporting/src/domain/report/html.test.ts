import { describe, expect, test } from '@jest/globals';
import { isoDate } from '@finance/calendar';
import { money } from '@finance/money';
import { EMPTY_CHART_TEXT } from './chart.js';
import { renderMonthlyReportHtml } from './html.js';
import type { MonthlyReportModel } from './model.js';

const usd = (minor: bigint) => money(minor, 'USD');
const totals = (income: bigint, expense: bigint) => ({ income: usd(income), expense: usd(expense), net: usd(income - expense) });

const HOSTILE = `<script>alert("x")</script> & 'q'`;

function model(over: Partial<MonthlyReportModel> = {}): MonthlyReportModel {
  return {
    month: { year: 2026, month: 3 },
    period: { from: isoDate('2026-03-01'), to: isoDate('2026-03-31') },
    previousMonth: { year: 2026, month: 2 },
    user: { username: `ada ${HOSTILE}`, email: 'ada&co@example.com', timezone: 'Europe/Berlin' },
    currency: 'USD',
    generatedAt: { date: isoDate('2026-04-02'), time: '09:05', timezone: 'Europe/Berlin' },
    totals: totals(450000n, 156309n),
    previousTotals: totals(300000n, 120000n),
    excludedCurrencies: [],
    spending: {
      total: usd(156309n),
      items: [
        { categoryId: 'g', categoryName: `Groceries ${HOSTILE}`, total: usd(90000n), count: 3n },
        { categoryId: 'r', categoryName: 'مطعم 🍽️', total: usd(60000n), count: 1n },
        { categoryId: null, categoryName: undefined, total: usd(6309n), count: 1n },
      ],
    },
    budgets: {
      date: isoDate('2026-03-31'),
      today: false,
      items: [
        {
          budgetId: 'b',
          name: `Food ${HOSTILE}`,
          categoryId: 'g',
          amount: usd(80000n),
          spent: usd(90000n),
          remaining: usd(-10000n),
          percentUsed: '112.50',
          status: 'over',
          period: { start: isoDate('2026-03-01'), end: isoDate('2026-03-31') },
          excludedCurrencies: [],
        },
      ],
    },
    goals: [{ name: `Bike ${HOSTILE}`, target: money(150000n, 'EUR'), current: money(50000n, 'EUR'), deadline: isoDate('2026-12-31'), status: 'active' }],
    largestExpenses: [
      { id: 't1', date: isoDate('2026-03-09'), description: `Flight ${HOSTILE}`, categoryName: 'Travel', amount: money(10000n, 'JPY'), converted: usd(6309n) },
      { id: 't2', date: isoDate('2026-03-02'), description: '', categoryName: null, amount: usd(5000n), converted: usd(5000n) },
    ],
    ...over,
  };
}

describe('renderMonthlyReportHtml', () => {
  const html = renderMonthlyReportHtml(model());

  test('one self-contained document: no script, nothing fetched (no src, href or url())', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('<meta charset="utf-8">');
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/\s(src|href)\s*=/i);
    expect(html).not.toMatch(/url\(/i);
    expect(html).not.toMatch(/@import/i);
    // The only URL is the SVG namespace, which is a name, never fetched.
    for (const url of html.matchAll(/https?:\/\/[^\s"']+/g)) expect(url[0]).toBe('http://www.w3.org/2000/svg');
  });

  test('every string the user typed is escaped wherever it appears', () => {
    const escaped = '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39;';
    for (const label of ['ada', 'Groceries', 'Food', 'Bike', 'Flight']) expect(html).toContain(`${label} ${escaped}`);
    expect(html).toContain('ada&amp;co@example.com');
    // Emoji and right-to-left text as they are.
    expect(html).toContain('مطعم 🍽️');
  });

  test('the month, the period, the user, the currency and the generation time in the user’s zone', () => {
    expect(html).toContain('<title>Finance report 2026-03</title>');
    expect(html).toContain('March 2026');
    expect(html).toContain('1 Mar 2026 – 31 Mar 2026');
    expect(html).toContain('amounts in USD');
    expect(html).toContain('Generated 2 Apr 2026, 09:05 (Europe/Berlin)');
  });

  test('totals and their change against the previous month, absolute and in percent', () => {
    expect(html).toContain('4,500.00 <span class="cur">USD</span>');
    expect(html).toContain('+1,500.00 USD (+50.0 %)');
    expect(html).toContain('February 2026: 3,000.00 USD');
    // Expenses went up: shown as bad news; net 2,936.91 against 1,800.00.
    expect(html).toMatch(/class="change bad"><span class="arrow">▲<\/span> \+363\.09 USD \(\+30\.3 %\)/);
    expect(html).toContain('+1,136.91 USD (+63.2 %)');
  });

  test('no percentage against a previous month of zero', () => {
    const fresh = renderMonthlyReportHtml(model({ previousTotals: totals(0n, 0n) }));
    expect(fresh).toContain('+4,500.00 USD</div>');
    expect(fresh).not.toContain('(+');
  });

  test('spending per category with shares; uncategorized named so; the chart inline', () => {
    expect(html).toContain('<svg class="chart"');
    expect(html).toContain('900.00 USD</td><td class="num">57.58 %');
    expect(html).toContain('Uncategorized');
    expect(html).toContain('1,563.09 USD</td><td class="num">100.00 %');
  });

  test('budgets with their day, goals with their progress, the largest expenses converted (original amount beside)', () => {
    expect(html).toContain("as of 31 Mar 2026, the month&#39;s last day");
    expect(html).toContain('−100.00 USD');
    expect(html).toContain('112.50 %');
    expect(html).toContain('>Over<');
    expect(html).toContain('500.00 EUR');
    expect(html).toContain('1,500.00 EUR');
    expect(html).toContain('33.33 %');
    expect(html).toContain('31 Dec 2026');
    expect(html).toContain('63.09 USD<div class="sub">10,000 JPY</div>');
    expect(html).toContain('no description');
  });

  test('the current month: budgets as of today', () => {
    const current = renderMonthlyReportHtml(model({ budgets: { date: isoDate('2026-03-15'), today: true, items: [] } }));
    expect(current).toContain('as of today, 15 Mar 2026 (the month is not over)');
    expect(current).toContain('No budget was active on 15 Mar 2026.');
  });

  test('a month without anything: zeros, the empty chart, and empty-state lines', () => {
    const empty = renderMonthlyReportHtml(
      model({ totals: totals(0n, 0n), previousTotals: totals(0n, 0n), spending: { total: usd(0n), items: [] }, goals: [], largestExpenses: [], budgets: { date: isoDate('2026-03-31'), today: false, items: [] } }),
    );
    expect(empty).toContain(EMPTY_CHART_TEXT);
    expect(empty).toContain('No savings goals.');
    expect(empty).toContain('No expenses this month.');
    expect(empty).toContain('0.00 <span class="cur">USD</span>');
    expect(empty).not.toContain('<table class="data"><thead><tr><th>Category');
  });

  test('currencies left out are named', () => {
    expect(renderMonthlyReportHtml(model({ excludedCurrencies: ['KWD', 'RUB'] }))).toContain('amounts in KWD, RUB (no exchange rate into USD');
    expect(html).not.toContain('Not counted');
  });
});
