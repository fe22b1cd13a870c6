import { v7 as uuidv7 } from 'uuid';
import { ForeignKeyConstraintViolationException, LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { CalendarDate } from '@finance/calendar';
import { enqueueEvent } from '@finance/events';
import { transactionCreated, transactionDeleted, transactionUpdated, type TransactionSnapshot } from '@finance/events/contracts/ledger';
import { money, type Money } from '@finance/money';
import { canonicalUuid } from '@finance/platform/ids';
import { errors } from '../domain/errors.js';
import { IDEMPOTENCY_TTL_MS, requestFingerprint, validateIdempotencyKey } from '../domain/idempotency.js';
import { decodeTransactionCursor, encodeTransactionCursor, resolvePageSize, toPage, type Page, type TransactionCursor } from '../domain/pagination.js';
import {
  amountInBaseCurrency,
  applyTransactionChanges,
  validateNewTransaction,
  validateTransactionFilter,
  type NewTransactionInput,
  type TransactionChangesInput,
  type TransactionFilterInput,
  type TransactionState,
  type TransactionType,
} from '../domain/transaction.js';
import { CategoryEntity, IdempotencyKeyEntity, TransactionEntity, type Transaction } from '../persistence/ledger.entities.js';
import { findTransactionView, selectStreamBatchAscending, selectTransactionPage } from '../persistence/transaction.queries.js';
import type { LedgerContext } from './context.js';
import { guardUserWrite } from './erasure.js';
import { claimIdempotencyKey, findStoredResponse } from './idempotency.js';
import { requireUserId } from './users.js';
import { transactionViewToJson, type CategoryRefView, type StreamedTransactionView, type TransactionView } from './views.js';

function snapshotOf(t: Transaction): TransactionSnapshot {
  return {
    transaction_id: t.id,
    amount_minor: t.amountMinor.toString(),
    currency: t.currency,
    transaction_type: t.transactionType,
    date: t.date,
    category_id: t.categoryId ?? null,
  };
}

function stateOf(t: Transaction): TransactionState {
  return {
    amount: money(t.amountMinor, t.currency),
    type: t.transactionType,
    date: t.date,
    description: t.description,
    categoryId: t.categoryId ?? null,
  };
}

function viewOf(t: Transaction, category: CategoryRefView | null): TransactionView {
  return {
    id: t.id,
    userId: t.userId,
    amountMinor: t.amountMinor.toString(),
    currency: t.currency,
    type: t.transactionType,
    date: t.date,
    description: t.description,
    categoryId: t.categoryId ?? null,
    category,
    createdAt: t.createdAt,
    updatedAt: t.updatedAt,
  };
}

/** The user's category as a transaction embeds it; INVALID_ARGUMENT on `category_id` when it is not theirs. */
export async function requireOwnCategory(em: EntityManager, userId: string, categoryId: string): Promise<CategoryRefView> {
  const category = await em.findOne(CategoryEntity, { id: categoryId, userId });
  if (!category) throw errors.unknownCategory('category_id');
  return { id: category.id, name: category.name, color: category.color, icon: category.icon ?? null };
}

/** A category deleted between our check and the insert fails the composite foreign key: the same answer as an unknown category. */
export async function categoryRaceToDomain<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof ForeignKeyConstraintViolationException) throw errors.unknownCategory('category_id');
    throw err;
  }
}

/** A new transaction's fields, checked already (amount > 0 in its currency's precision, the user's own category). */
export interface NewTransactionRow {
  userId: string;
  amount: Money;
  type: TransactionType;
  date: string;
  description: string;
  categoryId: string | null;
}

/**
 * The one way a transaction comes to be (CreateTransaction, ProcessRecurring, the recurring
 * scheduler): the row and its `ledger.transaction.created.v1` event, both written at the caller's
 * next flush, in the caller's database transaction. Several before one flush are one multi-row
 * insert each.
 */
export function recordTransaction(tx: EntityManager, fields: NewTransactionRow, now: Date): Transaction {
  const row = tx.create(TransactionEntity, {
    // Time-ordered (UUIDv7): lists order by date, then id, so one day's transactions come
    // newest-recorded first instead of in random order.
    id: uuidv7(),
    userId: fields.userId,
    amountMinor: fields.amount.minor,
    currency: fields.amount.currency,
    transactionType: fields.type,
    date: fields.date,
    description: fields.description,
    categoryId: fields.categoryId,
    createdAt: now,
    updatedAt: now,
  });
  enqueueEvent(tx, transactionCreated, { user_id: fields.userId, transaction: snapshotOf(row) });
  return row;
}

