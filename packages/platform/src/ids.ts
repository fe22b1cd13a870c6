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
