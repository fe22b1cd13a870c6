import { money, type Money } from '@finance/money';
import { requireInt64, sortedUnique } from './int64.js';

/**
 * One sum from the ledger: the expenses of one category (null = uncategorized) in one currency, over
 * the whole range or (for a currency converted day by day) on one day, converted into the base
 * currency where a rate existed (convertSums of @finance/rates).
 */
export interface CategorySum {
  categoryId: string | null;
  currency: string;
  minor: bigint;
  count: bigint;
}

export interface SpendingItem {
  /** null = uncategorized. */
  categoryId: string | null;
  /** undefined for uncategorized, and for a category the list did not know (deleted meanwhile). */
  categoryName: string | undefined;
  total: Money;
  count: bigint;
}

export interface Spending {
  currency: string;
  /** The exact sum of the items. */
  total: Money;
  items: SpendingItem[];
  /** Currencies of expenses that were not counted (no usable exchange rate into the base currency on their day), sorted. */
  excludedCurrencies: string[];
}

/** 0 = a named category, 1 = a category without a known name, 2 = uncategorized (last on ties). */
const rank = (item: SpendingItem) => (item.categoryId === null ? 2 : item.categoryName === undefined ? 1 : 0);

const textOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Largest total first; ties by count (larger first), then by category name (case-insensitive, in
 * code-point order so that no locale data changes it), uncategorized last. Categories with the same
 * name up to case, or without a known name, fall back on their id: the order is total.
 */
function compareSpendingItems(a: SpendingItem, b: SpendingItem): number {
  if (a.total.minor !== b.total.minor) return a.total.minor > b.total.minor ? -1 : 1;
  if (a.count !== b.count) return a.count > b.count ? -1 : 1;
  if (rank(a) !== rank(b)) return rank(a) - rank(b);
  if (a.categoryName !== undefined && b.categoryName !== undefined) {
    const byName = textOrder(a.categoryName.toLowerCase(), b.categoryName.toLowerCase()) || textOrder(a.categoryName, b.categoryName);
    if (byName) return byName;
  }
  return textOrder(a.categoryId ?? '', b.categoryId ?? '');
}

/**
 * Spending per category in the base currency: each item the exact sum of its (converted) sums, the
 * total the exact sum of the items. Sums still in another currency (no usable rate) are left out and
 * their codes listed. Checked against int64.
 */
export function assembleSpending(input: { baseCurrency: string; sums: readonly CategorySum[]; categoryNames: ReadonlyMap<string, string> }): Spending {
  const { baseCurrency } = input;
  const byCategory = new Map<string | null, { minor: bigint; count: bigint }>();
  const excluded: string[] = [];
  for (const sum of input.sums) {
    if (sum.currency !== baseCurrency) {
      excluded.push(sum.currency);
      continue;
    }
    const acc = byCategory.get(sum.categoryId) ?? { minor: 0n, count: 0n };
    byCategory.set(sum.categoryId, { minor: acc.minor + sum.minor, count: acc.count + sum.count });
  }
  const items: SpendingItem[] = [...byCategory].map(([categoryId, { minor, count }]) => ({
    categoryId,
    categoryName: categoryId === null ? undefined : input.categoryNames.get(categoryId),
    total: money(requireInt64(minor), baseCurrency),
    count,
  }));
  items.sort(compareSpendingItems);
  const total = requireInt64(items.reduce((acc, item) => acc + item.total.minor, 0n));
  return { currency: baseCurrency, total: money(total, baseCurrency), items, excludedCurrencies: sortedUnique(excluded) };
}
