import { Migration } from '@mikro-orm/migrations';

// Hand-written, ordered migrations for the `auth` schema. Never generated from a diff at run
// time: a diff sees the whole database and would drop other services' schemas.

export class Migration20261124000001CreateAuthTables extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table auth."user" (
        id uuid primary key,
        email text not null,
        username text not null,
        password_hash text not null,
        is_active boolean not null default true,
        base_currency char(3) not null default 'USD',
        timezone text not null default 'UTC',
        notification_preferences jsonb not null,
        created_at timestamptz not null,
        updated_at timestamptz not null
      )`);
    // Email and username are unique regardless of case.
    this.addSql('create unique index user_email_lower_key on auth."user" (lower(email))');
    this.addSql('create unique index user_username_lower_key on auth."user" (lower(username))');

    this.addSql(`
      create table auth.session (
        id uuid primary key,
        user_id uuid not null references auth."user" (id) on delete cascade,
        created_at timestamptz not null,
        revoked_at timestamptz,
        revoked_reason text
      )`);
    this.addSql('create index session_user_id_idx on auth.session (user_id)');

    this.addSql(`
      create table auth.refresh_token (
        id uuid primary key,
        session_id uuid not null references auth.session (id) on delete cascade,
        token_hash text not null unique,
        created_at timestamptz not null,
        expires_at timestamptz not null,
        used_at timestamptz
      )`);
    this.addSql('create index refresh_token_session_id_idx on auth.refresh_token (session_id)');

    this.addSql(`
      create table auth.signing_key (
        kid text primary key,
        private_jwk jsonb not null,
        public_jwk jsonb not null,
        created_at timestamptz not null,
        retired_at timestamptz
      )`);

    // Failed logins, keyed by account ("user:<id>") or, for unknown names, by the name itself.
    this.addSql(`
      create table auth.login_failure (
        key text not null,
        failed_at timestamptz not null
      )`);
    this.addSql('create index login_failure_key_failed_at_idx on auth.login_failure (key, failed_at desc)');
  }
}

// Private signing keys encrypted at rest (SIGNING_KEY_ENCRYPTION_KEY): a row holds either the plain
// JWK (no key configured) or its compact JWE, never both; the key store seals plain rows once a key is set.
export class Migration20261205000001SealedSigningKeys extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table auth.signing_key add column private_jwe text');
    this.addSql('alter table auth.signing_key alter column private_jwk drop not null');
    this.addSql('alter table auth.signing_key add constraint signing_key_private_once check (num_nonnulls(private_jwk, private_jwe) = 1)');
  }
}

export const authMigrations = [Migration20261124000001CreateAuthTables, Migration20261205000001SealedSigningKeys];
