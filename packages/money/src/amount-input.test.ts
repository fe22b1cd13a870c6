import { describe, expect, test } from '@jest/globals';
import { amountToDecimalString, MoneyError, parseMoney } from './index.js';

describe('amountToDecimalString (before the currency is known)', () => {
  test.each([
    [0.1, '0.1'],
    [12.5, '12.5'],
    [1000, '1000'],
    [999999999999999, '999999999999999'],
    ['12.345', '12.345'], // strings pass through; the currency's precision is checked later
    ['nonsense', 'nonsense'],
  ])('%p → %p', (input, expected) => {
    expect(amountToDecimalString(input)).toBe(expected);
  });

  test.each([
    [1e21, 'too_large'],
    [1234567890123456, 'too_large'],
    [1e-7, 'precision'],
    [70368744177664.01, 'precision'],
    [0.30000000000000004, 'precision'],
    [Number.NaN, 'format'],
    [Number.POSITIVE_INFINITY, 'format'],
    [null, 'format'],
    [true, 'format'],
    [{ amount: 1 }, 'format'],
  ])('%p is refused as %s', (input, reason) => {
    expect(() => amountToDecimalString(input)).toThrow(expect.objectContaining({ reason }) as unknown as MoneyError);
  });

  test('what it returns parses to the same amount parseMoney gives for the number', () => {
    for (const n of [0.1, 12.5, 7, 0.07, 123456789.12]) {
      expect(parseMoney(amountToDecimalString(n), 'USD')).toEqual(parseMoney(n, 'USD'));
    }
  });
});
