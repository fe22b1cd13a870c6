import { createHash } from 'node:crypto';
import { errors } from './errors.js';
import { charLength, hasNul } from '@finance/platform/text';

// Idempotency-Key, with Stripe's semantics: the first request with a key is processed and its
// answer stored for 24 hours; the same key with the same request gets that answer again (and
// nothing new is created); the same key with a different request is refused; a request while
// the first with its key is still running is told to retry.

export const IDEMPOTENCY_KEY_MAX = 255;
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

export function validateIdempotencyKey(key: string): string {
  const length = charLength(key);
  if (length < 1 || length > IDEMPOTENCY_KEY_MAX) throw errors.invalidField('Idempotency-Key', `must be 1 to ${IDEMPOTENCY_KEY_MAX} characters`);
  if (hasNul(key)) throw errors.invalidField('Idempotency-Key', 'must not contain NUL characters');
  return key;
}

/** Key order cannot change the hash; undefined and null are the same ("not given"). */
function canonicalJson(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** sha256 of the canonical request: what "the same request" means for a key. */
export function requestFingerprint(request: Record<string, unknown>): string {
  return createHash('sha256').update(canonicalJson(request)).digest('hex');
}
