import { describe, expect, test } from '@jest/globals';
import { decodeBudgetCursor, encodeBudgetCursor, resolvePageSize, toPage } from './pagination.js';

const id = '0b9c2f9e-5d4e-4f7a-9a8b-123456789abc';
const cursor = (parts: unknown) => Buffer.from(JSON.stringify(parts)).toString('base64url');

describe('budget cursors', () => {
  test('round-trip the sort key of the last row', () => {
    const key = { createdKey: '2026-03-01T10:20:30.123456Z', id };
    expect(decodeBudgetCursor(encodeBudgetCursor(key))).toEqual(key);
    expect(decodeBudgetCursor('')).toBeUndefined();
  });

  test.each([
    ['not base64url', 'not a cursor!'],
    ['not JSON', Buffer.from('nope').toString('base64url')],
    ['another list', cursor(['c', 'food', id])],
    ['a malformed id', cursor(['b', '2026-03-01T10:20:30.123456Z', 'x'])],
    ['an impossible timestamp', cursor(['b', '2026-02-30T10:20:30.123456Z', id])],
    ['a timestamp without microseconds', cursor(['b', '2026-03-01T10:20:30Z', id])],
    ['an hour 24', cursor(['b', '2026-03-01T24:00:00.000000Z', id])],
    ['extra parts', cursor(['b', '2026-03-01T10:20:30.123456Z', id, 1])],
    ['a re-encoding that differs (trailing bits)', `${encodeBudgetCursor({ createdKey: '2026-03-01T10:20:30.123456Z', id })}x`],
  ])('%s → INVALID_ARGUMENT on cursor', (_, value) => {
    expect(() => decodeBudgetCursor(value)).toThrow(expect.objectContaining({ code: 'BUDGETING_INVALID_CURSOR', errors: [{ path: 'cursor', message: expect.any(String) }] }));
  });
});

describe('page sizes', () => {
  test('0 or absent = 50; 1..200 as asked; others refused on limit', () => {
    expect(resolvePageSize(undefined)).toBe(50);
    expect(resolvePageSize(0)).toBe(50);
    expect(resolvePageSize(200)).toBe(200);
    for (const bad of [-1, 201, 1.5]) expect(() => resolvePageSize(bad)).toThrow(expect.objectContaining({ errors: [expect.objectContaining({ path: 'limit' })] }));
  });

  test('the extra row only proves a next page', () => {
    expect(toPage([1, 2, 3], 2, (n) => `after ${n}`)).toEqual({ items: [1, 2], nextCursor: 'after 2' });
    expect(toPage([1, 2], 2, (n) => `after ${n}`)).toEqual({ items: [1, 2], nextCursor: '' });
  });
});
