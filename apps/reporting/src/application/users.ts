import { requireUserId as requireUserIdOf } from '@finance/platform/ids';
import { errors } from '../domain/errors.js';

/**
 * The caller's user id, canonical. A missing or malformed one is refused at once (why INVALID_ARGUMENT:
 * @finance/platform/ids), before the request's own fields and before any other service is asked.
 */
export function requireUserId(userId: string): string {
  return requireUserIdOf(userId, errors.invalidField);
}
