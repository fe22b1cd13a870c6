import { describe, expect, test } from '@jest/globals';
import { money } from '@finance/money';
import { changedAmount } from './amount-fields.js';
import { DomainError, FieldErrors } from './errors.js';

const collect = () => new FieldErrors((errors) => new DomainError('invalid_argument', 'TEST_INVALID_FIELDS', 'invalid', { errors }));
const usd = money('1250', 'USD'); // 12.50 USD

describe('changedAmount', () => {
  test('nothing about the amount changes: undefined, no error', () => {
    const errors = collect();
    expect(changedAmount(errors, usd, {})).toBeUndefined();
    expect(changedAmount(errors, usd, { currency: 'USD' })).toBeUndefined();
    expect(errors.list).toEqual([]);
  });

  test('a new amount is read in the new currency, or the current one', () => {
    const errors = collect();
    expect(changedAmount(errors, usd, { amount: '3.5' })).toEqual(money('350', 'USD'));
    expect(changedAmount(errors, usd, { amount: '300', currency: 'JPY' })).toEqual(money('300', 'JPY'));
    expect(errors.list).toEqual([]);
  });

  test('a new currency alone keeps the value, where the currency can hold it', () => {
    const errors = collect();
    expect(changedAmount(errors, money('25000', 'USD'), { currency: 'JPY' })).toEqual(money('250', 'JPY'));
    expect(changedAmount(errors, usd, { currency: 'JPY' })).toBeUndefined();
    expect(errors.list.map((e) => e.path)).toEqual(['currency']);
  });

  test('an unknown currency is a currency error, and the amount’s syntax is still checked', () => {
    const errors = collect();
    expect(changedAmount(errors, usd, { amount: '1e3', currency: 'XXQ' })).toBeUndefined();
    expect(errors.list.map((e) => e.path)).toEqual(['currency', 'amount']);
  });
});
