import { money, type Money } from '@finance/money';
import type { BudgetStatusView } from '../budget-status.js';
import { categoryLabel, spendingChartSvg } from './chart.js';
import {
  dayText,
  escapeHtml,
  formatAmount,
  formatMoneyText,
  formatSignedMoney,
  monthKey,
  monthTitle,
  percentChange,
  percentOfWhole,
  shareForDrawing,
} from './format.js';
import type { GoalLine, LargeExpense, MonthlyReportModel } from './model.js';

// The monthly report as ONE self-contained HTML document for Chromium to print on A4: inline CSS
// and SVG, no script, no external resource (the renderer blocks the network and turns scripts off
// anyway). Every string that comes from the user (names, descriptions, category names, the
// username and email) goes through escapeHtml; every figure comes from minor units (format.ts).

const e = escapeHtml;

/** A figure's change against the previous month; `upIsGood` colours it (income up is good, expenses up are not). */
function changeLine(current: Money, previous: Money, upIsGood: boolean, previousTitle: string): string {
  const diff = money(current.minor - previous.minor, current.currency);
  const pct = percentChange(current.minor, previous.minor);
  const tone = diff.minor === 0n ? 'flat' : diff.minor > 0n === upIsGood ? 'good' : 'bad';
  const arrow = diff.minor === 0n ? '→' : diff.minor > 0n ? '▲' : '▼';
  return (
    `<div class="change ${tone}"><span class="arrow">${arrow}</span> ${e(formatSignedMoney(diff))}${pct ? ` (${pct})` : ''}</div>` +
    `<div class="prev">${e(previousTitle)}: ${e(formatMoneyText(previous))}</div>`
  );
}

function kpi(title: string, current: Money, previous: Money, upIsGood: boolean, previousTitle: string, extraClass = ''): string {
  return (
    `<div class="kpi ${extraClass}"><div class="kpi-title">${title}</div>` +
    `<div class="kpi-value">${e(formatAmount(current))} <span class="cur">${e(current.currency)}</span></div>` +
    `${changeLine(current, previous, upIsGood, previousTitle)}</div>`
  );
}

function meter(percent: number, tone: string): string {
  const width = Math.max(0, Math.min(100, percent));
  return `<div class="meter"><div class="meter-fill ${tone}" style="width:${width.toFixed(2)}%"></div></div>`;
}

function spendingSection(model: MonthlyReportModel): string {
  const { items, total } = model.spending;
  const rows = items
    .filter((item) => item.total.minor !== 0n)
    .map(
      (item) =>
        `<tr><td class="name">${e(categoryLabel(item))}</td><td class="num">${item.count.toString()}</td>` +
        `<td class="num">${e(formatMoneyText(item.total))}</td><td class="num">${percentOfWhole(item.total.minor, total.minor)} %</td></tr>`,
    )
    .join('');
  const table = rows
    ? `<table class="data"><thead><tr><th>Category</th><th class="num">Transactions</th><th class="num">Spent</th><th class="num">Share</th></tr></thead>` +
      `<tbody>${rows}</tbody><tfoot><tr><td>Total</td><td></td><td class="num">${e(formatMoneyText(total))}</td><td class="num">100.00 %</td></tr></tfoot></table>`
    : '';
  return `<section class="block"><h2>Spending by category</h2><div class="chart-box">${spendingChartSvg(items, total)}</div>${table}</section>`;
}

function budgetRow(b: BudgetStatusView): string {
  const share = shareForDrawing(b.spent.minor, b.amount.minor);
  const tone = b.status === 'over' ? 'bad' : share >= 80 ? 'warn' : 'good';
  const period = b.period.start === b.period.end ? dayText(b.period.start) : `${dayText(b.period.start)} – ${dayText(b.period.end)}`;
  return (
    `<tr><td class="name">${e(b.name)}<div class="sub">${e(period)}</div></td>` +
    `<td class="num">${e(formatMoneyText(b.amount))}</td><td class="num">${e(formatMoneyText(b.spent))}</td>` +
    `<td class="num">${e(formatMoneyText(b.remaining))}</td>` +
    `<td class="meter-cell">${meter(share, tone)}<div class="sub">${e(b.percentUsed)} %</div></td>` +
    `<td><span class="badge ${tone}">${b.status === 'over' ? 'Over' : share >= 80 ? 'Near limit' : 'On track'}</span></td></tr>`
  );
}

