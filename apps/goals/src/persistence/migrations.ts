import { Migration } from '@mikro-orm/migrations';

// Hand-written, ordered migrations for the `goals` schema. Never generated from a diff at run time:
// a diff sees the whole database and would drop other services' schemas.

export class Migration20261205000001CreateGoalsTables extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table goals.goal (
        id uuid primary key,
        user_id uuid not null,
        name text not null check (char_length(name) between 1 and 100 and name = btrim(name)),
        target_minor bigint not null check (target_minor > 0),
        current_minor bigint not null check (current_minor >= 0),
        -- the part of current_minor that is not contributions
        starting_minor bigint not null check (starting_minor between 0 and current_minor),
        currency char(3) not null check (currency ~ '^[A-Z]{3}$'),
        deadline date,
        status text not null check (status in ('active', 'completed', 'cancelled')),
        -- the creation date in the user's time zone (first point of the progress series)
        created_on date not null,
        created_at timestamptz not null,
        updated_at timestamptz not null
      )`);
    // Keyset pagination (created_at, id) per user, and the user's goals for erasure.
    this.addSql('create index goal_user_id_created_at_id_idx on goals.goal (user_id, created_at, id)');

    this.addSql(`
      create table goals.contributed_transaction (
        -- a ledger transaction of the same user (another service's row, so no foreign key)
        transaction_id uuid primary key,
        user_id uuid not null,
        amount_minor bigint not null check (amount_minor > 0),
        currency char(3) not null check (currency ~ '^[A-Z]{3}$'),
        transaction_date date not null,
        updated_at timestamptz not null
      )`);
    this.addSql('create index contributed_transaction_user_id_idx on goals.contributed_transaction (user_id)');

    this.addSql(`
      create table goals.contribution (
        id uuid primary key,
        goal_id uuid not null references goals.goal (id) on delete cascade,
        user_id uuid not null,
        transaction_id uuid not null references goals.contributed_transaction (transaction_id) on delete cascade,
        amount_minor bigint not null check (amount_minor > 0),
        created_at timestamptz not null,
        -- the same transaction on the same goal once (GOALS_ALREADY_CONTRIBUTED)
        unique (goal_id, transaction_id)
      )`);
    // A goal's contributions in keyset order; a transaction's contributions over all goals; erasure.
    this.addSql('create index contribution_goal_id_created_at_id_idx on goals.contribution (goal_id, created_at, id)');
    this.addSql('create index contribution_transaction_id_idx on goals.contribution (transaction_id)');
    this.addSql('create index contribution_user_id_idx on goals.contribution (user_id)');

    this.addSql(`
      create table goals.goal_milestone (
        goal_id uuid not null references goals.goal (id) on delete cascade,
        milestone smallint not null check (milestone in (25, 50, 75, 100)),
        reached_at timestamptz not null,
        primary key (goal_id, milestone)
      )`);

    // Tombstones of erased users (application/erasure.ts): only an id and a time, no personal data.
    this.addSql(`
      create table goals.deleted_user (
        user_id uuid primary key,
        deleted_at timestamptz not null
      )`);
  }
}

export const goalsMigrations = [Migration20261205000001CreateGoalsTables];
