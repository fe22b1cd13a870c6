// Ids are UUIDs. Anything else is refused before it reaches PostgreSQL, where a malformed
// uuid literal would be a server error instead of a clean "not found" or "invalid".

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A UUID in any letter case (no braces, no missing hyphens). */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

/** The canonical (lower-case) spelling, as PostgreSQL prints uuids; undefined when not a uuid. */
export function canonicalUuid(value: unknown): string | undefined {
  return isUuid(value) ? value.toLowerCase() : undefined;
}

export const USER_ID_MESSAGE = 'must be a user id (uuid)';

/**
 * The user an RPC acts for, in canonical spelling. The gateway sends the subject of an access token
 * it has verified, so a missing or malformed id means a broken caller, not a bad credential: it is
 * INVALID_ARGUMENT (422) naming `user_id`, through the service's own `invalidField` factory. Not
 * UNAUTHENTICATED: that would tell the end user to log in again — which cannot help — and hide the
 * bug among ordinary expired-token answers. A well-formed id without an account is another case,
 * each service's "this account no longer exists" (UNAUTHENTICATED), checked where the account is read.
 */
export function requireUserId(value: unknown, invalidField: (path: string, message: string) => Error): string {
  const id = canonicalUuid(value);
  if (id === undefined) throw invalidField('user_id', USER_ID_MESSAGE);
  return id;
}