/** A transaction as answered, with its category (as a transaction embeds it) when it has one. */
export const transactionViewOf = viewOf;

export interface CreateTransactionInput extends NewTransactionInput {
  userId: string;
  idempotencyKey?: string | undefined;
}

export interface CreatedTransaction {
  transaction: TransactionView;
  /** True when this is the stored answer to an earlier request with the same Idempotency-Key. */
  replayed: boolean;
}

/**
 * Records a transaction and its `ledger.transaction.created.v1` event in one database
 * transaction. Without a currency, the user's base currency is asked from auth — only then,
 * and not for a replay. With an Idempotency-Key, see domain/idempotency.ts for the semantics.
 */
export async function createTransaction(ctx: LedgerContext, input: CreateTransactionInput): Promise<CreatedTransaction> {
  const userId = requireUserId(input.userId);
  const valid = validateNewTransaction(input);
  const key = input.idempotencyKey === undefined ? undefined : validateIdempotencyKey(input.idempotencyKey);
  const fingerprint =
    key === undefined
      ? ''
      : requestFingerprint({
          amount: valid.amountText,
          transaction_type: valid.type,
          date: valid.date,
          description: valid.description,
          category_id: valid.categoryId,
          currency: valid.currency,
        });
  const em = ctx.orm.em.fork();

  if (key !== undefined) {
    // A replay is answered before anything else happens (no call to auth).
    const earlier = await findStoredResponse(em, userId, key, fingerprint, ctx.now());
    if (earlier) return { transaction: earlier, replayed: true };
  }

  const amount = valid.amount ?? amountInBaseCurrency(valid.amountText, await ctx.users.baseCurrencyOf(userId));

  const result = await categoryRaceToDomain(() =>
    em.transactional(async (tx): Promise<CreatedTransaction> => {
      await guardUserWrite(tx, userId);
      const now = ctx.now();
      if (key !== undefined) {
        await claimIdempotencyKey(tx, userId, key, now);
        const earlier = await findStoredResponse(tx, userId, key, fingerprint, now);
        if (earlier) return { transaction: earlier, replayed: true };
      }
      const category = valid.categoryId ? await requireOwnCategory(tx, userId, valid.categoryId) : null;
      const row = recordTransaction(tx, { userId, amount, type: valid.type, date: valid.date, description: valid.description, categoryId: valid.categoryId }, now);
      // Flushed now: a foreign-key failure belongs to these statements, and the rows below reference it only by value.
      await tx.flush();
      const view = viewOf(row, category);
      if (key !== undefined) {
        tx.create(IdempotencyKeyEntity, {
          userId,
          key,
          requestHash: fingerprint,
          response: transactionViewToJson(view),
          transactionId: row.id,
          createdAt: now,
          expiresAt: new Date(now.getTime() + IDEMPOTENCY_TTL_MS),
        });
      }
      return { transaction: view, replayed: false };
    }),
  );
  if (!result.replayed) ctx.eventsWritten();
  return result;
}

/** Another user's, unknown and malformed ids are all simply "not found". */
function requireTransactionId(id: string): string {
  const canonical = canonicalUuid(id);
  if (!canonical) throw errors.transactionNotFound();
  return canonical;
}

export async function getTransaction(ctx: LedgerContext, userId: string, id: string): Promise<TransactionView> {
  const view = await findTransactionView(ctx.orm.em.fork(), requireUserId(userId), requireTransactionId(id));
  if (!view) throw errors.transactionNotFound();
  return view;
}

export interface ListTransactionsInput extends TransactionFilterInput {
  userId: string;
  limit?: number | undefined;
  cursor?: string | undefined;
}

export async function listTransactions(ctx: LedgerContext, input: ListTransactionsInput): Promise<Page<TransactionView>> {
  const userId = requireUserId(input.userId);
  const limit = resolvePageSize(input.limit);
  const after = decodeTransactionCursor(input.cursor);
  const filter = validateTransactionFilter(input);
  const rows = await selectTransactionPage(ctx.orm, userId, filter, after, limit + 1);
  return toPage(rows, limit, (last) => encodeTransactionCursor({ date: last.date, id: last.id }));
}

