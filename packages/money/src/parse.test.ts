import { describe, test, expect } from '@jest/globals';
import { MoneyError, type MoneyErrorReason } from './errors.js';
import { parseMoney, type ParseMoneyOptions } from './money.js';

function caught(fn: () => unknown): MoneyError {
  try {
    fn();
  } catch (error) {
    if (error instanceof MoneyError) return error;
    throw error;
  }
  throw new Error('expected a MoneyError, got a result');
}

function reasonOf(fn: () => unknown): MoneyErrorReason | 'no error' {
  try {
    fn();
    return 'no error';
  } catch (error) {
    if (error instanceof MoneyError) return error.reason;
    throw error;
  }
}

describe('parseMoney accepts', () => {
  test.each<[unknown, string, bigint]>([
    ['12.50', 'USD', 1250n],
    ['1.5', 'USD', 150n], // fewer digits than allowed: 1.50
    ['12', 'USD', 1200n],
    ['0', 'USD', 0n],
    ['0.05', 'USD', 5n],
    ['0.5', 'USD', 50n],
    ['999999999999999', 'USD', 99999999999999900n], // 15 integer digits: the maximum
    ['999999999999999.99', 'USD', 99999999999999999n],
    ['1000', 'JPY', 1000n],
    ['4.75', 'JOD', 4750n],
    ['4.750', 'KWD', 4750n],
    ['1.2345', 'CLF', 12345n],
    ['-0.00', 'USD', 0n], // negative zero is zero, so it passes even without allowNegative
    [12.5, 'USD', 1250n], // JSON numbers
    [0.1, 'USD', 10n], // exactly ten cents, not 0.1000000000000000055…
    [100, 'USD', 10000n],
    [0, 'USD', 0n],
    [-0, 'USD', 0n],
    [1000, 'JPY', 1000n],
    [999999999999999, 'USD', 99999999999999900n],
    [1234567890123.45, 'USD', 123456789012345n], // 15 significant digits
  ])('%j %s → %s minor units', (input, currency, minor) => {
    expect(parseMoney(input, currency)).toEqual({ minor, currency });
  });

  test('the result is frozen', () => {
    expect(Object.isFrozen(parseMoney('1.00', 'USD'))).toBe(true);
  });
});

describe('parseMoney rejects', () => {
  test.each<[unknown, MoneyErrorReason]>([
    // Exponent notation.
    ['1e3', 'format'],
    ['1E3', 'format'],
    ['1.5e2', 'format'],
    ['1e-2', 'format'],
    // Empty / whitespace.
    ['', 'format'],
    ['   ', 'format'],
    ['\t\n', 'format'],
    [' 12.50', 'format'],
    ['12.50 ', 'format'],
    // Not finite, not numeric.
    ['NaN', 'format'],
    ['Infinity', 'format'],
    ['-Infinity', 'format'],
    ['abc', 'format'],
    ['12.50 USD', 'format'],
    ['$12.50', 'format'],
    ['0x10', 'format'],
    ['-', 'format'],
    ['--5', 'format'],
    ['1.2.3', 'format'],
    ['١٢', 'format'], // Arabic-Indic digits
    ['１２', 'format'], // full-width digits
    // Leading "+".
    ['+5', 'format'],
    ['+5.00', 'format'],
    // Digits required on both sides of the point.
    ['.5', 'format'],
    ['5.', 'format'],
    ['-.5', 'format'],
    ['.', 'format'],
    // Thousands separators and decimal commas.
    ['1,000', 'format'],
    ['1,000.00', 'format'],
    ['1 000', 'format'],
    ['1_000', 'format'],
    ["1'000", 'format'],
    ['12,50', 'format'],
    // Leading zeros (decision: refused, like JSON numbers).
    ['007', 'format'],
    ['00.50', 'format'],
    ['-007', 'format'],
    ['00', 'format'],
    // More than 15 integer digits.
    ['1234567890123456', 'too_large'],
    ['9999999999999999.99', 'too_large'],
    ['-1234567890123456', 'too_large'],
    // More fraction digits than USD has.
    ['1.500', 'precision'],
    ['0.001', 'precision'],
    ['12.505', 'precision'],
    // Wrong types, and JSON numbers that are not finite or not exact.
    [null, 'format'],
    [undefined, 'format'],
    [true, 'format'],
    [{}, 'format'],
    [[], 'format'],
    [['12.50'], 'format'],
    [1250n, 'format'],
    [Number.NaN, 'format'],
    [Number.POSITIVE_INFINITY, 'format'],
    [Number.NEGATIVE_INFINITY, 'format'],
    [1e21, 'too_large'], // prints as "1e+21"
    [1e16, 'too_large'], // 17 integer digits
    [123456789012345680000, 'too_large'],
    [0.30000000000000004, 'precision'], // 0.1 + 0.2
    [1.005, 'precision'],
    [1e-7, 'precision'], // prints as "1e-7"
    [123456789012345.67, 'precision'], // 17 significant digits: send as a string
    [70368744177664.01, 'precision'], // a double turns .01 into .02 here
  ])('%j in USD → %s', (input, reason) => {
    expect(reasonOf(() => parseMoney(input, 'USD'))).toBe(reason);
  });

  test.each<[string, string, MoneyErrorReason]>([
    ['1.0', 'JPY', 'precision'],
    ['1.5', 'KRW', 'precision'],
    ['4.7501', 'JOD', 'precision'],
    ['1.23456', 'CLF', 'precision'],
    ['1.00', 'usd', 'unknown_currency'],
    ['1.00', 'XAU', 'unknown_currency'],
    ['1.00', 'ANG', 'unknown_currency'],
    ['1.00', '', 'unknown_currency'],
  ])('%j in %s → %s', (input, currency, reason) => {
    expect(reasonOf(() => parseMoney(input, currency))).toBe(reason);
  });

  test('an unknown currency is reported before a bad amount', () => {
    expect(reasonOf(() => parseMoney('abc', 'XYZ'))).toBe('unknown_currency');
  });
});

