import { describe, test, expect } from '@jest/globals';
import { MoneyError, type MoneyErrorReason } from './errors.js';
import {
  addMoney,
  compareMoney,
  formatMoney,
  isNegative,
  isPositive,
  isZero,
  MAX_STORED_MINOR,
  MIN_STORED_MINOR,
  minorFromDb,
  minorToDb,
  money,
  negateMoney,
  parseMoney,
  subtractMoney,
  sumMoney,
} from './money.js';

function reasonOf(fn: () => unknown): MoneyErrorReason | 'no error' {
  try {
    fn();
    return 'no error';
  } catch (error) {
    if (error instanceof MoneyError) return error.reason;
    throw error;
  }
}

describe('formatMoney', () => {
  test.each([
    [1250n, 'USD', '12.50'],
    [-300n, 'USD', '-3.00'],
    [5n, 'USD', '0.05'],
    [-5n, 'USD', '-0.05'],
    [0n, 'USD', '0.00'],
    [1000n, 'JPY', '1000'],
    [-1000n, 'JPY', '-1000'],
    [0n, 'JPY', '0'],
    [4750n, 'JOD', '4.750'],
    [1n, 'KWD', '0.001'],
    [1n, 'CLF', '0.0001'],
    [10n ** 20n, 'USD', '1000000000000000000.00'], // computed values may exceed the input cap
  ])('%s %s → %s', (minor, currency, text) => {
    expect(formatMoney(money(minor, currency))).toBe(text);
  });

  test('refuses an unknown currency', () => {
    expect(reasonOf(() => formatMoney({ minor: 1n, currency: 'XAU' }))).toBe('unknown_currency');
  });
});

describe('money()', () => {
  test.each<[bigint | string | number, bigint]>([
    [1250n, 1250n],
    ['1250', 1250n],
    ['-1250', -1250n],
    ['0', 0n],
    ['-0', 0n],
    ['9223372036854775807', 9223372036854775807n],
    [1250, 1250n],
    [-7, -7n],
    [Number.MAX_SAFE_INTEGER, 9007199254740991n],
  ])('%j → %s', (minor, expected) => {
    const m = money(minor, 'USD');
    expect(m).toEqual({ minor: expected, currency: 'USD' });
    expect(Object.isFrozen(m)).toBe(true);
  });

  test.each<[unknown, MoneyErrorReason]>([
    ['12.50', 'format'], // minor units, not a decimal
    ['1e3', 'format'],
    [' 1', 'format'],
    ['', 'format'],
    ['+1', 'format'],
    [1.5, 'format'],
    [Number.NaN, 'format'],
    [2 ** 53, 'format'], // not a safe integer: may already be rounded
    [null, 'format'],
  ])('%j → %s', (minor, reason) => {
    expect(reasonOf(() => money(minor as string, 'USD'))).toBe(reason);
  });

  test('refuses an unknown currency', () => {
    expect(reasonOf(() => money(1n, 'usd'))).toBe('unknown_currency');
  });
});

describe('database helpers', () => {
  test('bigint ⇄ string round-trips across the int64 range', () => {
    for (const minor of [0n, 1n, -1n, 1250n, MAX_STORED_MINOR, MIN_STORED_MINOR]) {
      expect(minorFromDb(minorToDb(minor))).toBe(minor);
    }
    expect(minorToDb(-1250n)).toBe('-1250');
  });

  test('accepts what node-postgres returns for a bigint column', () => {
    expect(minorFromDb('123456789012345678')).toBe(123456789012345678n);
    expect(money(minorFromDb('1250'), 'EUR')).toEqual({ minor: 1250n, currency: 'EUR' });
  });

  test.each<[() => unknown, MoneyErrorReason]>([
    [() => minorToDb(MAX_STORED_MINOR + 1n), 'too_large'],
    [() => minorToDb(MIN_STORED_MINOR - 1n), 'too_large'],
    [() => minorFromDb('9223372036854775808'), 'too_large'],
    [() => minorFromDb('-9223372036854775809'), 'too_large'],
    [() => minorFromDb('12.5'), 'format'],
    [() => minorFromDb(''), 'format'],
    [() => minorFromDb(0.5), 'format'],
  ])('%# refuses with %s', (fn, reason) => {
    expect(reasonOf(fn)).toBe(reason);
  });
});

