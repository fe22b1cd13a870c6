import { Migration } from '@mikro-orm/migrations';

// Hand-written, ordered migrations for the `ledger` schema. Never generated from a diff at run
// time: a diff sees the whole database and would drop other services' schemas.

export class Migration20261125000001CreateLedgerTables extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table ledger.category (
        id uuid primary key,
        user_id uuid not null,
        name text not null check (char_length(name) between 1 and 100 and name = btrim(name)),
        color char(7) not null check (color ~ '^#[0-9A-F]{6}$'),
        icon text check (char_length(icon) between 1 and 100),
        created_at timestamptz not null,
        updated_at timestamptz not null,
        -- the target of transaction's (user_id, category_id) foreign key
        unique (user_id, id)
      )`);
    // One name per user regardless of case; also the order of the category list (lower(name), id).
    this.addSql('create unique index category_user_id_lower_name_key on ledger.category (user_id, lower(name))');

    this.addSql(`
      create table ledger.transaction (
        id uuid primary key,
        user_id uuid not null,
        amount_minor bigint not null check (amount_minor > 0),
        currency char(3) not null check (currency ~ '^[A-Z]{3}$'),
        transaction_type text not null check (transaction_type in ('income', 'expense')),
        date date not null,
        description text not null default '' check (char_length(description) <= 1000),
        category_id uuid,
        created_at timestamptz not null,
        updated_at timestamptz not null,
        -- A transaction can only point at a category of its own user. Deleting a category moves
        -- its transactions first (use case); this is the backstop.
        foreign key (user_id, category_id) references ledger.category (user_id, id) on delete set null (category_id)
      )`);
    // Keyset pagination (date desc, id desc) per user: page 1 and page 20,000 are one index range scan each.
    this.addSql('create index transaction_user_id_date_id_idx on ledger.transaction (user_id, date desc, id desc)');
    // Lists filtered by category, the foreign key's checks and moves when a category is deleted.
    this.addSql(
      'create index transaction_user_id_category_id_date_id_idx on ledger.transaction (user_id, category_id, date desc, id desc) where category_id is not null',
    );

    this.addSql(`
      create table ledger.idempotency_key (
        user_id uuid not null,
        key text not null check (char_length(key) between 1 and 255),
        request_hash text not null,
        response jsonb not null,
        transaction_id uuid not null,
        created_at timestamptz not null,
        expires_at timestamptz not null,
        primary key (user_id, key)
      )`);
    this.addSql('create index idempotency_key_expires_at_idx on ledger.idempotency_key (expires_at)');
  }
}

/**
 * Daily totals: one row per (user, date, type, category, currency) holding the exact sum and count
 * of that day's transactions. Every aggregate (SumTransactions: spending, income vs expense, budget
 * analysis) reads these instead of the transaction rows, so a year of a heavy user is a few
 * thousand rows to add up instead of hundreds of thousands.
 *
 * Kept by statement-level triggers with transition tables on ledger.transaction, inside the
 * writing transaction: no write path (use cases, bulk category moves, the foreign key's SET NULL,
 * erasure, imports to come) can skip it, and a bulk statement updates each group once. Upserts run
 * in key order, so concurrent writers lock shared rows in the same order (no deadlock); a change
 * that moves nothing (a new description) touches no group. Groups whose count drops to zero are
 * removed. total_minor is numeric: a day's total may exceed int64 although each amount fits.
 * (No CHECK on count: PostgreSQL checks the proposed row of an upsert, with its negative delta,
 * before it finds the conflict.)
 */
const GROUP = 'user_id, date, transaction_type, category_id, currency';
const PLUS = `select ${GROUP}, amount_minor::numeric as amount, 1 as n from new_rows`;
const MINUS = `select ${GROUP}, -amount_minor::numeric as amount, -1 as n from old_rows`;

/** The trigger's upsert of the groups of `delta` (rows of GROUP, amount, n), in key order. */
function dailyTotalUpsert(delta: string): string {
  return `insert into ledger.daily_total as d (${GROUP}, total_minor, count)
       select ${GROUP}, sum(amount), sum(n)
         from (${delta}) delta
        group by ${GROUP}
       having sum(n) <> 0 or sum(amount) <> 0
        order by ${GROUP}
       on conflict (${GROUP}) do update set total_minor = d.total_minor + excluded.total_minor, count = d.count + excluded.count;`;
}

function dailyTotalTrigger(event: 'insert' | 'update' | 'delete'): string[] {
  const delta = { insert: PLUS, update: `${PLUS} union all ${MINUS}`, delete: MINUS }[event];
  const transition = { insert: 'new table as new_rows', update: 'old table as old_rows new table as new_rows', delete: 'old table as old_rows' }[event];
  const dropEmptied =
    event === 'insert'
      ? ''
      : `delete from ledger.daily_total d
          using (select distinct ${GROUP} from old_rows) g
          where d.count = 0 and d.user_id = g.user_id and d.date = g.date and d.transaction_type = g.transaction_type
            and d.category_id is not distinct from g.category_id and d.currency = g.currency;`;
  return [
    `create function ledger.daily_total_on_${event}() returns trigger language plpgsql as $$
     begin
       ${dailyTotalUpsert(delta)}
       ${dropEmptied}
       return null;
     end $$`,
    `create trigger transaction_daily_total_on_${event} after ${event} on ledger.transaction
       referencing ${transition} for each statement execute function ledger.daily_total_on_${event}()`,
  ];
}

export class Migration20261126000001DailyTotals extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table ledger.daily_total (
        user_id uuid not null,
        date date not null,
        transaction_type text not null,
        category_id uuid,
        currency char(3) not null,
        total_minor numeric not null,
        count bigint not null
      )`);
    // One row per group; the uncategorized group (null category) is a group like any other.
    this.addSql(`create unique index daily_total_group_key on ledger.daily_total (${GROUP}) nulls not distinct`);
    // Triggers first: creating them locks out writers until this migration commits, so the
    // backfill below sees every row and no write slips between it and the triggers.
    for (const event of ['insert', 'update', 'delete'] as const) for (const sql of dailyTotalTrigger(event)) this.addSql(sql);
    this.addSql(`
      insert into ledger.daily_total (${GROUP}, total_minor, count)
      select ${GROUP}, sum(amount_minor), count(*) from ledger.transaction group by ${GROUP}`);
  }
}

