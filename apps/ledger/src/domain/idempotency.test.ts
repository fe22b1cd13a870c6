import { describe, expect, test } from '@jest/globals';
import { DomainError } from '@finance/platform/errors';
import { requestFingerprint, validateIdempotencyKey } from './idempotency.js';

function errorsOf(fn: () => unknown) {
  try {
    fn();
  } catch (err) {
    if (err instanceof DomainError) return err.errors ?? [];
    throw err;
  }
  throw new Error('expected a DomainError');
}

describe('idempotency keys', () => {
  test('1 to 255 characters', () => {
    expect(validateIdempotencyKey('k')).toBe('k');
    expect(validateIdempotencyKey('k'.repeat(255))).toHaveLength(255);
    for (const key of ['', 'k'.repeat(256), 'a\u0000b']) {
      expect(errorsOf(() => validateIdempotencyKey(key))).toEqual([{ path: 'Idempotency-Key', message: expect.any(String) }]);
    }
  });

  test('the fingerprint ignores key order and treats absent like null, but sees every value', () => {
    expect(requestFingerprint({ a: '1', b: null })).toBe(requestFingerprint({ b: undefined, a: '1' }));
    expect(requestFingerprint({ a: '1.0' })).not.toBe(requestFingerprint({ a: '1.00' }));
    expect(requestFingerprint({ a: 'x', b: 'y' })).not.toBe(requestFingerprint({ a: 'xy', b: '' }));
  });
});
