import type { EntityManager } from '@mikro-orm/postgresql';
import { canonicalUuid } from '@finance/platform/ids';

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
  const run = async (sql: string) => (await em.execute<{ affectedRows: number }>(sql, [id], 'run')).affectedRows;
  const idempotencyKeys = await run('delete from ledger.idempotency_key where user_id = ?');
  const transactions = await run('delete from ledger.transaction where user_id = ?');
  const categories = await run('delete from ledger.category where user_id = ?');
  return { transactions, categories, idempotencyKeys };
}