/**
 * How many rows the keyset queries of StreamTransactions read: the first few (so the first bytes
 * of an export come at once), then twice as many each time up to the last (issue 13, P4: with 1,000
 * rows a query, the round trips to PostgreSQL, one after the other, were a third of the stream's time).
 * The transport cuts a batch into messages by size (ledger.grpc.ts), whatever the rows hold.
 */
export const STREAM_BATCH_SIZES = { first: 1000, max: 8000 } as const;

export interface StreamTransactionsInput {
  userId: string;
  from?: CalendarDate | undefined;
  to?: CalendarDate | undefined;
}

/**
 * Every transaction of the user in [from, to] (either bound optional), oldest first ((date, id)
 * ascending), in batches (STREAM_BATCH_SIZES: one keyset query each). The query of the next batch
 * is sent as soon as a batch has arrived, so PostgreSQL reads it while this batch is encoded and
 * sent; no further one until the consumer took this one, so at most two batches are held and memory
 * stays flat whatever the count. Each query is its own snapshot: a transaction written during a
 * long export appears if it sorts after the rows already sent. Stops without another query once
 * `signal` aborts (the caller went away).
 */
export async function* streamTransactions(ctx: LedgerContext, input: StreamTransactionsInput, signal: AbortSignal): AsyncGenerator<StreamedTransactionView[]> {
  const userId = requireUserId(input.userId);
  const { from, to } = validateTransactionFilter({ from: input.from, to: input.to });
  const read = (after: TransactionCursor | undefined, limit: number) => ({ limit, rows: selectStreamBatchAscending(ctx.orm, userId, { from, to }, after, limit) });
  let next: ReturnType<typeof read> | undefined = read(undefined, STREAM_BATCH_SIZES.first);
  try {
    while (next && !signal.aborted) {
      const { limit, rows } = next;
      const batch = await rows;
      next = undefined;
      if (batch.length === limit && !signal.aborted) {
        const last = batch[batch.length - 1]!;
        next = read({ date: last.date, id: last.id }, Math.min(limit * 2, STREAM_BATCH_SIZES.max));
      }
      if (batch.length > 0) yield batch;
    }
  } finally {
    // The consumer left (or a query failed) with a read in flight: nobody will take its rows or its error.
    next?.rows.catch(() => {});
  }
}

export interface UpdateTransactionInput extends TransactionChangesInput {
  userId: string;
  id: string;
}

/**
 * Changes the fields given. When anything changed, `ledger.transaction.updated.v1` carries the
 * transaction before and after, in the same database transaction; an update that changes
 * nothing writes nothing.
 */
export async function updateTransaction(ctx: LedgerContext, input: UpdateTransactionInput): Promise<TransactionView> {
  const userId = requireUserId(input.userId);
  const id = requireTransactionId(input.id);
  let changed = false;
  const view = await categoryRaceToDomain(() =>
    ctx.orm.em.fork().transactional(async (tx) => {
      await guardUserWrite(tx, userId);
      const row = await tx.findOne(TransactionEntity, { id, userId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!row) throw errors.transactionNotFound();
      const applied = applyTransactionChanges(stateOf(row), input);
      if (applied.newCategoryId) await requireOwnCategory(tx, userId, applied.newCategoryId);
      if (applied.changed) {
        const before = snapshotOf(row);
        const { next } = applied;
        row.amountMinor = next.amount.minor;
        row.currency = next.amount.currency;
        row.transactionType = next.type;
        row.date = next.date;
        row.description = next.description;
        row.categoryId = next.categoryId;
        row.updatedAt = ctx.now();
        await tx.flush();
        enqueueEvent(tx, transactionUpdated, { user_id: userId, before, after: snapshotOf(row) });
        changed = true;
      }
      return (await findTransactionView(tx, userId, id))!;
    }),
  );
  if (changed) ctx.eventsWritten();
  return view;
}

/** Deletes the transaction and writes `ledger.transaction.deleted.v1` with what it was. */
export async function deleteTransaction(ctx: LedgerContext, userId: string, id: string): Promise<void> {
  const owner = requireUserId(userId);
  const txId = requireTransactionId(id);
  await ctx.orm.em.fork().transactional(async (tx) => {
    await guardUserWrite(tx, owner);
    const row = await tx.findOne(TransactionEntity, { id: txId, userId: owner }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (!row) throw errors.transactionNotFound();
    const snapshot = snapshotOf(row);
    tx.remove(row);
    await tx.flush();
    enqueueEvent(tx, transactionDeleted, { user_id: owner, transaction: snapshot });
  });
  ctx.eventsWritten();
}
