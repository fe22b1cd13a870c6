import { requireUserId as requireUserIdOf } from '@finance/platform/ids';
import { errors } from '../domain/errors.js';

/** The caller's user id, canonical; a missing or malformed one is INVALID_ARGUMENT (why: @finance/platform/ids). */
export function requireUserId(userId: string): string {
  return requireUserIdOf(userId, errors.invalidField);
}
