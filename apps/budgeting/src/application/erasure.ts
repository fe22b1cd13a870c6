import type { EntityManager } from '@mikro-orm/postgresql';
import { canonicalUuid } from '@finance/platform/ids';
import { deleteBudgetsOfCategory, deleteUserBudgetData, lockCategory } from '../persistence/budget.queries.js';

export interface ErasedCounts {
  budgets: number;
  alerts: number;
  deletedCategories: number;
}

/**
 * Erases every row of a user (the answer to auth.user.deleted.v1): budgets, their alert marks and
 * the record of their deleted categories. Runs in the caller's transaction; deleting what is already
 * gone is a no-op, so it is idempotent. A user id that is not a uuid owns nothing here.
 */
export async function eraseUserData(em: EntityManager, userId: string): Promise<ErasedCounts> {
  const id = canonicalUuid(userId);
  if (!id) return { budgets: 0, alerts: 0, deletedCategories: 0 };
  return deleteUserBudgetData(em, id);
}

/**
 * The ledger deleted a category (ledger.category.deleted.v1): its budgets go too, whatever the
 * transactions were reassigned to (API.md). Runs in the caller's transaction, under the category's
 * lock, and records the category so a budget created for it afterwards is refused. Idempotent.
 */
export async function deleteCategoryBudgets(em: EntityManager, input: { userId: string; categoryId: string; now: Date }): Promise<number> {
  const userId = canonicalUuid(input.userId);
  const categoryId = canonicalUuid(input.categoryId);
  if (!userId || !categoryId) return 0;
  await lockCategory(em, categoryId);
  return deleteBudgetsOfCategory(em, userId, categoryId, input.now);
}
