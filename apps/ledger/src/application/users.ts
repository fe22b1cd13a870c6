import { canonicalUuid } from '@finance/platform/ids';
import { errors } from '../domain/errors.js';

/**
 * The caller (the gateway) names the authenticated user; a malformed id is a caller bug,
 * answered as an invalid field rather than reaching PostgreSQL as a uuid cast error.
 */
export function requireUserId(userId: string): string {
  const id = canonicalUuid(userId);
  if (!id) throw errors.invalidField('user_id', 'must be a user id (uuid)');
  return id;
}
