import { describe, expect, test } from '@jest/globals';
import { amountFromNumberLiteral, checkAmountSyntax, MoneyError, parseMoney } from './index.js';

// A JSON number's literal text (the gateway reads it with JSON.parse's source text) → the exact
// decimal it denotes, computed on the digits, never through a double.
describe('amountFromNumberLiteral', () => {
  test.each([
    ['1e3', '1000'],
    ['1E3', '1000'],
    ['1e+3', '1000'],
    ['1.25e1', '12.5'],
    ['1e-2', '0.01'],
    ['1e-3', '0.001'], // the currency's precision is checked later (USD refuses it)
    ['12.5e0', '12.5'],
    ['125e-1', '12.5'],
    ['1000e-3', '1'], // a number's value, like the JSON number 1.000 (= 1)
    ['1.50e1', '15'],
    ['0e5', '0'],
    ['0.0e-7', '0'],
    ['-2.5e2', '-250'],
    ['9.99999999999999e14', '999999999999999'],
    ['123456789012345678e-3', '123456789012345.678'], // exact: more digits than a double carries
    ['7036874417766401e-2', '70368744177664.01'], // the double of it would be .02
    ['12.50', '12.5'], // plain literals too, as the value they denote
    ['1000', '1000'],
  ])('%s → %s', (literal, expected) => {
    expect(amountFromNumberLiteral(literal)).toBe(expected);
  });

  test.each([
    ['1e15', 'too_large'],
    ['1e16', 'too_large'],
    ['9.999e15', 'too_large'],
    ['1e999999999', 'too_large'], // refused from the exponent alone: no billion-digit string is built
    ['1e-999999999', 'precision'],
    ['1.5e-30', 'precision'],
    ['NaN', 'format'],
    ['Infinity', 'format'],
    ['-Infinity', 'format'],
    ['0x10', 'format'],
    ['1e', 'format'],
    ['.5e1', 'format'],
    ['+1e3', 'format'],
    ['01e3', 'format'],
    [' 1e3', 'format'],
    ['1e3.5', 'format'],
  ])('%s is refused as %s', (literal, reason) => {
    expect(() => amountFromNumberLiteral(literal)).toThrow(expect.objectContaining({ reason }) as unknown as MoneyError);
  });

  test('the result is a plain decimal that the currency rules then judge', () => {
    expect(parseMoney(amountFromNumberLiteral('1e-2'), 'USD')).toEqual(parseMoney('0.01', 'USD'));
    expect(() => parseMoney(amountFromNumberLiteral('1e-3'), 'USD')).toThrow(expect.objectContaining({ reason: 'precision' }) as unknown as MoneyError);
    expect(parseMoney(amountFromNumberLiteral('1e-3'), 'KWD').minor).toBe(1n);
    expect(parseMoney(amountFromNumberLiteral('1.5e3'), 'JPY').minor).toBe(1500n);
    expect(() => checkAmountSyntax(amountFromNumberLiteral('-1e3'))).toThrow(expect.objectContaining({ reason: 'not_positive' }) as unknown as MoneyError);
  });

  test('an exponent written inside a string is still refused: strings are decimal text (API.md)', () => {
    expect(() => parseMoney('1e3', 'USD')).toThrow(/exponent/);
  });
});