describe('arithmetic', () => {
  const usd = (text: string) => parseMoney(text, 'USD', { allowNegative: true });

  test('add', () => {
    expect(formatMoney(addMoney(usd('0.10'), usd('0.20')))).toBe('0.30');
    expect(formatMoney(addMoney(usd('-5.00'), usd('2.50')))).toBe('-2.50');
  });

  test('subtract', () => {
    expect(formatMoney(subtractMoney(usd('100.00'), usd('120.55')))).toBe('-20.55');
  });

  test('negate', () => {
    expect(formatMoney(negateMoney(usd('3.00')))).toBe('-3.00');
    expect(formatMoney(negateMoney(usd('-3.00')))).toBe('3.00');
    expect(negateMoney(usd('0')).minor).toBe(0n);
  });

  test.each([
    ['1.00', '2.00', -1],
    ['2.00', '1.00', 1],
    ['1.50', '1.5', 0],
    ['-1.00', '0', -1],
  ])('compare %s with %s → %i', (a, b, expected) => {
    expect(compareMoney(usd(a), usd(b))).toBe(expected);
  });

  test('compare sorts amounts', () => {
    const sorted = ['3', '-1', '0.5', '0.05'].map(usd).sort(compareMoney).map(formatMoney);
    expect(sorted).toEqual(['-1.00', '0.05', '0.50', '3.00']);
  });

  test('three times 0.10 is exactly 0.30', () => {
    expect(formatMoney(sumMoney([usd('0.10'), usd('0.10'), usd('0.10')], 'USD'))).toBe('0.30');
  });

  test('sum of nothing is zero in the given currency', () => {
    expect(sumMoney([], 'JPY')).toEqual({ minor: 0n, currency: 'JPY' });
  });

  test('sum accepts any iterable', () => {
    function* items() {
      yield usd('1.00');
      yield usd('2.00');
    }
    expect(formatMoney(sumMoney(items(), 'USD'))).toBe('3.00');
  });

  test.each<[string, () => unknown]>([
    ['add', () => addMoney(money(1n, 'USD'), money(1n, 'EUR'))],
    ['subtract', () => subtractMoney(money(1n, 'USD'), money(1n, 'EUR'))],
    ['compare', () => compareMoney(money(1n, 'USD'), money(1n, 'EUR'))],
    ['sum', () => sumMoney([money(1n, 'USD'), money(1n, 'EUR')], 'USD')],
    ['sum of one item in another currency', () => sumMoney([money(1n, 'EUR')], 'USD')],
  ])('%s across currencies is a currency_mismatch', (_name, fn) => {
    expect(reasonOf(fn)).toBe('currency_mismatch');
  });

  test('mismatch message names both currencies', () => {
    expect(() => addMoney(money(1n, 'USD'), money(1n, 'EUR'))).toThrow(
      'Cannot combine USD and EUR amounts; convert one first',
    );
  });

  test('sum refuses an unknown currency even for an empty list', () => {
    expect(reasonOf(() => sumMoney([], 'XXX'))).toBe('unknown_currency');
  });

  test.each([
    ['0.00', true, false, false],
    ['-0.01', false, true, false],
    ['0.01', false, false, true],
  ])('%s: isZero %s, isNegative %s, isPositive %s', (text, zero, negative, positive) => {
    expect(isZero(usd(text))).toBe(zero);
    expect(isNegative(usd(text))).toBe(negative);
    expect(isPositive(usd(text))).toBe(positive);
  });
});
