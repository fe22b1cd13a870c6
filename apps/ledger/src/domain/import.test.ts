import { describe, expect, test } from '@jest/globals';
import { money } from '@finance/money';
import { DomainError } from '@finance/platform/errors';
import { IMPORT_FIELD_ERRORS_MAX, importFingerprint, validateImportRows, type ImportRowInput } from './import.js';

const row = (over: Partial<ImportRowInput> = {}): ImportRowInput => ({
  amount: '4.50',
  currency: 'USD',
  type: 'expense',
  date: { year: 2026, month: 1, day: 5 },
  description: 'Coffee',
  categoryName: 'Food',
  ...over,
});

function refusal(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
  throw new Error('expected a DomainError');
}

describe('validateImportRows', () => {
  test('valid rows come back parsed: exact minor units in each currency, names trimmed, absent = uncategorized', () => {
    expect(
      validateImportRows([
        row({ amount: '1500', currency: 'JPY', categoryName: '  Food ' }),
        row({ amount: '0.125', currency: 'KWD', categoryName: undefined }),
      ]),
    ).toEqual([
      { amount: money(1500n, 'JPY'), type: 'expense', date: '2026-01-05', description: 'Coffee', categoryName: 'Food' },
      { amount: money(125n, 'KWD'), type: 'expense', date: '2026-01-05', description: 'Coffee', categoryName: null },
    ]);
  });

  test('no rows is a valid import', () => {
    expect(validateImportRows([])).toEqual([]);
  });

  test('every problem of every row is reported on rows[<index>].<field>, the way CreateTransaction checks the field', () => {
    const err = refusal(() =>
      validateImportRows([
        row(),
        row({ amount: '1.5', currency: 'JPY' }),
        row({ currency: 'EURO', type: undefined, date: { year: 2026, month: 13, day: 1 } }),
        row({ description: 'x'.repeat(1001), categoryName: '' }),
        row({ description: 'a\u0000b', categoryName: 'n'.repeat(101) }),
      ]),
    );
    expect(err.code).toBe('LEDGER_INVALID_FIELDS');
    expect(err.kind).toBe('invalid_argument');
    expect(err.errors!.map((e) => e.path)).toEqual([
      'rows[1].amount',
      'rows[2].currency',
      'rows[2].transaction_type',
      'rows[2].date',
      'rows[3].description',
      'rows[3].category_name',
      'rows[4].description',
      'rows[4].category_name',
    ]);
    expect(err.message).toMatch(/^4 row\(s\) invalid \(8 field error\(s\)\)/);
  });

  test(`at most ${IMPORT_FIELD_ERRORS_MAX} field errors travel, the first ones in row order; the message counts them all`, () => {
    const err = refusal(() => validateImportRows(Array.from({ length: 1000 }, () => row({ amount: '-1' }))));
    expect(err.errors).toHaveLength(IMPORT_FIELD_ERRORS_MAX);
    expect(err.errors![0]!.path).toBe('rows[0].amount');
    expect(err.errors![IMPORT_FIELD_ERRORS_MAX - 1]!.path).toBe(`rows[${IMPORT_FIELD_ERRORS_MAX - 1}].amount`);
    expect(err.message).toMatch(/^1000 row\(s\) invalid \(1000 field error\(s\); the first 100 are listed\)/);
  });
});

describe('importFingerprint', () => {
  test('the same rows give the same fingerprint; any change, order or count gives another', () => {
    const rows = [row(), row({ description: 'Tea' })];
    const base = importFingerprint(rows);
    expect(importFingerprint([row(), row({ description: 'Tea' })])).toBe(base);
    for (const other of [
      [rows[1]!, rows[0]!],
      [rows[0]!],
      [...rows, row()],
      [row({ amount: '4.5' }), rows[1]!],
      [row({ categoryName: undefined }), rows[1]!],
      [row({ categoryName: 'food' }), rows[1]!],
      [row({ date: { year: 2026, month: 1, day: 6 } }), rows[1]!],
      [row({ currency: 'EUR' }), rows[1]!],
      [row({ type: 'income' }), rows[1]!],
    ]) {
      expect(importFingerprint(other)).not.toBe(base);
    }
  });

  test('no separator trick makes two different files meet', () => {
    expect(importFingerprint([row({ description: 'a","b' })])).not.toBe(importFingerprint([row({ description: 'a', categoryName: 'b' })]));
  });
});
