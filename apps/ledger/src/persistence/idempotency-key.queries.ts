import type { EntityManager } from '@mikro-orm/postgresql';

// Idempotency keys in plain SQL: the stored answer is JSON, and the claim is an advisory lock, which
// the ORM has no words for. Every query is filtered by user_id.

export interface StoredIdempotentResponse {
  requestHash: string;
  /** The response as stored (jsonb arrives parsed; text if the driver hands it over unparsed). */
  response: Record<string, unknown> | string;
}

/** The unexpired answer stored for (user, key), or undefined. */
export async function selectStoredResponse(em: EntityManager, userId: string, key: string, now: Date): Promise<StoredIdempotentResponse | undefined> {
  const rows = await em.execute<{ request_hash: string; response: Record<string, unknown> | string }[]>(
    'select request_hash, response from ledger.idempotency_key where user_id = ? and key = ? and expires_at > ?',
    [userId, key, now],
  );
  const row = rows[0];
  return row && { requestHash: row.request_hash, response: row.response };
}

/**
 * Takes the transaction-scoped advisory lock of (user, key) if nobody holds it; false when another
 * transaction does. Released by commit or rollback.
 */
export async function tryLockIdempotencyKey(tx: EntityManager, userId: string, key: string): Promise<boolean> {
  const [lock] = await tx.execute<{ acquired: boolean }[]>('select pg_try_advisory_xact_lock(hashtextextended(?, 0)) as acquired', [
    `ledger.idempotency_key:${userId}:${key}`,
  ]);
  return Boolean(lock?.acquired);
}

/** Drops the answer of (user, key) if it has expired by `now`. */
export async function deleteExpiredIdempotencyKey(tx: EntityManager, userId: string, key: string, now: Date): Promise<void> {
  await tx.execute('delete from ledger.idempotency_key where user_id = ? and key = ? and expires_at <= ?', [userId, key, now]);
}

/** Deletes up to `batchSize` expired keys of any user, skipping rows locked elsewhere; returns how many. */
export async function deleteExpiredIdempotencyKeyBatch(em: EntityManager, now: Date, batchSize: number): Promise<number> {
  const deleted = await em.execute<{ user_id: string }[]>(
    `delete from ledger.idempotency_key where (user_id, key) in (
       select user_id, key from ledger.idempotency_key where expires_at <= ? limit ? for update skip locked
     ) returning user_id`,
    [now, batchSize],
  );
  return deleted.length;
}

/** Deletes every idempotency key of the user; returns how many. */
export async function deleteUserIdempotencyKeys(em: EntityManager, userId: string): Promise<number> {
  return (await em.execute<{ affectedRows: number }>('delete from ledger.idempotency_key where user_id = ?', [userId], 'run')).affectedRows;
}
