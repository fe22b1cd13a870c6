import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from '@finance/platform';
import { retryDelayMs, type RetryPolicy } from '../domain/backoff.js';
import { claimDueEmail, markEmailFailed, markEmailRetry, markEmailSent, nextEmailDueAt } from '../persistence/email-outbox.queries.js';
import type { QueuedEmail } from './views.js';

// The e-mail outbox's delivery protocol. An e-mail is queued in the notification's transaction
// (application/notify.ts), so a notification that exists has its e-mail queued and vice versa. The
// worker sends each queued e-mail in its own transaction:
//
//   claim (SELECT … FOR UPDATE SKIP LOCKED, the due row first) → SMTP → mark sent → COMMIT
//
// The row stays locked while SMTP talks, so another replica's worker skips it and no two processes
// ever send it at the same time; once `sent_at` is committed nobody sends it again, so a redelivered
// event (which finds its notification, application/notify.ts) or a restarted worker never mails it twice.
//
// The one window SMTP leaves: the server accepted the message (250 after DATA) and the process dies,
// or the database fails, before `sent_at` is committed. The lock goes with the transaction, the row
// is still unsent, and the next scan sends it again: at-least-once at exactly that point (SMTP has no
// way to ask "did you already take this one?"). Every attempt carries the same Message-ID
// (`<notification id>@<MAIL_FROM's domain>`), so a receiving system or client that deduplicates on it
// shows one message. Everything else is exactly once.
//
// A failed attempt (SMTP down, timeout, 4xx) is retried after base × 2^(failures − 1), capped
// (domain/backoff.ts); a permanent refusal (5xx: a bad address) is not retried (`failed_at`).

/** Port: sends one e-mail. Throws MailSendError (or anything: a transient failure) when it was not accepted. */
export interface Mailer {
  send(mail: QueuedEmail): Promise<void>;
}

/** A failure to send; `permanent` when the server refused the message for good (5xx). */
export class MailSendError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
    this.name = 'MailSendError';
  }
}

export interface EmailDeliveryOptions {
  orm: MikroORM;
  mailer: Mailer;
  now(): Date;
  retry: RetryPolicy;
  logger?: Logger | undefined;
}

export type AttemptOutcome = 'sent' | 'retry' | 'failed';

/**
 * Sends the e-mails due when it starts, one per transaction, until none is left or `shouldStop()` says
 * so (checked between e-mails: the one in flight always finishes). Returns what happened to each.
 */
export async function deliverDueEmails(opts: EmailDeliveryOptions, shouldStop: () => boolean = () => false): Promise<AttemptOutcome[]> {
  const outcomes: AttemptOutcome[] = [];
  // Due by the run's start: an e-mail that fails is due again only after its delay, and one queued
  // meanwhile waits for the next run, so a run attempts each e-mail at most once and always ends.
  const dueBy = opts.now();
  while (!shouldStop()) {
    const outcome = await opts.orm.em.fork().transactional(async (tx) => {
      const email = await claimDueEmail(tx, dueBy);
      if (!email) return undefined;
      try {
        await opts.mailer.send(email);
      } catch (err) {
        const message = (err instanceof Error ? err.message : String(err)).slice(0, 1000);
        if (err instanceof MailSendError && err.permanent) {
          await markEmailFailed(tx, email.id, opts.now(), message);
          opts.logger?.error({ email_id: email.id, notification_id: email.notificationId, attempts: email.attempts + 1, err: message }, 'e-mail refused for good; not retried');
          return 'failed' as const;
        }
        const delay = retryDelayMs(email.attempts + 1, opts.retry);
        await markEmailRetry(tx, email.id, new Date(opts.now().getTime() + delay), message);
        opts.logger?.warn({ email_id: email.id, notification_id: email.notificationId, attempts: email.attempts + 1, retry_in_ms: delay, err: message }, 'e-mail not sent; will retry');
        return 'retry' as const;
      }
      await markEmailSent(tx, email.id, opts.now());
      opts.logger?.info({ email_id: email.id, notification_id: email.notificationId, attempts: email.attempts + 1 }, 'e-mail sent');
      return 'sent' as const;
    });
    if (!outcome) break;
    outcomes.push(outcome);
  }
  return outcomes;
}

/** When the next queued e-mail is due; undefined when none waits. */
export function nextDueAt(orm: MikroORM): Promise<Date | undefined> {
  return nextEmailDueAt(orm.em.fork());
}
