import { describe, expect, test } from '@jest/globals';
import { DomainError } from '@finance/platform/errors';
import { validateSumRequest } from './sums.js';

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

describe('sums', () => {
  const d = (year: number, month: number, day: number) => ({ year, month, day });
  test('both bounds and a grouping are required', () => {
    expect(errorsOf(() => validateSumRequest({ from: undefined, to: undefined, type: undefined, grouping: undefined, categoryIds: [] })).map((e) => e.path)).toEqual(['from', 'to', 'grouping']);
  });

  test('from after to and malformed category ids are refused', () => {
    expect(errorsOf(() => validateSumRequest({ from: d(2026, 2, 1), to: d(2026, 1, 1), type: undefined, grouping: 'month', categoryIds: ['x'] })).map((e) => e.path)).toEqual(['from', 'category_ids']);
  });

  test('category ids are canonicalised and deduplicated', () => {
    expect(validateSumRequest({ from: d(2026, 1, 1), to: d(2026, 1, 1), type: 'expense', grouping: 'category', categoryIds: [CAT, CAT.toUpperCase()] }).categoryIds).toEqual([CAT]);
  });
});