describe('sign options', () => {
  test.each<[string, ParseMoneyOptions, MoneyErrorReason | bigint]>([
    ['-5.00', {}, 'negative'],
    ['-0.01', {}, 'negative'],
    ['-5.00', { allowNegative: false }, 'negative'],
    ['-5.00', { allowNegative: true }, -500n],
    ['0.00', { allowNegative: true }, 0n],
    ['0', {}, 0n],
    ['0', { requirePositive: true }, 'not_positive'],
    ['0.00', { requirePositive: true }, 'not_positive'],
    ['-0.00', { requirePositive: true }, 'not_positive'],
    ['-5.00', { requirePositive: true }, 'not_positive'],
    ['-5.00', { requirePositive: true, allowNegative: true }, 'not_positive'],
    ['0.01', { requirePositive: true }, 1n],
  ])('%j with %j → %s', (input, opts, expected) => {
    if (typeof expected === 'bigint') {
      expect(parseMoney(input, 'USD', opts).minor).toBe(expected);
    } else {
      expect(reasonOf(() => parseMoney(input, 'USD', opts))).toBe(expected);
    }
  });

  test('a JSON number obeys the same options', () => {
    expect(reasonOf(() => parseMoney(-1, 'USD'))).toBe('negative');
    expect(parseMoney(-1, 'USD', { allowNegative: true }).minor).toBe(-100n);
  });
});

describe('messages a user can act on', () => {
  test.each<[unknown, string, string]>([
    ['1.500', 'USD', 'USD allows at most 2 decimal places'],
    ['1.5', 'JPY', 'JPY does not allow decimal places'],
    ['1.2345', 'KWD', 'KWD allows at most 3 decimal places'],
    ['1e3', 'USD', 'Amount must not use exponent notation (like "1e3"): write the digits out, like "1000.00"'],
    ['', 'USD', 'Amount is empty: expected a plain decimal number like "12.50"'],
    ['   ', 'USD', 'Amount is empty: expected a plain decimal number like "12.50"'],
    [' 1', 'USD', 'Amount must not contain spaces: expected a plain decimal number like "12.50"'],
    ['NaN', 'USD', 'Amount must be a finite number: expected a plain decimal number like "12.50"'],
    ['+5', 'USD', 'Amount must not start with "+": write "12.50", not "+12.50"'],
    ['.5', 'USD', 'Amount needs a digit before the decimal point: write "0.50", not ".50"'],
    ['5.', 'USD', 'Amount needs digits after the decimal point: write "5.00" or "5", not "5."'],
    ['1,234.50', 'USD', 'Amount must use "." as the decimal point and no thousands separators: write "1234.50", not "1,234.50"'],
    ['007', 'USD', 'Amount must not have leading zeros (write "7.50", not "07.50")'],
    ['abc', 'USD', 'Amount must be a plain decimal number like "12.50"'],
    ['1234567890123456', 'USD', 'Amount is too large: at most 15 digits before the decimal point'],
    [null, 'USD', 'Amount must be a decimal string like "12.50" or a number'],
    [Number.NaN, 'USD', 'Amount must be a finite number, like "12.50"'],
    [
      123456789012345.67,
      'USD',
      'Amount has more than 15 significant digits, too many for a JSON number to carry exactly: send it as a decimal string, like "12.50"',
    ],
    ['-1', 'USD', 'Amount must not be negative'],
  ])('%j %s → %j', (input, currency, message) => {
    const error = caught(() => parseMoney(input, currency));
    expect(error.message).toBe(message);
    expect(error.name).toBe('MoneyError');
  });

  test('requirePositive explains itself', () => {
    expect(() => parseMoney('0', 'USD', { requirePositive: true })).toThrow('Amount must be greater than zero');
  });
});
