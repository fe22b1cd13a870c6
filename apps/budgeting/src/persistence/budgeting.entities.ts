import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import type { BudgetPeriodKind } from '../domain/periods.js';

// Tables live in the `budgeting` schema (set once in the ORM config); migrations.ts has the DDL,
// including what an entity definition cannot express: check constraints, the keyset-pagination
// index, the cascade from a budget to its alert marks. Reads and writes go through the plain SQL of
// budget.queries.ts; these definitions give the ORM (and later use cases) the tables' shape.

export const BudgetEntity = defineEntity({
  name: 'Budget',
  tableName: 'budget',
  properties: {
    id: p.uuid().primary(),
    userId: p.uuid(),
    name: p.text(),
    /** Integer minor units of `currency`, always > 0. */
    amountMinor: p.bigint('bigint'),
    currency: p.text(),
    period: p.text().$type<BudgetPeriodKind>(),
    /** YYYY-MM-DD: the anchor of every period. */
    startDate: p.date(),
    /** Inclusive; null = open-ended. */
    endDate: p.date().nullable(),
    /** null = all expenses. */
    categoryId: p.uuid().nullable(),
    createdAt: p.datetime(),
    updatedAt: p.datetime(),
  },
});
export type Budget = InferEntity<typeof BudgetEntity>;

/**
 * A budget alert already announced (API.md, Version 4: once per budget, period and threshold, 80
 * and 100 %). The threshold checker inserts a row `on conflict do nothing` and writes the
 * budgeting.budget.threshold_crossed.v1 event (outbox) only when the insert took, in the same
 * transaction, so two replicas never announce one alert twice.
 */
export const BudgetAlertEntity = defineEntity({
  name: 'BudgetAlert',
  tableName: 'budget_alert',
  properties: {
    budgetId: p.uuid().primary(),
    /** The first day of the period the alert is about. */
    periodStart: p.date().primary(),
    /** Percent of the amount: 80 or 100. */
    threshold: p.smallint().primary(),
    sentAt: p.datetime(),
  },
});
export type BudgetAlert = InferEntity<typeof BudgetAlertEntity>;

/**
 * A category the ledger deleted (ledger.category.deleted.v1). A budget for it created or moved
 * there after the event was handled is refused, so no budget outlives its category.
 */
export const DeletedCategoryEntity = defineEntity({
  name: 'DeletedCategory',
  tableName: 'deleted_category',
  properties: {
    categoryId: p.uuid().primary(),
    userId: p.uuid(),
    deletedAt: p.datetime(),
  },
});
export type DeletedCategory = InferEntity<typeof DeletedCategoryEntity>;

/**
 * A budget's threshold-check state: asked for (`version`) and done (`checked_version`); see
 * Migration20261205000001BudgetThresholdChecks. One row per budget, coalescing every request.
 */
export const BudgetThresholdCheckEntity = defineEntity({
  name: 'BudgetThresholdCheck',
  tableName: 'budget_threshold_check',
  properties: {
    budgetId: p.uuid().primary(),
    userId: p.uuid(),
    /** The latest ledger transaction that asked; null when the budget itself changed. */
    transactionId: p.uuid().nullable(),
    /** Grows with every request. */
    version: p.bigint('bigint'),
    /** The version the last finished check answered; a check is due while version is ahead. */
    checkedVersion: p.bigint('bigint'),
    requestedAt: p.datetime(),
    /** A replica's lease while it checks; after a check the earliest next one (coalescing) or retry. */
    notBefore: p.datetime().nullable(),
  },
});
export type BudgetThresholdCheck = InferEntity<typeof BudgetThresholdCheckEntity>;

export const budgetingEntities = [BudgetEntity, BudgetAlertEntity, BudgetThresholdCheckEntity, DeletedCategoryEntity];