/**
 * Tombstones of erased users. The erasure writes one under the user's exclusive lock, and every
 * writing transaction of a user checks it under the same lock in shared mode, so a write that
 * reaches the ledger after the erasure is refused instead of leaving a row behind
 * (application/erasure.ts). Only an id and a time: no personal data.
 */
export class Migration20261201000001DeletedUsers extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table ledger.deleted_user (
        user_id uuid primary key,
        deleted_at timestamptz not null
      )`);
  }
}

/**
 * Recurring templates (API.md Version 3) and what the scheduler needs to create each occurrence and
 * announce it exactly once, whatever runs at the same time:
 * - recurring_template: the schedule (frequency, weekend rule, start/end) and its cursor: next_index
 *   (n of the next occurrence, counted from start_date, so dates never drift) and
 *   next_occurrence_date (null = the schedule has ended). reminded_through: the day up to which
 *   upcoming events were written (a shortcut for the scheduler; the reminder rows decide).
 * - recurring_occurrence: one row per created occurrence, primary key (template, date): the
 *   backstop against a second transaction for the same occurrence. No foreign key to the
 *   transaction: deleting the transaction must not let the occurrence be created again.
 * - recurring_reminder: one row per announced occurrence (ledger.recurring.upcoming.v1).
 * - user_timezone: each user's IANA zone, so "today" is the user's day without asking auth.
 */
export class Migration20261205000001RecurringTemplates extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table ledger.recurring_template (
        id uuid primary key,
        user_id uuid not null,
        amount_minor bigint not null check (amount_minor > 0),
        currency char(3) not null check (currency ~ '^[A-Z]{3}$'),
        transaction_type text not null check (transaction_type in ('income', 'expense')),
        description text not null default '' check (char_length(description) <= 1000),
        category_id uuid,
        frequency text not null check (frequency in ('daily', 'weekly', 'monthly', 'yearly')),
        weekend text not null default 'none' check (weekend in ('none', 'before', 'after')),
        start_date date not null,
        end_date date,
        next_index integer not null check (next_index >= 0),
        next_occurrence_date date,
        reminded_through date,
        is_active boolean not null,
        auto_create boolean not null,
        created_at timestamptz not null,
        updated_at timestamptz not null,
        check (end_date >= start_date),
        -- the target of the occurrence and reminder tables' (user_id, template_id) foreign keys
        unique (user_id, id),
        -- Like a transaction: only the user's own category. Deleting a category moves its templates first (use case); this is the backstop.
        foreign key (user_id, category_id) references ledger.category (user_id, id) on delete set null (category_id)
      )`);
    // The scheduler's scan: due auto_create templates in date order.
    this.addSql(
      'create index recurring_template_due_idx on ledger.recurring_template (next_occurrence_date, id) where is_active and auto_create and next_occurrence_date is not null',
    );
    // The reminder scan: every active template with a next occurrence (auto_create or not).
    this.addSql('create index recurring_template_upcoming_idx on ledger.recurring_template (next_occurrence_date, id) where is_active and next_occurrence_date is not null');
    // Keyset pages, newest first (ids are UUIDv7, time-ordered), and erasure.
    this.addSql('create index recurring_template_user_id_id_idx on ledger.recurring_template (user_id, id desc)');
    // Category deletion moves templates; the foreign key's checks.
    this.addSql('create index recurring_template_user_id_category_id_idx on ledger.recurring_template (user_id, category_id) where category_id is not null');

    this.addSql(`
      create table ledger.recurring_occurrence (
        template_id uuid not null,
        occurrence_date date not null,
        user_id uuid not null,
        transaction_id uuid not null,
        created_at timestamptz not null,
        primary key (template_id, occurrence_date),
        foreign key (user_id, template_id) references ledger.recurring_template (user_id, id)
      )`);
    this.addSql('create index recurring_occurrence_user_id_idx on ledger.recurring_occurrence (user_id)');

    this.addSql(`
      create table ledger.recurring_reminder (
        template_id uuid not null,
        occurrence_date date not null,
        user_id uuid not null,
        created_at timestamptz not null,
        primary key (template_id, occurrence_date),
        foreign key (user_id, template_id) references ledger.recurring_template (user_id, id)
      )`);
    this.addSql('create index recurring_reminder_user_id_idx on ledger.recurring_reminder (user_id)');

    this.addSql(`
      create table ledger.user_timezone (
        user_id uuid primary key,
        timezone text not null,
        updated_at timestamptz not null
      )`);
  }
}

