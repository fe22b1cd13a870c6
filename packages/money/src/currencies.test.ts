import { describe, test, expect } from '@jest/globals';
import { getCurrency, isCurrencyCode, listCurrencies, requireCurrency } from './currencies.js';
import { MoneyError } from './errors.js';

// Pinned so that a careless data update (or a bad regeneration of the table) fails here.
describe('ISO 4217 minor units', () => {
  test.each([
    ['USD', 2], ['EUR', 2], ['GBP', 2], ['CHF', 2], ['CAD', 2],
    ['JPY', 0], ['KRW', 0], ['VND', 0], ['ISK', 0], ['CLP', 0], ['XAF', 0], ['XOF', 0],
    ['PYG', 0], ['UGX', 0], ['XPF', 0],
    ['KWD', 3], ['BHD', 3], ['JOD', 3], ['OMR', 3], ['TND', 3], ['LYD', 3], ['IQD', 3],
    ['CLF', 4], ['UYW', 4],
    // Recent codes: VES (2018), SLE (2022), VED (2021), ZWG (2024), XCG (2025), XAD (2025).
    ['VES', 2], ['SLE', 2], ['VED', 2], ['ZWG', 2], ['XCG', 2], ['XAD', 2],
  ])('%s has %i minor units', (code, minorUnits) => {
    expect(getCurrency(code)?.minorUnits).toBe(minorUnits);
    expect(isCurrencyCode(code)).toBe(true);
  });
});

describe('codes that cannot hold amounts', () => {
  test.each([
    // No minor unit in ISO ("N.A."): precious metals, bond units, units of account, testing.
    'XAU', 'XAG', 'XPT', 'XPD', 'XBA', 'XBB', 'XBC', 'XBD', 'XDR', 'XSU', 'XUA', 'XTS', 'XXX',
    // Withdrawn: ANG→XCG (2025), CUC (2021/amendment 178), BGN→EUR (2026), HRK→EUR, SLL→SLE, ZWL→ZWG, …
    'ANG', 'CUC', 'BGN', 'HRK', 'SLL', 'ZWL', 'VEF', 'MRO', 'STD', 'LTL', 'DEM',
  ])('%s is not usable', (code) => {
    expect(getCurrency(code)).toBeUndefined();
    expect(isCurrencyCode(code)).toBe(false);
    expect(() => requireCurrency(code)).toThrow(expect.objectContaining({ reason: 'unknown_currency' }));
  });
});

describe('code syntax', () => {
  test.each([['usd'], ['Usd'], [' USD'], ['USD '], ['US'], ['USDX'], [''], ['U$D']])(
    '%j is rejected (exact upper case only)',
    (code) => {
      expect(isCurrencyCode(code)).toBe(false);
      expect(getCurrency(code)).toBeUndefined();
    },
  );

  test.each([[null], [undefined], [840], [{}], [['USD']]])('non-string %j is not a code', (value) => {
    expect(isCurrencyCode(value)).toBe(false);
    expect(getCurrency(value as unknown as string)).toBeUndefined();
  });

  test('a lower-case code gets a message naming the upper-case one', () => {
    expect(() => requireCurrency('usd')).toThrow('use "USD" instead of "usd"');
  });

  test('an unknown code gets a generic, actionable message', () => {
    expect(() => requireCurrency('ABC')).toThrow(new MoneyError('unknown_currency', 'Unknown currency: use an active ISO 4217 code in upper case, like "USD" or "EUR"'));
  });
});

describe('listCurrencies', () => {
  const all = listCurrencies();

  test('is sorted by code with no duplicates', () => {
    const codes = all.map((c) => c.code);
    expect(codes).toEqual([...new Set(codes)].sort());
  });

  test('has every active currency of ISO list one less the N.A. codes (165)', () => {
    expect(all).toHaveLength(165);
  });

  test('every entry is well formed', () => {
    for (const c of all) {
      expect(c.code).toMatch(/^[A-Z]{3}$/);
      expect([0, 2, 3, 4]).toContain(c.minorUnits);
      expect(c.name.trim()).toBe(c.name);
      expect(c.name.length).toBeGreaterThan(0);
      expect(getCurrency(c.code)).toBe(c);
    }
  });

  test('carries ISO English names', () => {
    expect(getCurrency('USD')?.name).toBe('US Dollar');
    expect(getCurrency('XCG')?.name).toBe('Caribbean Guilder');
    expect(getCurrency('ZWG')?.name).toBe('Zimbabwe Gold');
  });

  test('entries cannot be mutated', () => {
    const usd = getCurrency('USD')!;
    expect(Object.isFrozen(usd)).toBe(true);
    expect(Object.isFrozen(all)).toBe(true);
  });
});
