import type { EntityManager } from '@mikro-orm/postgresql';
import { canonicalUuid } from '@finance/platform/ids';
import { insertDeletedUser, isUserDeleted, lockUserExclusive, lockUserShared } from '@finance/platform';
import { deleteUserNotificationData, type ErasedNotifications } from '../persistence/notification.queries.js';

/**
 * Erases every row of a user (the answer to auth.user.deleted.v1) and makes it final: notifications,
 * queued and sent e-mails, the profile snapshot. Runs in the consumer's transaction (READ
 * COMMITTED), as in the other services:
 *
 * 1. the user's lock in exclusive mode: waits for every write of the user in progress (each event
 *    handler that notifies or stores a profile holds it in shared mode, see lockLiveUser) to commit
 *    or roll back, and holds off new ones;
 * 2. the tombstone (notifications.deleted_user), which a handler that gets the lock afterwards finds
 *    and then stores nothing: a late event cannot bring a notification, an e-mail or a profile back;
 * 3. the deletes, which therefore see every row a handler committed before step 1. An e-mail the
 *    mail worker is sending right now is locked: its delete waits for the send to end.
 *
 * Idempotent. A user id that is not a uuid owns nothing here.
 */
export async function eraseUserData(em: EntityManager, userId: string, now: Date): Promise<ErasedNotifications> {
  const id = canonicalUuid(userId);
  if (!id) return { notifications: 0, emails: 0, profiles: 0 };
  await lockUserExclusive(em, id);
  await insertDeletedUser(em, id, now);
  return deleteUserNotificationData(em, id);
}

/**
 * Takes the user's lock in shared mode (handlers of one user do not wait for each other, only for an
 * erasure) and tells whether the user is still there (not erased). Must run before the transaction
 * writes anything of the user.
 */
export async function lockLiveUser(tx: EntityManager, userId: string): Promise<boolean> {
  await lockUserShared(tx, userId);
  return !(await isUserDeleted(tx, userId));
}
