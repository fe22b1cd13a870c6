import { createTransport } from 'nodemailer';
import { MailSendError, type Mailer } from '../../application/email-delivery.js';
import type { QueuedEmail } from '../../application/views.js';

export interface SmtpMailer extends Mailer {
  close(): void;
}

/**
 * The outbox's Mailer over SMTP (nodemailer): `SMTP_URL` (smtp://host:port, smtps:// for TLS, user
 * and password in the URL when the server wants them), from `MAIL_FROM`, with the outbox row's
 * Message-ID. Bounded waits (connect, greeting, socket) so a hanging server cannot hold the outbox
 * row's lock for long. A 5xx answer is a permanent refusal; everything else (refused connection,
 * timeout, 4xx) is transient and retried.
 */
export function smtpMailer(opts: { url: string; from: string; timeoutMs?: number }): SmtpMailer {
  const timeout = opts.timeoutMs ?? 10_000;
  const url = new URL(opts.url);
  const transport = createTransport({
    host: url.hostname,
    port: url.port ? Number(url.port) : url.protocol === 'smtps:' ? 465 : 25,
    secure: url.protocol === 'smtps:',
    auth: url.username ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } : undefined,
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
  });
  return {
    async send(mail: QueuedEmail) {
      try {
        await transport.sendMail({ from: opts.from, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html, messageId: mail.messageId });
      } catch (err) {
        const code = (err as { responseCode?: unknown }).responseCode;
        const permanent = typeof code === 'number' && code >= 500 && code < 600;
        throw new MailSendError(err instanceof Error ? err.message : String(err), permanent);
      }
    },
    close() {
      transport.close();
    },
  };
}

/** The domain of MAIL_FROM's address ("Finance Tracker <no-reply@finance-tracker.local>" → finance-tracker.local), for Message-IDs. */
export function mailDomainOf(from: string): string {
  const match = /@([A-Za-z0-9.-]+)>?\s*$/.exec(from.trim());
  return match?.[1]?.toLowerCase() ?? 'finance-tracker.local';
}
