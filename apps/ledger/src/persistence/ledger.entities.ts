import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import type { TransactionType } from '../domain/transaction.js';

// Tables live in the `ledger` schema (set once in the ORM config); migrations.ts has the DDL,
// including what an entity definition cannot express: check constraints, the per-user
// case-insensitive name index, the composite foreign key that keeps a transaction's category
// within its owner's categories, and the keyset-pagination index.

export const CategoryEntity = defineEntity({
  name: 'Category',
  tableName: 'category',
  properties: {
    id: p.uuid().primary(),
    userId: p.uuid(),
    name: p.text(),
    /** "#RRGGBB", upper case. */
    color: p.text(),
    icon: p.text().nullable(),
    createdAt: p.datetime(),
    updatedAt: p.datetime(),
  },
});
export type Category = InferEntity<typeof CategoryEntity>;

export const TransactionEntity = defineEntity({
  name: 'Transaction',
  tableName: 'transaction',
  properties: {
    id: p.uuid().primary(),
    userId: p.uuid(),
    /** Integer minor units of `currency`, always > 0 (the sign is the type). */
    amountMinor: p.bigint('bigint'),
    currency: p.text(),
    transactionType: p.text().$type<TransactionType>(),
    /** YYYY-MM-DD (PostgreSQL `date`). */
    date: p.date(),
    description: p.text(),
    categoryId: p.uuid().nullable(),
    createdAt: p.datetime(),
    updatedAt: p.datetime(),
  },
});
export type Transaction = InferEntity<typeof TransactionEntity>;

/** A stored answer to a CreateTransaction with an Idempotency-Key. */
export const IdempotencyKeyEntity = defineEntity({
  name: 'IdempotencyKey',
  tableName: 'idempotency_key',
  properties: {
    userId: p.uuid().primary(),
    key: p.text().primary(),
    requestHash: p.text(),
    response: p.json<Record<string, unknown>>(),
    transactionId: p.uuid(),
    createdAt: p.datetime(),
    expiresAt: p.datetime(),
  },
});
export type IdempotencyKey = InferEntity<typeof IdempotencyKeyEntity>;

export const ledgerEntities = [CategoryEntity, TransactionEntity, IdempotencyKeyEntity];
