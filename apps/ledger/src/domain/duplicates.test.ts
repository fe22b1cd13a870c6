import { describe, expect, test } from '@jest/globals';
import { money } from '@finance/money';
import { countNewRows, type DuplicateKeyFields } from './duplicates.js';

const coffee = (over: Partial<DuplicateKeyFields & { line: number }> = {}) => ({
  line: 2,
  date: '2026-01-05',
  type: 'expense' as const,
  amount: money(450n, 'USD'),
  categoryName: 'Food',
  description: 'Coffee',
  ...over,
});

describe('countNewRows', () => {
  test('two identical coffees in the file and one stored → one imported, one skipped', () => {
    const file = [coffee({ line: 2 }), coffee({ line: 3 })];
    const { toImport, skipped } = countNewRows(file, [coffee()]);
    expect(toImport.map((r) => r.line)).toEqual([3]);
    expect(skipped).toBe(1);
  });

  test('re-importing the same file imports nothing', () => {
    const file = [coffee({ line: 2 }), coffee({ line: 3 }), coffee({ line: 4, description: 'Tea' })];
    const first = countNewRows(file, []);
    expect(first).toEqual({ toImport: file, skipped: 0 });
    const again = countNewRows(file, first.toImport);
    expect(again).toEqual({ toImport: [], skipped: 3 });
  });

  test('more stored than in the file: nothing imported, the file rows skipped', () => {
    expect(countNewRows([coffee()], [coffee(), coffee(), coffee()])).toEqual({ toImport: [], skipped: 1 });
  });

  test('the category name compares case-insensitively; no category is its own key', () => {
    expect(countNewRows([coffee({ categoryName: 'FOOD' })], [coffee({ categoryName: 'food' })]).skipped).toBe(1);
    expect(countNewRows([coffee({ categoryName: null })], [coffee()]).skipped).toBe(0);
    expect(countNewRows([coffee({ categoryName: null })], [coffee({ categoryName: null })]).skipped).toBe(1);
  });

  test.each<[string, Partial<DuplicateKeyFields>]>([
    ['date', { date: '2026-01-06' }],
    ['type', { type: 'income' }],
    ['amount', { amount: money(451n, 'USD') }],
    ['currency', { amount: money(450n, 'EUR') }],
    ['description (exact, case counts)', { description: 'coffee' }],
    ['description (spaces count)', { description: 'Coffee ' }],
    ['category', { categoryName: 'Drinks' }],
  ])('a different %s is a different transaction', (_name, change) => {
    expect(countNewRows([coffee(change)], [coffee()])).toEqual({ toImport: [coffee(change)], skipped: 0 });
  });

  test('amounts compare by value: 4.5 and 4.50 are the same', () => {
    expect(countNewRows([coffee({ amount: money('450', 'USD') })], [coffee({ amount: money(450n, 'USD') })]).skipped).toBe(1);
  });

  test('no separator trick makes two different rows meet', () => {
    const a = coffee({ description: 'a","b', categoryName: 'c' });
    const b = coffee({ description: 'a', categoryName: 'b","c' });
    expect(countNewRows([a], [b]).skipped).toBe(0);
  });
});
