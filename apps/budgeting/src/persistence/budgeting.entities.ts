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
 * A budget alert already sent (API.md, Version 4: once per budget, period and threshold, 80 and
 * 100 %). The notifications work inserts a row `on conflict do nothing` and sends only when the
 * insert took, so two replicas never send one alert twice. Nothing writes it yet.
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

export const budgetingEntities = [BudgetEntity, BudgetAlertEntity, DeletedCategoryEntity];
