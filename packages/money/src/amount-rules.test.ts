import { describe, expect, test } from '@jest/globals';
import { checkAmountSyntax, formatMoney, money, parseStoredAmount, reexpressMoney } from './index.js';

const reasonOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return (err as { reason?: string }).reason;
  }
  return undefined;
};

describe('parseStoredAmount', () => {
  test('a positive amount in the currency precision', () => {
    expect(parseStoredAmount('12.50', 'USD')).toEqual(money(1250n, 'USD'));
  });
  test.each([
    ['0', 'USD', 'not_positive'],
    ['-1', 'USD', 'not_positive'],
    ['1.234', 'USD', 'precision'],
    ['999999999999999.9999', 'CLF', 'too_large'], // 15 integer digits × 10^4 does not fit a bigint
  ])('%s %s is refused as %s', (amount, currency, reason) => {
    expect(reasonOf(() => parseStoredAmount(amount, currency))).toBe(reason);
  });
});

describe('checkAmountSyntax (currency not known yet)', () => {
  test.each(['12.50', '12.3456', '1', 0.1])('%p passes: precision is the currency’s check', (amount) => {
    expect(() => checkAmountSyntax(amount)).not.toThrow();
  });
  test.each([
    ['abc', 'format'],
    ['1e3', 'format'],
    ['0', 'not_positive'],
    ['-5', 'not_positive'],
    ['1234567890123456', 'too_large'],
  ])('%p is refused as %s', (amount, reason) => {
    expect(reasonOf(() => checkAmountSyntax(amount))).toBe(reason);
  });
});

describe('reexpressMoney', () => {
  test('keeps the value: 250.00 USD → 250 JPY, 12.50 USD → 12.500 KWD', () => {
    expect(formatMoney(reexpressMoney(money(25000n, 'USD'), 'JPY'))).toBe('250');
    expect(formatMoney(reexpressMoney(money(1250n, 'USD'), 'KWD'))).toBe('12.500');
  });
  test('refuses a value the currency cannot hold: 12.50 USD → JPY', () => {
    expect(reasonOf(() => reexpressMoney(money(1250n, 'USD'), 'JPY'))).toBe('precision');
  });
  test('refuses an unknown currency', () => {
    expect(reasonOf(() => reexpressMoney(money(1250n, 'USD'), 'XYZ'))).toBe('unknown_currency');
  });
});
