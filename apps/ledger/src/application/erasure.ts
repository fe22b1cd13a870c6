import type { EntityManager } from '@mikro-orm/postgresql';
import { canonicalUuid } from '@finance/platform/ids';
import { errors } from '../domain/errors.js';
import { deleteUserCategories } from '../persistence/category.queries.js';
import { deleteUserOutboxMessages, insertDeletedUser, isUserDeleted, lockUserExclusive, lockUserShared } from '@finance/platform';
import { deleteUserIdempotencyKeys } from '../persistence/idempotency-key.queries.js';
import { deleteUserRecurring, type ErasedRecurring } from '../persistence/recurring.queries.js';
import { deleteUserTransactions } from '../persistence/transaction.queries.js';

export interface ErasedCounts extends ErasedRecurring {
  transactions: number;
  categories: number;
  idempotencyKeys: number;
  outboxMessages: number;
}

/**
 * Erases every row of a user (the answer to auth.user.deleted.v1) and makes it final. Runs in the
 * caller's transaction (READ COMMITTED, so each statement sees what committed before it started):
 *
 * 1. the user's lock in exclusive mode: waits for every write of the user in progress (each holds
 *    the lock in shared mode, see guardUserWrite) to commit or roll back, and holds off new ones;
 * 2. the tombstone (ledger.deleted_user), which a write that gets the lock afterwards finds;
 * 3. the deletes, which therefore see every row a write committed before step 1.
 *
 * So a write either commits before the erasure and is erased with the rest, or waits and is refused
 * (LEDGER_USER_NOT_FOUND, 401). Recurring templates go with their occurrences, reminder marks and the
 * user's time zone. Daily totals go with the transactions (triggers); transactions go
 * before the categories they reference; outbox rows of events about the user go too (why:
 * deleteUserOutboxMessages). Idempotent. A user id that is not a uuid owns nothing here.
 */
export async function eraseUserData(em: EntityManager, userId: string, now: Date): Promise<ErasedCounts> {
  const id = canonicalUuid(userId);
  if (!id) return { transactions: 0, categories: 0, idempotencyKeys: 0, outboxMessages: 0, recurringTemplates: 0, recurringOccurrences: 0, recurringReminders: 0, userTimezones: 0 };
  await lockUserExclusive(em, id);
  await insertDeletedUser(em, id, now);
  const idempotencyKeys = await deleteUserIdempotencyKeys(em, id);
  // Templates before the categories they reference; their occurrences and reminder marks before them.
  const recurring = await deleteUserRecurring(em, id);
  const transactions = await deleteUserTransactions(em, id);
  const categories = await deleteUserCategories(em, id);
  const outboxMessages = await deleteUserOutboxMessages(em, id);
  return { transactions, categories, idempotencyKeys, outboxMessages, ...recurring };
}

/**
 * The first step of every writing transaction of a user: takes the user's lock in shared mode
 * (writes of one user do not wait for each other, only for an erasure) and refuses the write
 * (LEDGER_USER_NOT_FOUND, 401) when the user was erased. Must run before the transaction writes or
 * locks anything else of the user, or an erasure waiting for it could wait for the erasure's rows.
 */
export async function guardUserWrite(tx: EntityManager, userId: string): Promise<void> {
  await lockUserShared(tx, userId);
  if (await isUserDeleted(tx, userId)) throw errors.userNotFound();
}
