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

export const ledgerMigrations = [Migration20261125000001CreateLedgerTables];
