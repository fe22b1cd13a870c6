import { Migration } from '@mikro-orm/migrations';

// Hand-written, ordered migrations for the `notifications` schema. Never generated from a diff at run
// time: a diff sees the whole database and would drop other services' schemas.

export class Migration20261205100001CreateNotificationsTables extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table notifications.notification (
        id uuid primary key,
        user_id uuid not null,
        kind text not null check (kind in ('budget_threshold', 'goal_milestone', 'recurring_upcoming')),
        title text not null,
        body text not null,
        -- what the notification announces (domain/notification.ts sourceKey): a redelivered or
        -- republished event (even with a new event id) inserts nothing
        source_key text not null,
        created_at timestamptz not null,
        read_at timestamptz,
        unique (user_id, source_key)
      )`);
    // Newest-first keyset pages of a user's notifications, all or only unread; erasure.
    this.addSql('create index notification_user_id_created_at_id_idx on notifications.notification (user_id, created_at desc, id desc)');
    this.addSql('create index notification_unread_idx on notifications.notification (user_id, created_at desc, id desc) where read_at is null');

    // What notifications needs of a user (auth.user.updated.v1's snapshot, or GetUser when missing).
    this.addSql(`
      create table notifications.user_profile (
        user_id uuid primary key,
        email text not null,
        timezone text not null,
        email_enabled boolean not null,
        budget_alerts boolean not null,
        recurring_reminders boolean not null,
        goal_milestones boolean not null,
        -- when auth's profile was as stored: an older auth.user.updated.v1 never overwrites a newer one
        as_of timestamptz not null,
        updated_at timestamptz not null
      )`);

    // The e-mail outbox (application/email-delivery.ts): one row per notification to e-mail, written
    // in the notification's transaction, sent by the mail worker.
    this.addSql(`
      create table notifications.email_outbox (
        id uuid primary key,
        notification_id uuid not null unique references notifications.notification (id) on delete cascade,
        user_id uuid not null,
        to_address text not null,
        subject text not null,
        text_body text not null,
        html_body text not null,
        -- the Message-ID header, the same at every attempt: receivers can drop a second copy
        message_id text not null,
        attempts integer not null default 0 check (attempts >= 0),
        next_attempt_at timestamptz not null,
        sent_at timestamptz,
        -- refused for good by the SMTP server (5xx): not retried
        failed_at timestamptz,
        last_error text,
        created_at timestamptz not null
      )`);
    // The worker's scan: due mails not sent and not given up.
    this.addSql('create index email_outbox_due_idx on notifications.email_outbox (next_attempt_at) where sent_at is null and failed_at is null');
    this.addSql('create index email_outbox_user_id_idx on notifications.email_outbox (user_id)');

    // Tombstones of erased users (application/erasure.ts): only an id and a time, no personal data.
    this.addSql(`
      create table notifications.deleted_user (
        user_id uuid primary key,
        deleted_at timestamptz not null
      )`);
  }
}

export const notificationsMigrations = [Migration20261205100001CreateNotificationsTables];
