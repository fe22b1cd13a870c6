import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { errors } from '../domain/errors.js';
import { transactionViewFromJson, type TransactionView } from './views.js';

/**
 * The stored answer for (user, key) when it has not expired: the same request gets it back,
 * a different request with the key is refused (INVALID_ARGUMENT, LEDGER_IDEMPOTENCY_KEY_REUSED).
 */
export async function findStoredResponse(em: EntityManager, userId: string, key: string, fingerprint: string, now: Date): Promise<TransactionView | undefined> {
  const rows = await em.execute<{ request_hash: string; response: Record<string, unknown> | string }[]>(
    'select request_hash, response from ledger.idempotency_key where user_id = ? and key = ? and expires_at > ?',
    [userId, key, now],
  );
  const row = rows[0];
  if (!row) return undefined;
  if (row.request_hash !== fingerprint) throw errors.idempotencyKeyReused();
  return transactionViewFromJson(typeof row.response === 'string' ? (JSON.parse(row.response) as Record<string, unknown>) : row.response);
}

/**
 * Marks (user, key) as in progress for the rest of the caller's database transaction, across
 * every replica: a transaction-scoped advisory lock, released by commit or rollback (so a crash
 * never leaves a key stuck). A second request meanwhile is told to retry
 * (ALREADY_EXISTS, LEDGER_IDEMPOTENCY_IN_PROGRESS) rather than queued behind the first.
 * An expired answer for the key is dropped here, so the key starts afresh.
 */
export async function claimIdempotencyKey(tx: EntityManager, userId: string, key: string, now: Date): Promise<void> {
  const [lock] = await tx.execute<{ acquired: boolean }[]>('select pg_try_advisory_xact_lock(hashtextextended(?, 0)) as acquired', [
    `ledger.idempotency_key:${userId}:${key}`,
  ]);
  if (!lock?.acquired) throw errors.idempotencyInProgress();
  await tx.execute('delete from ledger.idempotency_key where user_id = ? and key = ? and expires_at <= ?', [userId, key, now]);
}

/** Deletes expired keys in batches; returns how many. Runs periodically in every replica (harmless when they overlap). */
export async function pruneExpiredIdempotencyKeys(orm: MikroORM, now: Date, batchSize = 1000): Promise<number> {
  const em = orm.em.fork();
  let total = 0;
  for (;;) {
    const deleted = await em.execute<{ user_id: string }[]>(
      `delete from ledger.idempotency_key where (user_id, key) in (
         select user_id, key from ledger.idempotency_key where expires_at <= ? limit ? for update skip locked
       ) returning user_id`,
      [now, batchSize],
    );
    total += deleted.length;
    if (deleted.length < batchSize) return total;
  }
}
