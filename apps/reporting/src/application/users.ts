import { canonicalUuid } from '@finance/platform/ids';
import type { FieldErrors } from '../domain/errors.js';

/**
 * The caller (the gateway) names the authenticated user; a malformed id is a caller bug, answered as
 * an invalid field (with the request's other field errors) rather than passed on to other services.
 */
export function readUserId(errors: FieldErrors, userId: string): string | undefined {
  const id = canonicalUuid(userId);
  if (!id) errors.add('user_id', 'must be a user id (uuid)');
  return id;
}
