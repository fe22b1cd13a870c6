import { describe, test, expect } from '@jest/globals';
import { crossRate } from './convert.js';
import { MoneyError } from './errors.js';

describe('crossRate', () => {
  test.each([
    // [eurToFrom, eurToTo, expected] — ECB rates of 2026-04-13 (USD 1.1684, JPY 186.75, GBP 0.87058, CHF 0.9242, IDR 20082.05)
    ['1', '1.1684', '1.1684'], // from EUR: the published value
    ['1', '20082.05', '20082.05'],
    ['1', '1.10', '1.1'], // trailing zeros dropped
    ['1.1684', '1', '0.855871277'], // 0.8558712770 (10 digits), zero dropped
    ['0.87058', '186.75', '214.5121643'], // GBP → JPY
    ['1.1684', '0.9242', '0.7909962342'], // USD → CHF
    ['20082.05', '1', '0.00004979571309'], // small: significant digits, not decimals
    ['1.1684', '20082.05', '17187.64978'],
    ['3', '1', '0.3333333333'],
    ['3', '2', '0.6666666667'],
    ['1.1684', '1.1684', '1'],
  ])('%s → %s: %s', (from, to, expected) => {
    expect(crossRate(from, to)).toBe(expected);
  });

  test.each([
    // Half-even at the last kept digit: ties go to the even neighbour.
    ['8', '1', 2, '0.12'], // 0.125 → 0.12
    ['8', '3', 2, '0.38'], // 0.375 → 0.38
    ['1', '1.25', 2, '1.2'],
    ['1', '1.35', 2, '1.4'],
    ['1', '12250', 3, '12200'],
    ['1', '12350', 3, '12400'],
    ['1', '12345', 3, '12300'], // below the tie
    ['1', '12351', 3, '12400'], // above the tie
    ['1', '9.9999', 3, '10'], // rounding carries into a new digit
    ['0.0001', '372274', 3, '3720000000'],
  ])('%s → %s at %i digits: %s', (from, to, digits, expected) => {
    expect(crossRate(from, to, digits)).toBe(expected);
  });

  test.each([['0'], ['-1.2'], ['1e3'], ['1,08'], ['']])('refuses the rate %j', (bad) => {
    expect(() => crossRate(bad, '1.1684')).toThrow(MoneyError);
    expect(() => crossRate('1.1684', bad)).toThrow(MoneyError);
  });

  test('refuses numbers and silly precision', () => {
    expect(() => crossRate(1.1684 as unknown as string, '1')).toThrow(MoneyError);
    expect(() => crossRate('1', '1', 0)).toThrow(RangeError);
    expect(() => crossRate('1', '1', 2.5)).toThrow(RangeError);
  });
});
