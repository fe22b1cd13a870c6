import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import type { Frequency, WeekendRule } from '@finance/calendar';
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

/** A stored answer to a request with an Idempotency-Key (CreateTransaction, ProcessRecurring, ImportTransactions). */
export const IdempotencyKeyEntity = defineEntity({
  name: 'IdempotencyKey',
  tableName: 'idempotency_key',
  properties: {
    userId: p.uuid().primary(),
    key: p.text().primary(),
    requestHash: p.text(),
    response: p.json<Record<string, unknown>>(),
    /** The transaction the request created; null for an import (many). */
    transactionId: p.uuid().nullable(),
    createdAt: p.datetime(),
    expiresAt: p.datetime(),
  },
});
export type IdempotencyKey = InferEntity<typeof IdempotencyKeyEntity>;

/** A recurring template (migrations.ts: Migration20261205000001RecurringTemplates). */
export const RecurringTemplateEntity = defineEntity({
  name: 'RecurringTemplate',
  tableName: 'recurring_template',
  properties: {
    id: p.uuid().primary(),
    userId: p.uuid(),
    amountMinor: p.bigint('bigint'),
    currency: p.text(),
    transactionType: p.text().$type<TransactionType>(),
    description: p.text(),
    categoryId: p.uuid().nullable(),
    frequency: p.text().$type<Frequency>(),
    weekend: p.text().$type<WeekendRule>(),
    startDate: p.date(),
    endDate: p.date().nullable(),
    /** n of the next occurrence, counted from startDate. */
    nextIndex: p.integer(),
    /** null = the schedule has ended. */
    nextOccurrenceDate: p.date().nullable(),
    /** Upcoming events are written for every occurrence up to this day (null = none yet). */
    remindedThrough: p.date().nullable(),
    isActive: p.boolean(),
    autoCreate: p.boolean(),
    createdAt: p.datetime(),
    updatedAt: p.datetime(),
  },
});
export type RecurringTemplate = InferEntity<typeof RecurringTemplateEntity>;

/** One created occurrence: (template, date) is unique, the backstop against creating it twice. */
export const RecurringOccurrenceEntity = defineEntity({
  name: 'RecurringOccurrence',
  tableName: 'recurring_occurrence',
  properties: {
    templateId: p.uuid().primary(),
    occurrenceDate: p.date().primary(),
    userId: p.uuid(),
    transactionId: p.uuid(),
    createdAt: p.datetime(),
  },
});

export const ledgerEntities = [CategoryEntity, TransactionEntity, IdempotencyKeyEntity, RecurringTemplateEntity, RecurringOccurrenceEntity];
