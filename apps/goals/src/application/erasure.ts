import type { EntityManager } from '@mikro-orm/postgresql';
import { canonicalUuid } from '@finance/platform/ids';
import { deleteUserOutboxMessages, insertDeletedUser, isUserDeleted, lockUserExclusive, lockUserShared } from '@finance/platform';
import { errors } from '../domain/errors.js';
import { deleteUserGoalData } from '../persistence/contribution.queries.js';

export interface ErasedCounts {
  goals: number;
  contributions: number;
  milestones: number;
  transactions: number;
  outboxMessages: number;
}

/**
 * Erases every row of a user (the answer to auth.user.deleted.v1) and makes it final: goals, their
 * contributions and milestone marks, the recorded transactions, outbox rows of events about the
 * user. Runs in the caller's transaction (READ COMMITTED, so each statement sees what committed
 * before it started):
 *
 * 1. the user's lock in exclusive mode: waits for every write of the user in progress (each holds
 *    it in shared mode, see guardUserWrite) to commit or roll back, and holds off new ones;
 * 2. the tombstone (goals.deleted_user), which a write that gets the lock afterwards finds;
 * 3. the deletes, which therefore see every row a write committed before step 1.
 *
 * So a write either commits before the erasure and is erased with the rest, or waits and is refused
 * (GOALS_USER_NOT_FOUND, 401). Idempotent. A user id that is not a uuid owns nothing here.
 */
export async function eraseUserData(em: EntityManager, userId: string, now: Date): Promise<ErasedCounts> {
  const id = canonicalUuid(userId);
  if (!id) return { goals: 0, contributions: 0, milestones: 0, transactions: 0, outboxMessages: 0 };
  await lockUserExclusive(em, id);
  await insertDeletedUser(em, id, now);
  const erased = await deleteUserGoalData(em, id);
  const outboxMessages = await deleteUserOutboxMessages(em, id);
  return { ...erased, outboxMessages };
}

/**
 * Takes the user's lock in shared mode (writes of one user do not wait for each other, only for an
 * erasure) and tells whether the user was erased. Must run before the transaction writes or locks
 * anything else of the user, or an erasure waiting for it could wait for the erasure's rows.
 */
export async function lockLiveUser(tx: EntityManager, userId: string): Promise<boolean> {
  await lockUserShared(tx, userId);
  return !(await isUserDeleted(tx, userId));
}

/** The first step of every writing transaction of a user: refuses the write (GOALS_USER_NOT_FOUND, 401) when the user was erased. */
export async function guardUserWrite(tx: EntityManager, userId: string): Promise<void> {
  if (!(await lockLiveUser(tx, userId))) throw errors.userNotFound();
}
