import { describe, test, expect } from '@jest/globals';
import { convertMoney, crossConvertMoney, percentOf } from './convert.js';
import { MoneyError, type MoneyErrorReason } from './errors.js';
import { formatMoney, money, parseMoney } from './money.js';

function reasonOf(fn: () => unknown): MoneyErrorReason | 'no error' {
  try {
    fn();
    return 'no error';
  } catch (error) {
    if (error instanceof MoneyError) return error.reason;
    throw error;
  }
}

const amount = (text: string, currency: string) => parseMoney(text, currency, { allowNegative: true });

describe('convertMoney', () => {
  test.each([
    // [amount, from, rate, to, expected]
    ['100.00', 'EUR', '1.0876', 'USD', '108.76'],
    ['12.34', 'EUR', '17500.55', 'IDR', '215956.79'], // 215956.787 → .79
    ['1.00', 'EUR', '20082.05', 'HUF', '20082.05'],
    ['1000', 'JPY', '0.0067', 'USD', '6.70'],
    ['10.00', 'USD', '0.30745', 'KWD', '3.074'], // 3.0745: tie → even 4
    ['10.00', 'USD', '0.30755', 'KWD', '3.076'], // 3.0755: tie → even 6
    // Half-even at the target's minor unit.
    ['0.05', 'USD', '0.5', 'EUR', '0.02'], // 0.025 → 0.02
    ['0.15', 'USD', '0.5', 'EUR', '0.08'], // 0.075 → 0.08
    ['0.25', 'USD', '0.5', 'EUR', '0.12'], // 0.125 → 0.12
    ['0.27', 'USD', '0.5', 'EUR', '0.14'], // 0.135 → 0.14
    ['1.00', 'EUR', '161.5', 'JPY', '162'], // 161.5 → 162
    ['1.00', 'EUR', '162.5', 'JPY', '162'], // 162.5 → 162
    ['1.00', 'EUR', '162.51', 'JPY', '163'], // above the tie
    ['-0.05', 'USD', '0.5', 'EUR', '-0.02'], // negative: symmetric
    ['-0.15', 'USD', '0.5', 'EUR', '-0.08'],
    ['1', 'JPY', '0.001', 'USD', '0.00'], // rounds to zero
    ['12.34', 'USD', '1', 'USD', '12.34'],
    ['12.34', 'USD', '1.000000', 'USD', '12.34'],
  ])('%s %s × %s → %s %s', (value, from, rate, to, expected) => {
    const result = convertMoney(amount(value, from), rate, to);
    expect(result.currency).toBe(to);
    expect(formatMoney(result)).toBe(expected);
  });

  test.each<[unknown, MoneyErrorReason]>([
    ['0', 'not_positive'],
    ['0.0000', 'not_positive'],
    ['-1.2', 'not_positive'],
    ['1e3', 'format'],
    ['', 'format'],
    ['.5', 'format'],
    ['1,0876', 'format'],
    ['+1.08', 'format'],
    ['01.08', 'format'],
    ['1.0876 ', 'format'],
    ['1.' + '1'.repeat(30), 'format'], // absurdly long
    [1.0876, 'format'], // numbers are refused: rates stay exact
    [null, 'format'],
  ])('rate %j → %s', (rate, reason) => {
    expect(reasonOf(() => convertMoney(money(100n, 'EUR'), rate as string, 'USD'))).toBe(reason);
  });

  test('refuses unknown currencies', () => {
    expect(reasonOf(() => convertMoney(money(100n, 'EUR'), '1.1', 'usd'))).toBe('unknown_currency');
    expect(reasonOf(() => convertMoney({ minor: 100n, currency: 'XAU' }, '1.1', 'USD'))).toBe('unknown_currency');
  });

  test('rate message is actionable', () => {
    expect(() => convertMoney(money(100n, 'EUR'), '0', 'USD')).toThrow('Exchange rate must be greater than zero');
    expect(() => convertMoney(money(100n, 'EUR'), '1e3', 'USD')).toThrow(/^Exchange rate must not use exponent notation/);
  });
});

