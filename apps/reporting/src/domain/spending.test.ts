import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { MAX_STORED_MINOR } from '@finance/money';
import { ReportingErrorCode } from './errors.js';
import { assembleSpending, type CategorySum } from './spending.js';

const FOOD = '00000000-0000-4000-8000-00000000000f';
const RENT = '00000000-0000-4000-8000-00000000000e';
const BOOKS = '00000000-0000-4000-8000-00000000000b';
const GONE = '00000000-0000-4000-8000-0000000000ff';
const names = new Map([
  [FOOD, 'Food'],
  [RENT, 'rent'],
  [BOOKS, 'Books'],
]);

const sum = (categoryId: string | null, minor: bigint, count = 1n, currency = 'USD'): CategorySum => ({ categoryId, currency, minor, count });
/** Items as [name or id or "-", "minor currency", count]: readable in a failure. */
const rows = (s: ReturnType<typeof assembleSpending>) => s.items.map((i) => [i.categoryName ?? i.categoryId ?? '-', `${i.total.minor} ${i.total.currency}`, i.count]);

describe('assembleSpending', () => {
  test('largest total first; the total is the exact sum of the items', () => {
    const s = assembleSpending({ baseCurrency: 'USD', categoryNames: names, sums: [sum(FOOD, 30n, 3n), sum(RENT, 120000n), sum(null, 999n, 2n)] });
    expect(rows(s)).toEqual([
      ['rent', '120000 USD', 1n],
      ['-', '999 USD', 2n],
      ['Food', '30 USD', 3n],
    ]);
    expect(s.total).toEqual({ minor: 121029n, currency: 'USD' });
    expect(s.currency).toBe('USD');
  });

  test('ties: larger count first, then the name (case-insensitive), uncategorized last', () => {
    const s = assembleSpending({
      baseCurrency: 'USD',
      categoryNames: names,
      sums: [sum(null, 500n, 2n), sum(RENT, 500n, 2n), sum(BOOKS, 500n, 2n), sum(FOOD, 500n, 5n)],
    });
    // Food has the most transactions; Books < rent although "B" and "r" differ in case.
    expect(rows(s).map((r) => r[0])).toEqual(['Food', 'Books', 'rent', '-']);
  });

  test('uncategorized has no id and no name; a category the list does not know (deleted meanwhile) keeps its id without a name, before uncategorized', () => {
    const s = assembleSpending({ baseCurrency: 'USD', categoryNames: names, sums: [sum(null, 100n), sum(GONE, 100n), sum(FOOD, 100n)] });
    expect(s.items.map((i) => [i.categoryId, i.categoryName])).toEqual([
      [FOOD, 'Food'],
      [GONE, undefined],
      [null, undefined],
    ]);
  });

  test('other currencies are left out and listed once each, sorted; not converted', () => {
    const s = assembleSpending({
      baseCurrency: 'EUR',
      categoryNames: names,
      sums: [sum(FOOD, 1000n, 1n, 'USD'), sum(FOOD, 250n, 1n, 'EUR'), sum(null, 7n, 1n, 'JPY'), sum(RENT, 1n, 1n, 'USD'), sum(BOOKS, 5n, 1n, 'CHF')],
    });
    expect(rows(s)).toEqual([['Food', '250 EUR', 1n]]);
    expect(s.total).toEqual({ minor: 250n, currency: 'EUR' });
    expect(s.excludedCurrencies).toEqual(['CHF', 'JPY', 'USD']);
  });

  test('only other currencies: no items, a zero total, the currencies listed', () => {
    const s = assembleSpending({ baseCurrency: 'USD', categoryNames: names, sums: [sum(FOOD, 10n, 1n, 'GBP')] });
    expect(s).toEqual({ currency: 'USD', total: { minor: 0n, currency: 'USD' }, items: [], excludedCurrencies: ['GBP'] });
  });

  test('nothing spent: no items, zero in the base currency (JPY has no minor digits, still minor units)', () => {
    expect(assembleSpending({ baseCurrency: 'JPY', categoryNames: new Map(), sums: [] })).toEqual({
      currency: 'JPY',
      total: { minor: 0n, currency: 'JPY' },
      items: [],
      excludedCurrencies: [],
    });
  });

  test('two sums of one category in the base currency are added (robust to any row split)', () => {
    expect(rows(assembleSpending({ baseCurrency: 'USD', categoryNames: names, sums: [sum(FOOD, 10n, 1n), sum(FOOD, 20n, 2n)] }))).toEqual([['Food', '30 USD', 3n]]);
  });

  test('a total beyond int64 is refused, never wrapped or rounded; exactly int64 max is fine', () => {
    const half = MAX_STORED_MINOR / 2n;
    const fits = assembleSpending({ baseCurrency: 'USD', categoryNames: names, sums: [sum(FOOD, half), sum(RENT, MAX_STORED_MINOR - half)] });
    expect(fits.total.minor).toBe(MAX_STORED_MINOR);
    expect(() => assembleSpending({ baseCurrency: 'USD', categoryNames: names, sums: [sum(FOOD, MAX_STORED_MINOR), sum(RENT, 1n)] })).toThrow(
      expect.objectContaining({ kind: 'failed_precondition', code: ReportingErrorCode.sumTooLarge }),
    );
  });

  test('property: the total is the exact sum of the base-currency sums, whatever the split; items are in order', () => {
    const categories = [FOOD, RENT, BOOKS, GONE, null];
    const sumArb = fc.record({
      categoryId: fc.constantFrom(...categories),
      currency: fc.constantFrom('USD', 'USD', 'EUR'),
      minor: fc.bigInt({ min: 1n, max: 10n ** 15n }),
      count: fc.bigInt({ min: 1n, max: 1000n }),
    });
    fc.assert(
      fc.property(fc.array(sumArb, { maxLength: 30 }), (sums) => {
        const s = assembleSpending({ baseCurrency: 'USD', categoryNames: names, sums });
        const usd = sums.filter((x) => x.currency === 'USD');
        expect(s.total.minor).toBe(usd.reduce((a, x) => a + x.minor, 0n));
        expect(s.items.reduce((a, i) => a + i.count, 0n)).toBe(usd.reduce((a, x) => a + x.count, 0n));
        expect(new Set(s.items.map((i) => i.categoryId)).size).toBe(s.items.length);
        for (let i = 1; i < s.items.length; i++) expect(s.items[i - 1]!.total.minor >= s.items[i]!.total.minor).toBe(true);
        expect(s.excludedCurrencies).toEqual(sums.some((x) => x.currency === 'EUR') ? ['EUR'] : []);
      }),
    );
  });
});
