import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { DomainError } from '@finance/platform/errors';
import {
  decodeCategoryCursor,
  decodeTransactionCursor,
  encodeCategoryCursor,
  encodeTransactionCursor,
  resolvePageSize,
  toPage,
} from './pagination.js';

const ID = '0b7e2a5c-3d4f-4a1b-9c8d-7e6f5a4b3c2d';

function fieldError(fn: () => unknown) {
  try {
    fn();
  } catch (err) {
    if (err instanceof DomainError) return { code: err.code, path: err.errors?.[0]?.path };
    throw err;
  }
  throw new Error('expected a DomainError');
}

describe('page size', () => {
  test('0 or absent is the default of 50; 1 and 200 are the bounds', () => {
    expect(resolvePageSize(0)).toBe(50);
    expect(resolvePageSize(undefined)).toBe(50);
    expect(resolvePageSize(1)).toBe(1);
    expect(resolvePageSize(200)).toBe(200);
  });

  test.each([201, -1, 1000, 2 ** 31 - 1])('%d is refused on path limit', (limit) => {
    expect(fieldError(() => resolvePageSize(limit))).toEqual({ code: 'LEDGER_INVALID_FIELDS', path: 'limit' });
  });
});

describe('cursors', () => {
  test('a transaction cursor round-trips and is URL-safe', () => {
    const cursor = encodeTransactionCursor({ date: '2026-03-05', id: ID.toUpperCase() });
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeTransactionCursor(cursor)).toEqual({ date: '2026-03-05', id: ID });
  });

  test('a category cursor round-trips any name key', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 100, unit: 'grapheme' }), fc.uuid(), (name, id) => {
        const key = name.replaceAll('\u0000', '');
        fc.pre(key.length > 0);
        expect(decodeCategoryCursor(encodeCategoryCursor({ nameKey: key, id }))).toEqual({ nameKey: key, id: id.toLowerCase() });
      }),
    );
  });

  test('empty means the first page', () => {
    expect(decodeTransactionCursor('')).toBeUndefined();
    expect(decodeCategoryCursor(undefined)).toBeUndefined();
  });

  const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

  test.each([
    ['not base64url', 'not a cursor!'],
    ['base64 padding', `${b64(['t', '2026-03-05', ID])}==`],
    ['not JSON', b64('{{{')],
    ['a JSON object', b64({ date: '2026-03-05', id: ID })],
    ['the category list’s cursor', encodeCategoryCursor({ nameKey: 'food', id: ID })],
    ['an impossible date', b64(['t', '2026-02-30', ID])],
    ['an SQL fragment as id', b64(['t', '2026-03-05', "x' or 1=1 --"])],
    ['a number as date', b64(['t', 20260305, ID])],
    ['extra parts', b64(['t', '2026-03-05', ID, 'x'])],
    ['a huge cursor', 'A'.repeat(5000)],
  ])('%s is refused on path cursor', (_, cursor) => {
    expect(fieldError(() => decodeTransactionCursor(cursor))).toEqual({ code: 'LEDGER_INVALID_CURSOR', path: 'cursor' });
  });

  test('random strings never decode to something else than a refusal or a valid cursor', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        try {
          const c = decodeTransactionCursor(s);
          expect(c === undefined || /^\d{4}-\d{2}-\d{2}$/.test(c.date)).toBe(true);
        } catch (err) {
          expect(err).toBeInstanceOf(DomainError);
        }
      }),
    );
  });
});

describe('pages', () => {
  test('one row more than the limit proves a next page; the cursor names the last row shown', () => {
    expect(toPage([1, 2, 3], 2, (n) => `after-${n}`)).toEqual({ items: [1, 2], nextCursor: 'after-2' });
    expect(toPage([1, 2], 2, (n) => `after-${n}`)).toEqual({ items: [1, 2], nextCursor: '' });
    expect(toPage([], 2, (n) => `after-${n}`)).toEqual({ items: [], nextCursor: '' });
  });
});
