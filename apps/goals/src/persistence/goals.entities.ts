import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import type { GoalStatus } from '../domain/goal.js';

// Tables live in the `goals` schema (set once in the ORM config); migrations.ts has the DDL,
// including what an entity definition cannot express: check constraints, the keyset-pagination
// indexes, the cascades from a goal to its contributions and milestone marks. Reads and writes go
// through the plain SQL of the *.queries.ts files; these definitions give the ORM the tables' shape.

export const GoalEntity = defineEntity({
  name: 'Goal',
  tableName: 'goal',
  properties: {
    id: p.uuid().primary(),
    userId: p.uuid(),
    name: p.text(),
    /** Integer minor units of `currency`, always > 0. */
    targetMinor: p.bigint('bigint'),
    /** startingMinor + every contribution; ≥ 0. */
    currentMinor: p.bigint('bigint'),
    /** What the user had saved apart from contributions (set at creation, moved by an update of current_amount). */
    startingMinor: p.bigint('bigint'),
    currency: p.text(),
    /** null = no deadline. */
    deadline: p.date().nullable(),
    status: p.text().$type<GoalStatus>(),
    /** The creation date in the user's time zone: the first day of the progress series. */
    createdOn: p.date(),
    createdAt: p.datetime(),
    updatedAt: p.datetime(),
  },
});
export type Goal = InferEntity<typeof GoalEntity>;

/**
 * A ledger transaction some goal holds a part of: its amount, currency and date as the ledger last
 * told (GetTransaction at contribution time, then its updated events), so the per-transaction limit
 * and the progress series need no ledger call.
 */
export const ContributedTransactionEntity = defineEntity({
  name: 'ContributedTransaction',
  tableName: 'contributed_transaction',
  properties: {
    transactionId: p.uuid().primary(),
    userId: p.uuid(),
    amountMinor: p.bigint('bigint'),
    currency: p.text(),
    transactionDate: p.date(),
    updatedAt: p.datetime(),
  },
});
export type ContributedTransaction = InferEntity<typeof ContributedTransactionEntity>;

export const ContributionEntity = defineEntity({
  name: 'Contribution',
  tableName: 'contribution',
  properties: {
    id: p.uuid().primary(),
    goalId: p.uuid(),
    userId: p.uuid(),
    transactionId: p.uuid(),
    /** > 0: the part of the transaction, in the transaction's currency (contributed_transaction.currency). */
    amountMinor: p.bigint('bigint'),
    /** ≥ 0: what it adds to the goal, in the goal's currency (amountMinor at the rate of the transaction's date). */
    goalAmountMinor: p.bigint('bigint'),
    /** 1 unit of the transaction's currency in the goal's, a decimal string for display ("1": same currency). */
    rate: p.text(),
    /** The published ECB day the rate comes from. */
    rateDate: p.date(),
    createdAt: p.datetime(),
  },
});
export type Contribution = InferEntity<typeof ContributionEntity>;

/**
 * A milestone (25, 50, 75, 100 %) a goal has reached: inserted `on conflict do nothing` when a change
 * crosses it, and announced (goals.goal.milestone_reached.v1) only when the insert took, so each is
 * announced once per goal, ever.
 */
export const GoalMilestoneEntity = defineEntity({
  name: 'GoalMilestone',
  tableName: 'goal_milestone',
  properties: {
    goalId: p.uuid().primary(),
    milestone: p.smallint().primary(),
    reachedAt: p.datetime(),
  },
});
export type GoalMilestone = InferEntity<typeof GoalMilestoneEntity>;

export const goalsEntities = [GoalEntity, ContributedTransactionEntity, ContributionEntity, GoalMilestoneEntity];
