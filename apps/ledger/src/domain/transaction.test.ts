import { describe, expect, test } from '@jest/globals';
import { money } from '@finance/money';
import { DomainError } from '@finance/platform/errors';
import { applyTransactionChanges, containsPattern, validateNewTransaction, validateTransactionFilter, type NewTransactionInput, type TransactionState } from './transaction.js';

const valid: NewTransactionInput = { amount: '1.00', type: 'income', date: { year: 2026, month: 1, day: 31 }, description: '', categoryId: undefined, currency: 'EUR' };
const CAT = '5d0c6a0e-8f8e-4a49-9b7c-2a2a9a1f0c11';

function errorsOf(fn: () => unknown) {
  try {
    fn();
  } catch (err) {
    if (err instanceof DomainError) return err.errors ?? [];
    throw err;
  }
  throw new Error('expected a DomainError');
}

describe('new transactions', () => {
  test('a description of 1000 characters is fine; 1001 is refused', () => {
    expect(validateNewTransaction({ ...valid, description: 'd'.repeat(1000) }).description).toHaveLength(1000);
    expect(errorsOf(() => validateNewTransaction({ ...valid, description: 'd'.repeat(1001) }))).toEqual([{ path: 'description', message: 'must be at most 1000 characters' }]);
  });

  test('every invalid field is reported at once', () => {
    const errors = errorsOf(() => validateNewTransaction({ amount: '0', type: undefined, date: { year: 2026, month: 2, day: 30 }, description: 'x\u0000', categoryId: 'nope', currency: 'USD' }));
    expect(errors.map((e) => e.path)).toEqual(['amount', 'transaction_type', 'date', 'description', 'category_id']);
  });

  test('a missing date is required', () => {
    expect(errorsOf(() => validateNewTransaction({ ...valid, date: undefined }))).toEqual([{ path: 'date', message: expect.stringContaining('required') }]);
  });

  test('category ids are canonicalised; "" means uncategorized', () => {
    expect(validateNewTransaction({ ...valid, categoryId: CAT.toUpperCase() }).categoryId).toBe(CAT);
    expect(validateNewTransaction({ ...valid, categoryId: '' }).categoryId).toBeNull();
  });
});

describe('changes', () => {
  const current: TransactionState = { amount: money(100n, 'EUR'), type: 'income', date: '2026-01-31', description: 'a', categoryId: CAT };

  test('nothing given changes nothing', () => {
    expect(applyTransactionChanges(current, {})).toEqual({ next: current, changed: false, newCategoryId: undefined });
  });

  test('the same values are not a change', () => {
    expect(applyTransactionChanges(current, { amount: '1.00', description: 'a', categoryId: CAT, type: 'income' }).changed).toBe(false);
  });

  test('"" uncategorizes; another category must be checked by the caller', () => {
    expect(applyTransactionChanges(current, { categoryId: '' })).toMatchObject({ changed: true, next: { categoryId: null }, newCategoryId: undefined });
    const other = '1d0c6a0e-8f8e-4a49-9b7c-2a2a9a1f0c11';
    expect(applyTransactionChanges(current, { categoryId: other })).toMatchObject({ changed: true, newCategoryId: other });
  });

  test('invalid values are refused with their paths', () => {
    expect(errorsOf(() => applyTransactionChanges(current, { amount: '-1', date: { year: 0, month: 1, day: 1 }, currency: 'ABC' })).map((e) => e.path)).toEqual(['currency', 'amount', 'date']);
  });
});

describe('list filters', () => {
  test('q is matched literally: %, _ and \\ are escaped', () => {
    expect(containsPattern('50%_off\\now')).toBe('%50\\%\\_off\\\\now%');
    expect(validateTransactionFilter({ q: 'Coffee' })).toEqual({ descriptionPattern: '%Coffee%' });
    expect(validateTransactionFilter({ q: '' })).toEqual({});
  });

  test('from after to is refused; the same day is fine', () => {
    expect(errorsOf(() => validateTransactionFilter({ from: { year: 2026, month: 2, day: 1 }, to: { year: 2026, month: 1, day: 31 } }))).toEqual([{ path: 'from', message: 'must not be after to' }]);
    expect(validateTransactionFilter({ from: { year: 2026, month: 2, day: 1 }, to: { year: 2026, month: 2, day: 1 } })).toEqual({ from: '2026-02-01', to: '2026-02-01' });
  });

  test('malformed category id, invalid date, over-long q and NUL are refused', () => {
    expect(errorsOf(() => validateTransactionFilter({ categoryId: "1' or '1'='1", to: { year: 2026, month: 13, day: 1 }, q: 'q'.repeat(1001) })).map((e) => e.path)).toEqual([
      'to',
      'category_id',
      'q',
    ]);
    expect(errorsOf(() => validateTransactionFilter({ q: '\u0000' })).map((e) => e.path)).toEqual(['q']);
  });
});