/** An import's stored answer (Idempotency-Key) belongs to many transactions, not one. */
export class Migration20261205000002ImportIdempotency extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table ledger.idempotency_key alter column transaction_id drop not null');
  }
}

/**
 * An import keeps the daily totals itself (application/import.ts): it writes its rows by a COPY per
 * few thousand rows, and the insert trigger's upsert per statement made PostgreSQL update each of the
 * import's groups once per statement (+30 % of its time for 100,000 rows in 20 statements, measured).
 * The trigger now stands aside while the transaction-local setting `ledger.daily_total_deferred` is
 * 'on', which only the import sets (set_config(…, true): it ends with the transaction); the import
 * then adds its groups in one upsert of the same shape (import.queries.ts, addDailyTotals) before it
 * commits. Every other write keeps the trigger.
 */
export class Migration20261206000001DeferredDailyTotals extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create or replace function ledger.daily_total_on_insert() returns trigger language plpgsql as $$
      begin
        if current_setting('ledger.daily_total_deferred', true) = 'on' then
          return null;
        end if;
        ${dailyTotalUpsert(PLUS)}
        return null;
      end $$`);
  }
}

export const ledgerMigrations = [
  Migration20261125000001CreateLedgerTables,
  Migration20261126000001DailyTotals,
  Migration20261201000001DeletedUsers,
  Migration20261205000001RecurringTemplates,
  Migration20261205000002ImportIdempotency,
  Migration20261206000001DeferredDailyTotals,
];
