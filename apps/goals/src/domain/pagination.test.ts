import { describe, expect, test } from '@jest/globals';
import { encodeCursor } from '@finance/platform/pagination';
import { decodeKeysetCursor, encodeKeysetCursor, resolvePageSize } from './pagination.js';

const key = { createdKey: '2026-03-01T10:00:00.123456Z', id: '0b7c4bde-4a3c-4f1e-9b1a-2f6d1c0e9a11' };

describe('keyset cursors', () => {
  test('round trip, per list', () => {
    expect(decodeKeysetCursor('goals', encodeKeysetCursor('goals', key))).toEqual(key);
    expect(decodeKeysetCursor('contributions', encodeKeysetCursor('contributions', key))).toEqual(key);
    expect(decodeKeysetCursor('goals', '')).toBeUndefined();
  });

  test.each([
    ['the other list', encodeKeysetCursor('contributions', key)],
    ['garbage', 'not*a*cursor'],
    ['an impossible instant', encodeCursor(['g', '2026-02-30T10:00:00.000000Z', key.id])],
    ['not a uuid', encodeCursor(['g', key.createdKey, 'x'])],
    ['too short', encodeCursor(['g', key.createdKey])],
  ])('%s is refused on path cursor', (_, cursor) => {
    expect(() => decodeKeysetCursor('goals', cursor)).toThrow(expect.objectContaining({ code: 'GOALS_INVALID_CURSOR', errors: [{ path: 'cursor', message: expect.any(String) }] }));
  });

  test('page sizes', () => {
    expect(resolvePageSize(undefined)).toBe(50);
    expect(resolvePageSize(200)).toBe(200);
    expect(() => resolvePageSize(201)).toThrow(expect.objectContaining({ code: 'GOALS_INVALID_FIELDS' }));
  });
});
