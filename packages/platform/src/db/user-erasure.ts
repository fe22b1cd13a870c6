import type { EntityManager } from '@mikro-orm/postgresql';

// Erasure that is final under races, the same in every service that stores user data: a
// `deleted_user` tombstone table in the service's schema (each service's migration creates it) and
// one transaction-scoped advisory lock per user, taken exclusively by the erasure and shared by
// every write of the user (writes do not block each other). Either a write commits before the
// erasure and is erased with the rest, or it finds the tombstone. The statements are unqualified:
// every connection's search_path starts with the service's own schema (openDatabase), which also
// names the lock (`<schema>.user:<id>`), so two services never share one.

const LOCK = "hashtextextended(current_schema() || '.user:' || ?, 0)";

/** Waits for every write of the user in progress to end, and holds off new ones until the caller's transaction ends. */
export async function lockUserExclusive(tx: EntityManager, userId: string): Promise<void> {
  await tx.execute(`select pg_advisory_xact_lock(${LOCK})`, [userId]);
}

/** Waits for an erasure of the user in progress to end, and holds off the next one until the caller's transaction ends. */
export async function lockUserShared(tx: EntityManager, userId: string): Promise<void> {
  await tx.execute(`select pg_advisory_xact_lock_shared(${LOCK})`, [userId]);
}

/**
 * lockUserShared without waiting: false when an erasure of the user holds (or waits for) the lock.
 * For batch work over many users (a scheduler) that already holds row locks: waiting there could
 * deadlock with an erasure waiting for those rows, so such work skips the user and comes back later.
 */
export async function tryLockUserShared(tx: EntityManager, userId: string): Promise<boolean> {
  const [row] = await tx.execute<{ acquired: boolean }[]>(`select pg_try_advisory_xact_lock_shared(${LOCK}) as acquired`, [userId]);
  return Boolean(row?.acquired);
}

/** Whether the user's data was erased. Run as its own statement after the lock, so it sees an erasure that just committed. */
export async function isUserDeleted(tx: EntityManager, userId: string): Promise<boolean> {
  const rows = await tx.execute<{ found: number }[]>('select 1 as found from deleted_user where user_id = ?', [userId]);
  return rows.length > 0;
}

/** Records the user as deleted (once: a redelivered erasure keeps the first time). */
export async function insertDeletedUser(tx: EntityManager, userId: string, now: Date): Promise<void> {
  await tx.execute('insert into deleted_user (user_id, deleted_at) values (?, ?) on conflict (user_id) do nothing', [userId, now]);
}

/**
 * Deletes the outbox rows of events about the user, relayed or not; returns how many. Their payloads
 * hold the user's data, and every consumer erases the user on auth.user.deleted.v1 anyway, so an
 * event not relayed yet has nothing left to tell. (A row the relay is publishing right now is
 * locked: the delete waits for it and then removes it.)
 */
export async function deleteUserOutboxMessages(tx: EntityManager, userId: string): Promise<number> {
  return (await tx.execute<{ affectedRows: number }>("delete from outbox_message where payload->>'user_id' = ?", [userId], 'run')).affectedRows;
}