describe('crossConvertMoney', () => {
  test('USD → EUR → JPY at ECB rates, rounded once', () => {
    // 100 × 161.23 / 1.0876 = 14824.4207… → 14824
    const result = crossConvertMoney(amount('100.00', 'USD'), '1.0876', '161.23', 'JPY');
    expect(formatMoney(result)).toBe('14824');
    expect(result.currency).toBe('JPY');
  });

  test('GBP → EUR → USD', () => {
    // 50 × 1.0876 / 0.8541 = 63.669359… → 63.67
    expect(formatMoney(crossConvertMoney(amount('50.00', 'GBP'), '0.8541', '1.0876', 'USD'))).toBe('63.67');
  });

  test('rounds only once: converting through EUR and back is the identity', () => {
    // Two roundings would give 0.06: 0.05 / 1.1 = 0.04545… → 0.05 EUR, × 1.1 = 0.055 → 0.06.
    expect(formatMoney(crossConvertMoney(amount('0.05', 'USD'), '1.1', '1.1', 'USD'))).toBe('0.05');
  });

  test('a tie is rounded half-even', () => {
    // 1.00 USD × 5 / 2 = 2.5 JPY → 2; × 7 / 2 = 3.5 → 4
    expect(formatMoney(crossConvertMoney(amount('1.00', 'USD'), '2', '5', 'JPY'))).toBe('2');
    expect(formatMoney(crossConvertMoney(amount('1.00', 'USD'), '2', '7', 'JPY'))).toBe('4'); // 3.5 → 4
  });

  test('from EUR with eurToFrom "1" equals a direct conversion', () => {
    const eur = amount('123.45', 'EUR');
    expect(crossConvertMoney(eur, '1', '1.0876', 'USD')).toEqual(convertMoney(eur, '1.0876', 'USD'));
  });

  test('refuses a bad rate on either side', () => {
    expect(reasonOf(() => crossConvertMoney(money(1n, 'USD'), '0', '1.1', 'GBP'))).toBe('not_positive');
    expect(reasonOf(() => crossConvertMoney(money(1n, 'USD'), '1.1', '1e2', 'GBP'))).toBe('format');
  });
});

describe('percentOf', () => {
  test.each([
    // [part, whole, fractionDigits, expected]
    ['37.50', '150.00', 2, '25.00'],
    ['0.01', '0.03', 2, '33.33'],
    ['0.02', '0.03', 2, '66.67'],
    ['0.01', '0.03', 4, '33.3333'],
    ['0.01', '0.03', 0, '33'],
    ['0.01', '0.08', 0, '12'], // 12.5 → 12
    ['0.03', '0.08', 0, '38'], // 37.5 → 38
    ['0.01', '16.00', 2, '0.06'], // 0.0625 → 0.06
    ['0.01', '8.00', 2, '0.12'], // 0.125 → 0.12
    ['0.03', '16.00', 2, '0.19'], // 0.1875 → 0.19
    ['300.00', '200.00', 2, '150.00'], // over budget
    ['0.00', '200.00', 2, '0.00'],
    ['-50.00', '200.00', 2, '-25.00'],
    ['-0.01', '8.00', 2, '-0.12'], // symmetric half-even
  ])('%s of %s at %i digits → %s', (part, whole, digits, expected) => {
    expect(percentOf(amount(part, 'USD'), amount(whole, 'USD'), digits)).toBe(expected);
  });

  test('defaults to two decimals', () => {
    expect(percentOf(amount('1', 'USD'), amount('3', 'USD'))).toBe('33.33');
  });

  test('refuses to mix currencies', () => {
    expect(reasonOf(() => percentOf(money(1n, 'USD'), money(1n, 'EUR')))).toBe('currency_mismatch');
  });

  test.each([
    ['a zero whole', () => percentOf(money(1n, 'USD'), money(0n, 'USD'))],
    ['negative digits', () => percentOf(money(1n, 'USD'), money(3n, 'USD'), -1)],
    ['fractional digits', () => percentOf(money(1n, 'USD'), money(3n, 'USD'), 1.5)],
    ['too many digits', () => percentOf(money(1n, 'USD'), money(3n, 'USD'), 21)],
  ])('%s is a RangeError', (_name, fn) => {
    expect(fn).toThrow(RangeError);
  });
});