function budgetsSection(model: MonthlyReportModel): string {
  const { budgets } = model;
  const asOf = budgets.today ? `as of today, ${dayText(budgets.date)} (the month is not over)` : `as of ${dayText(budgets.date)}, the month's last day`;
  const body = budgets.items.length
    ? `<table class="data"><thead><tr><th>Budget</th><th class="num">Limit</th><th class="num">Spent</th><th class="num">Remaining</th><th>Used</th><th>Status</th></tr></thead>` +
      `<tbody>${budgets.items.map(budgetRow).join('')}</tbody></table>`
    : `<p class="empty">No budget was active on ${e(dayText(budgets.date))}.</p>`;
  return `<section class="block"><h2>Budgets <span class="h-note">${e(asOf)}</span></h2>${body}</section>`;
}

const GOAL_STATUS: Record<GoalLine['status'], string> = { active: 'Active', completed: 'Completed', cancelled: 'Cancelled' };

function goalRow(g: GoalLine): string {
  const percent = percentOfWhole(g.current.minor, g.target.minor);
  const tone = g.status === 'completed' ? 'good' : g.status === 'cancelled' ? 'flat' : 'info';
  return (
    `<tr><td class="name">${e(g.name)}</td><td class="num">${e(formatMoneyText(g.current))}</td><td class="num">${e(formatMoneyText(g.target))}</td>` +
    `<td class="meter-cell">${meter(shareForDrawing(g.current.minor, g.target.minor), tone)}<div class="sub">${percent} %</div></td>` +
    `<td>${g.deadline ? e(dayText(g.deadline)) : '<span class="muted">none</span>'}</td>` +
    `<td><span class="badge ${tone}">${GOAL_STATUS[g.status]}</span></td></tr>`
  );
}

function goalsSection(model: MonthlyReportModel): string {
  const body = model.goals.length
    ? `<table class="data"><thead><tr><th>Goal</th><th class="num">Saved</th><th class="num">Target</th><th>Progress</th><th>Deadline</th><th>Status</th></tr></thead>` +
      `<tbody>${model.goals.map(goalRow).join('')}</tbody></table>`
    : '<p class="empty">No savings goals.</p>';
  return `<section class="block"><h2>Savings goals <span class="h-note">as they stand when this report was made</span></h2>${body}</section>`;
}

function expenseRow(x: LargeExpense, i: number): string {
  const original = x.amount.currency === x.converted.currency ? '' : `<div class="sub">${e(formatMoneyText(x.amount))}</div>`;
  return (
    `<tr><td class="rank">${i + 1}</td><td class="date">${e(dayText(x.date))}</td>` +
    `<td class="name">${x.description ? e(x.description) : '<span class="muted">no description</span>'}</td>` +
    `<td>${x.categoryName === null ? '<span class="muted">Uncategorized</span>' : e(x.categoryName)}</td>` +
    `<td class="num">${e(formatMoneyText(x.converted))}${original}</td></tr>`
  );
}

function largestSection(model: MonthlyReportModel): string {
  const body = model.largestExpenses.length
    ? `<table class="data"><thead><tr><th></th><th>Date</th><th>Description</th><th>Category</th><th class="num">Amount</th></tr></thead>` +
      `<tbody>${model.largestExpenses.map(expenseRow).join('')}</tbody></table>`
    : '<p class="empty">No expenses this month.</p>';
  return `<section class="block"><h2>Largest expenses</h2>${body}</section>`;
}

