import { describe, test, expect } from '@jest/globals';
import { formatScaled, parseDecimal, roundHalfEven } from './decimal.js';

describe('roundHalfEven', () => {
  test.each([
    // [numerator, denominator, expected]
    [5n, 2n, 2n], // 2.5 → 2 (tie, 2 is even)
    [7n, 2n, 4n], // 3.5 → 4 (tie, 4 is even)
    [-5n, 2n, -2n],
    [-7n, 2n, -4n],
    [25n, 10n, 2n],
    [35n, 10n, 4n],
    [1n, 3n, 0n],
    [2n, 3n, 1n],
    [-2n, 3n, -1n],
    [26n, 10n, 3n], // above the tie: away from zero
    [-26n, 10n, -3n],
    [24n, 10n, 2n],
    [15n, -10n, -2n], // negative denominator
    [-15n, -10n, 2n],
    [0n, 7n, 0n],
    [12n, 4n, 3n], // exact
    [10n ** 30n + 5n, 10n, 10n ** 29n], // big numbers: 1e29 + 0.5 → even 1e29
  ])('%s / %s → %s', (n, d, expected) => {
    expect(roundHalfEven(n, d)).toBe(expected);
  });

  test('refuses a zero denominator', () => {
    expect(() => roundHalfEven(1n, 0n)).toThrow(RangeError);
  });
});

describe('formatScaled', () => {
  test.each([
    [1250n, 2, '12.50'],
    [5n, 2, '0.05'],
    [-5n, 2, '-0.05'],
    [0n, 2, '0.00'],
    [1000n, 0, '1000'],
    [-1000n, 0, '-1000'],
    [4750n, 3, '4.750'],
    [1n, 4, '0.0001'],
  ])('%s at %i digits → %s', (value, digits, expected) => {
    expect(formatScaled(value, digits)).toBe(expected);
  });
});

describe('parseDecimal', () => {
  test('splits sign, integer and fraction digits', () => {
    expect(parseDecimal('-12.50', 'Amount')).toEqual({ negative: true, int: '12', frac: '50' });
    expect(parseDecimal('7', 'Amount')).toEqual({ negative: false, int: '7', frac: '' });
  });

  test('names the value in its messages', () => {
    expect(() => parseDecimal('1e3', 'Exchange rate')).toThrow(/^Exchange rate must not use exponent notation/);
  });
});
