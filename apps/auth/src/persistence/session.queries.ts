import type { EntityManager } from '@mikro-orm/postgresql';

// Revoking sessions in bulk, for a password change.

/**
 * Revokes every live session of `userId` but `keepSessionId` (none kept when undefined) and
 * answers their ids. The rows stay locked until the caller's transaction ends.
 */
export async function revokeSessionsOfUser(tx: EntityManager, userId: string, keepSessionId: string | undefined, at: Date, reason: string): Promise<string[]> {
  // Compared as text: the kept id comes from a token claim and is not cast (a malformed one keeps nothing).
  const rows = await tx.execute<{ id: string }[]>(
    `update auth.session set revoked_at = ?, revoked_reason = ?
      where user_id = ? and revoked_at is null and id::text is distinct from ?
      returning id`,
    [at, reason, userId, keepSessionId ?? null],
  );
  return rows.map((r) => r.id);
}

/** The sessions of `userId` that issued a token pair after `since` (so may have unexpired access tokens). */
export async function selectSessionsIssuingSince(tx: EntityManager, userId: string, since: Date): Promise<string[]> {
  const rows = await tx.execute<{ session_id: string }[]>(
    `select distinct t.session_id from auth.refresh_token t join auth.session s on s.id = t.session_id
      where s.user_id = ? and t.created_at > ?`,
    [userId, since],
  );
  return rows.map((r) => r.session_id);
}
