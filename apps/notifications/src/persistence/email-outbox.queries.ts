import type { EntityManager } from '@mikro-orm/postgresql';
import type { QueuedEmail } from '../application/views.js';

// The e-mail outbox (application/email-delivery.ts has the protocol).

export interface NewEmail {
  id: string;
  notificationId: string;
  userId: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  messageId: string;
  now: Date;
}

/** Queues one e-mail of a notification (at most one per notification), due at once. */
export async function insertEmail(tx: EntityManager, e: NewEmail): Promise<void> {
  await tx.execute(
    `insert into notifications.email_outbox (id, notification_id, user_id, to_address, subject, text_body, html_body, message_id, next_attempt_at, created_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     on conflict (notification_id) do nothing`,
    [e.id, e.notificationId, e.userId, e.to, e.subject, e.text, e.html, e.messageId, e.now, e.now],
  );
}

interface EmailRow {
  id: string;
  notification_id: string;
  to_address: string;
  subject: string;
  text_body: string;
  html_body: string;
  message_id: string;
  attempts: number;
}

/**
 * Locks the e-mail due first (not sent, not given up, next_attempt_at ≤ now) for the caller's
 * transaction, skipping rows other workers hold: replicas never send one e-mail at the same time.
 */
export async function claimDueEmail(tx: EntityManager, now: Date): Promise<QueuedEmail | undefined> {
  const rows = await tx.execute<EmailRow[]>(
    `select id, notification_id, to_address, subject, text_body, html_body, message_id, attempts
       from notifications.email_outbox
      where sent_at is null and failed_at is null and next_attempt_at <= ?
      order by next_attempt_at, id
      limit 1
      for update skip locked`,
    [now],
  );
  const row = rows[0];
  if (!row) return undefined;
  return {
    id: row.id,
    notificationId: row.notification_id,
    to: row.to_address,
    subject: row.subject,
    text: row.text_body,
    html: row.html_body,
    messageId: row.message_id,
    attempts: row.attempts,
  };
}

export async function markEmailSent(tx: EntityManager, id: string, now: Date): Promise<void> {
  await tx.execute('update notifications.email_outbox set sent_at = ?, attempts = attempts + 1, last_error = null where id = ?', [now, id]);
}

export async function markEmailRetry(tx: EntityManager, id: string, nextAttemptAt: Date, error: string): Promise<void> {
  await tx.execute('update notifications.email_outbox set attempts = attempts + 1, next_attempt_at = ?, last_error = ? where id = ?', [nextAttemptAt, error, id]);
}

export async function markEmailFailed(tx: EntityManager, id: string, now: Date, error: string): Promise<void> {
  await tx.execute('update notifications.email_outbox set attempts = attempts + 1, failed_at = ?, last_error = ? where id = ?', [now, error, id]);
}

/** When the next e-mail falls due (undefined: none is waiting); the worker sleeps until then at most. */
export async function nextEmailDueAt(em: EntityManager): Promise<Date | undefined> {
  const rows = await em.execute<{ due: Date | string }[]>(
    'select min(next_attempt_at) as due from notifications.email_outbox where sent_at is null and failed_at is null',
  );
  const due = rows[0]?.due;
  return due ? new Date(due) : undefined;
}

/** E-mails waiting to be sent (due or retrying later; not sent, not given up): finance_email_queue_size. */
export async function countQueuedEmails(em: EntityManager): Promise<number> {
  const rows = await em.execute<{ n: number }[]>('select count(*)::int as n from notifications.email_outbox where sent_at is null and failed_at is null');
  return Number(rows[0]?.n ?? 0);
}