const STYLE = `
@page { size: A4; margin: 14mm 13mm 15mm 13mm; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; font-family: 'Liberation Sans', 'DejaVu Sans', Arial, Helvetica, sans-serif; color: #1f2937; font-size: 10.5pt; line-height: 1.35; }
header.top { display: flex; justify-content: space-between; align-items: flex-end; padding: 14px 18px; border-radius: 10px;
  background: linear-gradient(135deg, #1e3a8a, #2f6fdf); color: #fff; }
.brand { font-size: 9pt; letter-spacing: 0.12em; text-transform: uppercase; opacity: 0.85; }
h1 { margin: 2px 0 0; font-size: 22pt; font-weight: 700; }
.who { text-align: right; font-size: 9.5pt; line-height: 1.5; }
.who .user { font-weight: 700; font-size: 11pt; }
.kpis { display: flex; gap: 10px; margin: 14px 0 6px; }
.kpi { flex: 1; border: 1px solid #e5e7eb; border-radius: 9px; padding: 10px 12px; background: #fafbfc; }
.kpi.net { background: #f3f7ff; border-color: #c9d8f6; }
.kpi-title { font-size: 8.5pt; text-transform: uppercase; letter-spacing: 0.08em; color: #6b7280; font-weight: 700; }
.kpi-value { font-size: 17pt; font-weight: 700; margin: 3px 0 4px; white-space: nowrap; }
.kpi-value .cur { font-size: 10pt; color: #6b7280; font-weight: 400; }
.change { font-size: 9.5pt; font-weight: 700; }
.change.good { color: #0f8a5f; } .change.bad { color: #c0392b; } .change.flat { color: #6b7280; }
.arrow { font-size: 8pt; }
.prev { font-size: 8.5pt; color: #6b7280; }
.note { margin: 8px 0 0; padding: 7px 10px; border-radius: 7px; background: #fff7e6; border: 1px solid #f5d08a; font-size: 9pt; }
section.block { margin-top: 16px; }
h2 { break-after: avoid; page-break-after: avoid; font-size: 12.5pt; margin: 0 0 7px; padding-bottom: 4px; border-bottom: 2px solid #e5e7eb; color: #111827; }
.h-note { font-size: 8.5pt; font-weight: 400; color: #6b7280; margin-left: 6px; }
.chart-box { margin: 2px 0 8px; }
svg.chart { width: 100%; height: auto; font-family: 'Liberation Sans', 'DejaVu Sans', Arial, sans-serif; }
table.data { width: 100%; border-collapse: collapse; font-size: 9.5pt; }
table.data th { text-align: left; font-size: 8pt; text-transform: uppercase; letter-spacing: 0.06em; color: #6b7280; padding: 4px 6px; border-bottom: 1px solid #d1d5db; }
table.data td { padding: 5px 6px; border-bottom: 1px solid #eef0f3; vertical-align: top; }
table.data tbody tr:nth-child(even) td { background: #fafbfc; }
table.data tfoot td { font-weight: 700; border-top: 1.5px solid #9ca3af; border-bottom: none; }
table.data tr { break-inside: avoid; }
table.data th.num, table.data td.num { text-align: right; white-space: nowrap; }
td.name { overflow-wrap: anywhere; unicode-bidi: plaintext; text-align: left; }
thead { break-after: avoid; }
td.rank { color: #9ca3af; width: 18px; } td.date { white-space: nowrap; }
.sub { font-size: 8pt; color: #6b7280; font-weight: 400; }
.muted { color: #9ca3af; }
.meter-cell { width: 110px; }
.meter { height: 7px; border-radius: 4px; background: #eceff3; overflow: hidden; margin-top: 4px; }
.meter-fill { height: 100%; border-radius: 4px; }
.meter-fill.good { background: #18a08a; } .meter-fill.warn { background: #e0912b; } .meter-fill.bad { background: #c9485b; }
.meter-fill.info { background: #2f6fdf; } .meter-fill.flat { background: #9aa3ae; }
.badge { display: inline-block; padding: 1px 7px; border-radius: 9px; font-size: 8pt; font-weight: 700; white-space: nowrap; }
.badge.good { background: #e3f5ef; color: #0f7a55; } .badge.warn { background: #fdf0dc; color: #9a5b06; }
.badge.bad { background: #fbe6e8; color: #a92f40; } .badge.info { background: #e6eefc; color: #1e4fae; } .badge.flat { background: #eef0f3; color: #4b5563; }
.empty { color: #6b7280; font-style: italic; margin: 4px 0; }
footer { margin-top: 18px; padding-top: 6px; border-top: 1px solid #e5e7eb; font-size: 8pt; color: #6b7280; display: flex; justify-content: space-between; }
`;

/** The whole document. */
export function renderMonthlyReportHtml(model: MonthlyReportModel): string {
  const title = monthTitle(model.month);
  const previousTitle = monthTitle(model.previousMonth);
  const { totals, previousTotals: prev } = model;
  const excluded = model.excludedCurrencies.length
    ? `<p class="note"><strong>Not counted:</strong> amounts in ${e(model.excludedCurrencies.join(', '))} (no exchange rate into ${e(model.currency)} was published for their dates).</p>`
    : '';
  const generated = `${dayText(model.generatedAt.date)}, ${model.generatedAt.time} (${model.generatedAt.timezone})`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Finance report ${e(monthKey(model.month))}</title>
<style>${STYLE}</style></head>
<body>
<header class="top"><div><div class="brand">Finance Tracker · Monthly report</div><h1>${e(title)}</h1>
<div>${e(dayText(model.period.from))} – ${e(dayText(model.period.to))} · amounts in ${e(model.currency)}</div></div>
<div class="who"><div class="user">${e(model.user.username)}</div><div>${e(model.user.email)}</div><div>Generated ${e(generated)}</div></div></header>
<div class="kpis">
${kpi('Income', totals.income, prev.income, true, previousTitle)}
${kpi('Expenses', totals.expense, prev.expense, false, previousTitle)}
${kpi('Net', totals.net, prev.net, true, previousTitle, 'net')}
</div>
${excluded}
${spendingSection(model)}
${budgetsSection(model)}
${goalsSection(model)}
${largestSection(model)}
<footer><span>Finance Tracker · report for ${e(model.user.username)} · ${e(monthKey(model.month))}</span><span>Generated ${e(generated)}</span></footer>
</body></html>`;
}
