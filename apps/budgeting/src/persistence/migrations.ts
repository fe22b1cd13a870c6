import { Migration } from '@mikro-orm/migrations';

// Hand-written, ordered migrations for the `budgeting` schema. Never generated from a diff at run
// time: a diff sees the whole database and would drop other services' schemas.

export class Migration20261126000001CreateBudgetingTables extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table budgeting.budget (
        id uuid primary key,
        user_id uuid not null,
        name text not null check (char_length(name) between 1 and 100 and name = btrim(name)),
        amount_minor bigint not null check (amount_minor > 0),
        currency char(3) not null check (currency ~ '^[A-Z]{3}$'),
        period text not null check (period in ('daily', 'weekly', 'monthly', 'yearly')),
        start_date date not null,
        end_date date check (end_date >= start_date),
        -- a ledger category of the same user (checked through the ledger; another service's row,
        -- so no foreign key); null = all expenses
        category_id uuid,
        created_at timestamptz not null,
        updated_at timestamptz not null
      )`);
    // Keyset pagination (created_at, id) per user, and the user's budgets for GetBudgetStatus and erasure.
    this.addSql('create index budget_user_id_created_at_id_idx on budgeting.budget (user_id, created_at, id)');
    // The budgets of a deleted category.
    this.addSql('create index budget_category_id_idx on budgeting.budget (category_id) where category_id is not null');

    this.addSql(`
      create table budgeting.budget_alert (
        budget_id uuid not null references budgeting.budget (id) on delete cascade,
        period_start date not null,
        threshold smallint not null check (threshold in (80, 100)),
        sent_at timestamptz not null,
        primary key (budget_id, period_start, threshold)
      )`);

    this.addSql(`
      create table budgeting.deleted_category (
        category_id uuid primary key,
        user_id uuid not null,
        deleted_at timestamptz not null
      )`);
    this.addSql('create index deleted_category_user_id_idx on budgeting.deleted_category (user_id)');
  }
}

/**
 * Tombstones of erased users. The erasure writes one under the user's exclusive lock, and every
 * writing transaction of a user (and the handling of a ledger category deletion) checks it under the
 * same lock in shared mode, so a write that reaches budgeting after the erasure is refused instead
 * of leaving a row behind (application/erasure.ts). Only an id and a time: no personal data.
 */
export class Migration20261201000001DeletedUsers extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table budgeting.deleted_user (
        user_id uuid primary key,
        deleted_at timestamptz not null
      )`);
  }
}

/**
 * Budget alerts (API.md, Version 4). The marks (`budget_alert`) exist since the first migration;
 * this adds each budget's threshold-check state: the ledger's transaction events (and budget writes)
 * only raise `version` here, one row per budget however many changes arrive, and the threshold
 * checker (application/thresholds.ts) checks a budget whose `version` is ahead of `checked_version`,
 * so an import of 100,000 transactions costs a handful of ledger sums, not 100,000. `not_before`
 * is both the lease of the replica running a check (`for update skip locked`; a crashed replica's
 * lease runs out) and, after a check, the earliest time of the next one (at most one per budget
 * per coalescing delay), or of a retry.
 */
export class Migration20261205000001BudgetThresholdChecks extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table budgeting.budget_threshold_check (
        budget_id uuid primary key references budgeting.budget (id) on delete cascade,
        user_id uuid not null,
        -- the latest ledger transaction that asked for a check; null when the budget itself changed
        transaction_id uuid,
        version bigint not null default 1,
        checked_version bigint not null default 0,
        requested_at timestamptz not null default now(),
        not_before timestamptz
      )`);
    // Erasure; and the checker's queue: the budgets asked for again since their last check.
    this.addSql('create index budget_threshold_check_user_id_idx on budgeting.budget_threshold_check (user_id)');
    this.addSql('create index budget_threshold_check_due_idx on budgeting.budget_threshold_check (requested_at) where version > checked_version');
  }
}

export const budgetingMigrations = [
  Migration20261126000001CreateBudgetingTables,
  Migration20261201000001DeletedUsers,
  Migration20261205000001BudgetThresholdChecks,
];
