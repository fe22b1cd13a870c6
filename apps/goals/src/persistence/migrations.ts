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

/**
 * Contributions of a transaction in another currency than the goal's (API.md Version 4): each keeps
 * its part of the transaction (amount_minor, the transaction's currency) and what that adds to the
 * goal (goal_amount_minor, the goal's currency), converted at the ECB rate of the transaction's date,
 * with the rate shown and the published day it came from. Until now every contribution was in its
 * goal's currency: the goal amount is the amount itself, rate "1", on the transaction's date.
 */
export class Migration20261205000002ContributionGoalAmounts extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table goals.contribution add column goal_amount_minor bigint, add column rate text, add column rate_date date');
    this.addSql(`
      update goals.contribution c
         set goal_amount_minor = c.amount_minor, rate = '1', rate_date = t.transaction_date
        from goals.contributed_transaction t
       where t.transaction_id = c.transaction_id`);
    // ≥ 0, not > 0: a part shrunk by a lowered transaction may convert to less than a minor unit of
    // the goal's currency (a new contribution worth nothing in the goal is refused instead).
    this.addSql(`
      alter table goals.contribution
        alter column goal_amount_minor set not null,
        alter column rate set not null,
        alter column rate_date set not null,
        add constraint contribution_goal_amount_minor_check check (goal_amount_minor >= 0),
        -- a plain decimal, as @finance/rates shows it (no question mark here: a placeholder to the driver)
        add constraint contribution_rate_check check (rate ~ '^[0-9]+(\\.[0-9]+){0,1}$')`);
  }
}

export const goalsMigrations = [Migration20261205000001CreateGoalsTables, Migration20261205000002ContributionGoalAmounts];
