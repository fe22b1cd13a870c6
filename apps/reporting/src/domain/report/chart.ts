import { money, type Money } from '@finance/money';
import type { SpendingItem } from '../spending.js';
import { escapeHtml, formatMoneyText, percentOfWhole, shareForDrawing, truncate } from './format.js';

// The spending chart of the monthly report, drawn here as inline SVG (no library, no script, no
// external resource): one horizontal bar per category, the largest first, the rest folded into
// "Other". Pure, so the geometry is unit-tested.

export const UNCATEGORIZED = 'Uncategorized';
/** A category the ledger no longer names (deleted meanwhile). */
export const UNNAMED = 'Unnamed category';
export const OTHER = 'Other';
export const EMPTY_CHART_TEXT = 'No expenses this month';

/** How many categories get a bar of their own; the rest are one "Other" bar. */
export const CHART_CATEGORIES = 7;

export const PALETTE = ['#2f6fdf', '#18a08a', '#e0912b', '#c9485b', '#7a5bd6', '#3aa3d9', '#8fa33c'];
export const OTHER_COLOR = '#9aa3ae';

export interface ChartRow {
  label: string;
  amount: Money;
  /** Share of the month's spending, `45.50` (percent, two decimals). */
  percent: string;
  color: string;
}

export const categoryLabel = (item: Pick<SpendingItem, 'categoryId' | 'categoryName'>) =>
  item.categoryId === null ? UNCATEGORIZED : (item.categoryName ?? UNNAMED);

/**
 * The bars: the first CHART_CATEGORIES items as they come (spending's order: largest first), then
 * "Other" holding the exact sum of the rest when there is a rest of more than one category (a single
 * remaining category keeps its own name). Items with nothing spent draw no bar.
 */
export function chartRows(items: readonly SpendingItem[], total: Money): ChartRow[] {
  const spent = items.filter((item) => item.total.minor > 0n);
  const own = spent.length <= CHART_CATEGORIES + 1 ? spent : spent.slice(0, CHART_CATEGORIES);
  const rows: ChartRow[] = own.map((item, i) => ({
    label: categoryLabel(item),
    amount: item.total,
    percent: percentOfWhole(item.total.minor, total.minor),
    color: PALETTE[i % PALETTE.length]!,
  }));
  if (own.length < spent.length) {
    const rest = spent.slice(own.length).reduce((acc, item) => acc + item.total.minor, 0n);
    rows.push({ label: `${OTHER} (${spent.length - own.length} categories)`, amount: money(rest, total.currency), percent: percentOfWhole(rest, total.minor), color: OTHER_COLOR });
  }
  return rows;
}

export const CHART_WIDTH = 640;
const LABEL_WIDTH = 170;
const VALUE_WIDTH = 170;
/** The longest bar: the largest row's. */
export const BAR_MAX = CHART_WIDTH - LABEL_WIDTH - VALUE_WIDTH;
const ROW_HEIGHT = 30;
const BAR_HEIGHT = 18;
const LABEL_CHARS = 24;

/** A bar's length: proportional to its amount, the largest row taking BAR_MAX (at least 1 unit, so a tiny amount still shows). */
export function barLength(amount: bigint, largest: bigint): number {
  if (amount <= 0n || largest <= 0n) return 0;
  return Math.max(1, Math.round(BAR_MAX * shareForDrawing(amount, largest)) / 100);
}

/** The chart as an inline SVG element (scales to its container's width). */
export function spendingChartSvg(items: readonly SpendingItem[], total: Money): string {
  const rows = chartRows(items, total);
  if (!rows.length) {
    return (
      `<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${CHART_WIDTH} 60" width="${CHART_WIDTH}" height="60" role="img" aria-label="${EMPTY_CHART_TEXT}">` +
      `<rect x="0.5" y="0.5" width="${CHART_WIDTH - 1}" height="59" rx="6" fill="#f6f7f9" stroke="#dfe3e8"/>` +
      `<text x="${CHART_WIDTH / 2}" y="35" text-anchor="middle" font-size="14" fill="#6b7280">${EMPTY_CHART_TEXT}</text></svg>`
    );
  }
  const largest = rows.reduce((max, row) => (row.amount.minor > max ? row.amount.minor : max), 0n);
  const height = rows.length * ROW_HEIGHT + 6;
  const parts = rows.map((row, i) => {
    const y = 4 + i * ROW_HEIGHT;
    const length = barLength(row.amount.minor, largest);
    const textY = y + BAR_HEIGHT / 2 + 5;
    return (
      `<g class="bar">` +
      `<text x="${LABEL_WIDTH - 10}" y="${textY}" text-anchor="end" font-size="13" fill="#1f2937">${escapeHtml(truncate(row.label, LABEL_CHARS))}</text>` +
      `<rect x="${LABEL_WIDTH}" y="${y}" width="${BAR_MAX}" height="${BAR_HEIGHT}" rx="3" fill="#f1f3f6"/>` +
      `<rect class="fill" x="${LABEL_WIDTH}" y="${y}" width="${length}" height="${BAR_HEIGHT}" rx="3" fill="${row.color}"/>` +
      `<text x="${LABEL_WIDTH + BAR_MAX + 10}" y="${textY}" font-size="12.5" fill="#1f2937">${escapeHtml(formatMoneyText(row.amount))}` +
      `<tspan fill="#6b7280"> · ${row.percent} %</tspan></text>` +
      `</g>`
    );
  });
  return (
    `<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${CHART_WIDTH} ${height}" width="${CHART_WIDTH}" height="${height}" role="img" aria-label="Spending by category">` +
    `${parts.join('')}</svg>`
  );
}
