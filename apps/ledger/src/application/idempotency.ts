import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { errors } from '../domain/errors.js';
import { deleteExpiredIdempotencyKey, deleteExpiredIdempotencyKeyBatch, selectStoredResponse, tryLockIdempotencyKey } from '../persistence/idempotency-key.queries.js';
import { transactionViewFromJson, type TransactionView } from './views.js';

/**
 * The stored answer (JSON, as stored) for (user, key) when it has not expired: the same request gets
 * it back, a different request with the key — also one to another endpoint, whose fingerprint
 * differs (ProcessRecurring's names its operation and template) — is refused (INVALID_ARGUMENT, LEDGER_IDEMPOTENCY_KEY_REUSED).
 */
export async function findStoredJson(em: EntityManager, userId: string, key: string, fingerprint: string, now: Date): Promise<Record<string, unknown> | undefined> {
  const row = await selectStoredResponse(em, userId, key, now);
  if (!row) return undefined;
  if (row.requestHash !== fingerprint) throw errors.idempotencyKeyReused();
  return typeof row.response === 'string' ? (JSON.parse(row.response) as Record<string, unknown>) : row.response;
}

/** The stored answer of a CreateTransaction (findStoredJson). */
export async function findStoredResponse(em: EntityManager, userId: string, key: string, fingerprint: string, now: Date): Promise<TransactionView | undefined> {
  const json = await findStoredJson(em, userId, key, fingerprint, now);
  return json && transactionViewFromJson(json);
}

/**
 * Marks (user, key) as in progress for the rest of the caller's database transaction, across
 * every replica: a transaction-scoped advisory lock, released by commit or rollback (so a crash
 * never leaves a key stuck). A second request meanwhile is told to retry
 * (ALREADY_EXISTS, LEDGER_IDEMPOTENCY_IN_PROGRESS) rather than queued behind the first.
 * An expired answer for the key is dropped here, so the key starts afresh.
 */
export async function claimIdempotencyKey(tx: EntityManager, userId: string, key: string, now: Date): Promise<void> {
  if (!(await tryLockIdempotencyKey(tx, userId, key))) throw errors.idempotencyInProgress();
  await deleteExpiredIdempotencyKey(tx, userId, key, now);
}

/** Deletes expired keys in batches; returns how many. Runs periodically in every replica (harmless when they overlap). */
export async function pruneExpiredIdempotencyKeys(orm: MikroORM, now: Date, batchSize = 1000): Promise<number> {
  const em = orm.em.fork();
  let total = 0;
  for (;;) {
    const deleted = await deleteExpiredIdempotencyKeyBatch(em, now, batchSize);
    total += deleted;
    if (deleted < batchSize) return total;
  }
}
