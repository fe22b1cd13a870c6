import type { EntityManager } from '@mikro-orm/postgresql';
import { canonicalUuid } from '@finance/platform/ids';
import { errors } from '../domain/errors.js';
import { deleteBudgetsOfCategory, deleteUserBudgetData, lockCategory } from '../persistence/budget.queries.js';
import { deleteUserOutboxMessages, insertDeletedUser, isUserDeleted, lockUserExclusive, lockUserShared } from '@finance/platform';

export interface ErasedCounts {
  budgets: number;
  alerts: number;
  thresholdChecks: number;
  deletedCategories: number;
  outboxMessages: number;
}

/**
 * Erases every row of a user (the answer to auth.user.deleted.v1) and makes it final: budgets,
 * their alert marks and threshold-check rows, the record of their deleted categories, outbox rows
 * of events about the user (budget alerts not yet published included).
 * Runs in the caller's transaction (READ COMMITTED, so each statement sees what committed before it
 * started):
 *
 * 1. the user's lock in exclusive mode: waits for every write of the user in progress (each holds
 *    it in shared mode, see guardUserWrite) to commit or roll back, and holds off new ones;
 * 2. the tombstone (budgeting.deleted_user), which a write that gets the lock afterwards finds;
 * 3. the deletes, which therefore see every row a write committed before step 1.
 *
 * So a write either commits before the erasure and is erased with the rest, or waits and is refused
 * (BUDGETING_USER_NOT_FOUND, 401). Idempotent. A user id that is not a uuid owns nothing here.
 */
export async function eraseUserData(em: EntityManager, userId: string, now: Date): Promise<ErasedCounts> {
  const id = canonicalUuid(userId);
  if (!id) return { budgets: 0, alerts: 0, thresholdChecks: 0, deletedCategories: 0, outboxMessages: 0 };
  await lockUserExclusive(em, id);
  await insertDeletedUser(em, id, now);
  const erased = await deleteUserBudgetData(em, id);
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

/** The first step of every writing transaction of a user: refuses the write (BUDGETING_USER_NOT_FOUND, 401) when the user was erased. */
export async function guardUserWrite(tx: EntityManager, userId: string): Promise<void> {
  if (!(await lockLiveUser(tx, userId))) throw errors.userNotFound();
}

/**
 * The ledger deleted a category (ledger.category.deleted.v1): its budgets go too, whatever the
 * transactions were reassigned to (API.md). Runs in the caller's transaction, under the category's
 * lock, and records the category so a budget created for it afterwards is refused. Idempotent.
 * For an erased user it does nothing: the event may arrive after the erasure (it comes through the
 * ledger's stream, the erasure through auth's), and recording the category would leave a row behind.
 */
export async function deleteCategoryBudgets(em: EntityManager, input: { userId: string; categoryId: string; now: Date }): Promise<number> {
  const userId = canonicalUuid(input.userId);
  const categoryId = canonicalUuid(input.categoryId);
  if (!userId || !categoryId) return 0;
  if (!(await lockLiveUser(em, userId))) return 0;
  await lockCategory(em, categoryId);
  return deleteBudgetsOfCategory(em, userId, categoryId, input.now);
}
