import { describe, expect, test } from '@jest/globals';
import { DomainError } from '@finance/platform/errors';
import { amountInBaseCurrency, applyTransactionChanges, validateNewTransaction, type NewTransactionInput, type TransactionState } from './transaction.js';
import { money } from '@finance/money';

const valid: NewTransactionInput = {
  amount: '12.50',
  type: 'expense',
  date: { year: 2026, month: 3, day: 15 },
  description: 'lunch',
  categoryId: undefined,
  currency: 'USD',
};

function fieldErrors(fn: () => unknown) {
  try {
    fn();
  } catch (err) {
    if (err instanceof DomainError) return { kind: err.kind, code: err.code, errors: err.errors };
    throw err;
  }
  throw new Error('expected a DomainError');
}

describe('transaction amounts', () => {
  test('a decimal string in the precision of its currency becomes exact minor units', () => {
    expect(validateNewTransaction(valid).amount).toEqual(money(1250n, 'USD'));
    expect(validateNewTransaction({ ...valid, amount: '1000', currency: 'JPY' }).amount).toEqual(money(1000n, 'JPY'));
    expect(validateNewTransaction({ ...valid, amount: '1.005', currency: 'KWD' }).amount).toEqual(money(1005n, 'KWD'));
  });

  test.each([
    ['too many decimals for USD', '1.005', 'USD', /at most 2 decimal places/],
    ['any decimals for JPY', '10.5', 'JPY', /does not allow decimal places/],
    ['zero', '0', 'USD', /greater than zero/],
    ['zero with decimals', '0.00', 'USD', /greater than zero/],
    ['negative', '-5.00', 'USD', /greater than zero/],
    ['not a number', 'abc', 'USD', /plain decimal number/],
    ['exponent', '1e3', 'USD', /exponent/],
    ['more than 15 integer digits', '1234567890123456', 'USD', /at most 15 digits/],
    ['empty', '', 'USD', /empty/],
    ['thousands separator', '1,234.50', 'USD', /thousands separators/],
  ])('%s is refused on path amount with the money message', (_, amount, currency, message) => {
    const err = fieldErrors(() => validateNewTransaction({ ...valid, amount, currency }));
    expect(err).toMatchObject({ kind: 'invalid_argument', code: 'LEDGER_INVALID_FIELDS' });
    expect(err.errors).toEqual([{ path: 'amount', message: expect.stringMatching(message) }]);
  });

  test('an amount that would not fit a bigint is refused as too large', () => {
    expect(fieldErrors(() => validateNewTransaction({ ...valid, amount: '999999999999999.9999', currency: 'CLF' })).errors).toEqual([
      { path: 'amount', message: 'Amount is too large to store' },
    ]);
    expect(validateNewTransaction({ ...valid, amount: '922337203685477.5807', currency: 'CLF' }).amount?.minor).toBe(2n ** 63n - 1n);
  });

  test('15 integer digits are fine', () => {
    expect(validateNewTransaction({ ...valid, amount: '999999999999999.99' }).amount?.minor).toBe(99999999999999999n);
  });

  test('an unknown currency is reported on path currency, not amount', () => {
    expect(fieldErrors(() => validateNewTransaction({ ...valid, currency: 'XYZ' })).errors).toEqual([{ path: 'currency', message: expect.stringContaining('Unknown currency') }]);
    expect(fieldErrors(() => validateNewTransaction({ ...valid, currency: 'usd' })).errors).toEqual([{ path: 'currency', message: expect.stringContaining('"USD"') }]);
  });

  test('without a currency the syntax is checked at once and the precision once the base currency is known', () => {
    expect(fieldErrors(() => validateNewTransaction({ ...valid, currency: undefined, amount: '-1' })).errors).toEqual([{ path: 'amount', message: expect.stringContaining('greater than zero') }]);
    const pending = validateNewTransaction({ ...valid, currency: undefined, amount: '10.5' });
    expect(pending.amount).toBeUndefined();
    expect(amountInBaseCurrency(pending.amountText, 'EUR')).toEqual(money(1050n, 'EUR'));
    expect(fieldErrors(() => amountInBaseCurrency(pending.amountText, 'JPY')).errors).toEqual([{ path: 'amount', message: 'JPY does not allow decimal places' }]);
  });

  test('changing only the currency keeps the decimal amount, or says why it cannot', () => {
    const current: TransactionState = { amount: money(1250n, 'USD'), type: 'expense', date: '2026-03-15', description: '', categoryId: null };
    expect(applyTransactionChanges(current, { currency: 'EUR' }).next.amount).toEqual(money(1250n, 'EUR'));
    expect(applyTransactionChanges(current, { currency: 'KWD' }).next.amount).toEqual(money(12500n, 'KWD'));
    expect(fieldErrors(() => applyTransactionChanges(current, { currency: 'JPY' })).errors).toEqual([{ path: 'currency', message: expect.stringContaining('12.50 cannot be expressed in JPY') }]);
    expect(applyTransactionChanges(current, { currency: 'JPY', amount: '13' }).next.amount).toEqual(money(13n, 'JPY'));
  });
});
