import type { EntityManager } from '@mikro-orm/postgresql';
import { canonicalUuid } from '@finance/platform/ids';
import { deleteUserCategories } from '../persistence/category.queries.js';
import { deleteUserIdempotencyKeys } from '../persistence/idempotency-key.queries.js';
import { deleteUserTransactions } from '../persistence/transaction.queries.js';

export interface ErasedCounts {
  transactions: number;
  categories: number;
  idempotencyKeys: number;
}

/**
 * Erases every row of a user (the answer to auth.user.deleted.v1). Runs in the caller's
 * transaction; deleting what is already gone is a no-op, so it is idempotent. Transactions go
 * before the categories they reference. A user id that is not a uuid owns nothing here.
 */
export async function eraseUserData(em: EntityManager, userId: string): Promise<ErasedCounts> {
  const id = canonicalUuid(userId);
  if (!id) return { transactions: 0, categories: 0, idempotencyKeys: 0 };
  const idempotencyKeys = await deleteUserIdempotencyKeys(em, id);
  const transactions = await deleteUserTransactions(em, id);
  const categories = await deleteUserCategories(em, id);
  return { transactions, categories, idempotencyKeys };
}
