import { describe, expect, test } from '@jest/globals';
import { decodeCursor, encodeCursor, resolvePageSize, toPage } from './pagination.js';

const invalid = (path: string, message: string) => new Error(`${path}: ${message}`);

describe('resolvePageSize', () => {
  test('absent or 0 is the default 50; 1..200 as given', () => {
    expect(resolvePageSize(undefined, invalid)).toBe(50);
    expect(resolvePageSize(0, invalid)).toBe(50);
    expect(resolvePageSize(1, invalid)).toBe(1);
    expect(resolvePageSize(200, invalid)).toBe(200);
  });

  test.each([-1, 201, 1.5, Number.NaN])('%p is the service’s invalid-field error on limit', (limit) => {
    expect(() => resolvePageSize(limit, invalid)).toThrow('limit: must be between 1 and 200');
  });
});

describe('cursors', () => {
  test('round trip', () => {
    const cursor = encodeCursor(['t', '2026-03-01', 'Ä id']);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor, 100)).toEqual(['t', '2026-03-01', 'Ä id']);
  });

  test('refused: too long, not base64url, not re-encoding to itself, not JSON, not an array', () => {
    const cursor = encodeCursor(['t', 'x']);
    expect(decodeCursor(cursor, cursor.length - 1)).toBeUndefined();
    expect(decodeCursor(`${cursor}=`, 100)).toBeUndefined();
    expect(decodeCursor(`${cursor.slice(0, -1)}${cursor.endsWith('A') ? 'B' : 'A'}`, 100)).toBeUndefined();
    expect(decodeCursor(Buffer.from('{not json').toString('base64url'), 100)).toBeUndefined();
    expect(decodeCursor(Buffer.from('{"a":1}').toString('base64url'), 100)).toBeUndefined();
  });
});

describe('toPage', () => {
  test('limit + 1 rows: limit items and a cursor naming the last one shown; fewer: no cursor', () => {
    expect(toPage([1, 2, 3], 2, (last) => `after ${last}`)).toEqual({ items: [1, 2], nextCursor: 'after 2' });
    expect(toPage([1, 2], 2, (last) => `after ${last}`)).toEqual({ items: [1, 2], nextCursor: '' });
  });
});
