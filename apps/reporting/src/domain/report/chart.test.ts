import { describe, expect, test } from '@jest/globals';
import { money } from '@finance/money';
import type { SpendingItem } from '../spending.js';
import { BAR_MAX, barLength, CHART_CATEGORIES, chartRows, EMPTY_CHART_TEXT, OTHER_COLOR, spendingChartSvg } from './chart.js';

const usd = (minor: bigint) => money(minor, 'USD');
const item = (name: string | null, minor: bigint, count = 1n): SpendingItem => ({
  categoryId: name === null ? null : `id-${name}`,
  categoryName: name ?? undefined,
  total: usd(minor),
  count,
});
const totalOf = (items: SpendingItem[]) => usd(items.reduce((acc, i) => acc + i.total.minor, 0n));

/** The widths of the drawn bars (the coloured rects), in order. */
const barWidths = (svg: string) => [...svg.matchAll(/<rect class="fill"[^>]* width="([\d.]+)"/g)].map((m) => Number(m[1]));

describe('chartRows', () => {
  test('up to CHART_CATEGORIES + 1 categories each get a bar, in the order given, with their share of the total', () => {
    const items = [item('Rent', 60000n), item('Food', 30000n), item(null, 10000n)];
    const rows = chartRows(items, totalOf(items));
    expect(rows.map((r) => [r.label, r.amount.minor, r.percent])).toEqual([
      ['Rent', 60000n, '60.00'],
      ['Food', 30000n, '30.00'],
      ['Uncategorized', 10000n, '10.00'],
    ]);
  });

  test('beyond that, the rest is one "Other" bar holding their exact sum; a lone rest keeps its own name', () => {
    const many = Array.from({ length: CHART_CATEGORIES + 3 }, (_, i) => item(`C${i}`, BigInt(1000 - i * 10)));
    const rows = chartRows(many, totalOf(many));
    expect(rows).toHaveLength(CHART_CATEGORIES + 1);
    const rest = many.slice(CHART_CATEGORIES).reduce((acc, i) => acc + i.total.minor, 0n);
    expect(rows.at(-1)).toMatchObject({ label: 'Other (3 categories)', amount: usd(rest), color: OTHER_COLOR });

    const justOneMore = many.slice(0, CHART_CATEGORIES + 1);
    expect(chartRows(justOneMore, totalOf(justOneMore)).map((r) => r.label)).toEqual(justOneMore.map((i) => i.categoryName));
  });

  test('a category the ledger no longer names is shown as such', () => {
    const unnamed: SpendingItem = { categoryId: 'gone', categoryName: undefined, total: usd(5n), count: 1n };
    expect(chartRows([unnamed], usd(5n))[0]!.label).toBe('Unnamed category');
  });
});

describe('spendingChartSvg', () => {
  test('bar lengths are proportional to the amounts, the largest taking the full length', () => {
    const items = [item('A', 80000n), item('B', 40000n), item('C', 20000n), item('D', 1000n)];
    const widths = barWidths(spendingChartSvg(items, totalOf(items)));
    expect(widths).toEqual([BAR_MAX, BAR_MAX / 2, BAR_MAX / 4, Math.round(BAR_MAX * 1.25) / 100]);
  });

  test('"Other" is drawn to the same scale, even when it is the longest bar', () => {
    const items = [item('A', 100n), ...Array.from({ length: CHART_CATEGORIES + 4 }, (_, i) => item(`S${i}`, 90n))];
    const widths = barWidths(spendingChartSvg(items, totalOf(items)));
    // Other = 5 × 90 = 450, the longest; A = 100 is 100/450 of it.
    expect(widths.at(-1)).toBe(BAR_MAX);
    expect(widths[0]).toBe(Math.round((BAR_MAX * 2222) / 100) / 100);
  });

  test('a tiny amount still shows a sliver; nothing spent draws no bar', () => {
    expect(barLength(1n, 10n ** 12n)).toBe(1);
    expect(barLength(0n, 100n)).toBe(0);
  });

  test('no spending: no bars, the empty-state text instead', () => {
    const svg = spendingChartSvg([], usd(0n));
    expect(barWidths(svg)).toEqual([]);
    expect(svg).toContain(EMPTY_CHART_TEXT);
    // Categories with zero spent count as nothing.
    expect(spendingChartSvg([item('Zero', 0n)], usd(0n))).toContain(EMPTY_CHART_TEXT);
  });

  test('labels and amounts are escaped text, long names cut at a code point', () => {
    const items = [item('<script>alert("x")</script> & more', 100n), item('🎉'.repeat(40), 50n)];
    const svg = spendingChartSvg(items, totalOf(items));
    expect(svg).not.toContain('<script');
    expect(svg).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/scr…');
    expect(svg).toContain(`${'🎉'.repeat(23)}…`);
    expect(svg).toContain('1.00 USD');
    expect(svg).toContain('66.67 %');
  });
});
