import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { goalMilestoneReached } from '@finance/events/contracts/goals';
import { waitFor } from '@finance/testing';
import { deliverDueEmails } from '../src/application/email-delivery.js';
import { smtpMailer } from '../src/transport/smtp/smtp.mailer.js';
import { countRows, publishEvent, registerUser, startNotificationsHarness, type NotificationsHarness } from './helpers.js';

// The e-mail outbox's guarantees with the worker driven by hand (MAIL_SCAN_INTERVAL_MS=0): replicas
// never send one e-mail twice, a restart sends nothing again, a permanent refusal is not retried, and
// a stop lets the e-mail in flight finish.

let h: NotificationsHarness;

beforeAll(async () => {
  h = await startNotificationsHarness({ MAIL_SCAN_INTERVAL_MS: '0' });
}, 60_000);

afterAll(async () => {
  await h?.close();
});

/** `n` goal notifications for a new user (each with an e-mail queued); returns the user. */
async function queued(n: number, preferences = {}) {
  const user = registerUser(h, preferences);
  for (let i = 1; i <= n; i++) {
    await publishEvent(h, goalMilestoneReached, { user_id: user.userId, goal_id: randomUUID(), name: `Goal ${i}`, milestone: 25, target_amount_minor: '400', current_amount_minor: '100', currency: 'USD' });
  }
  await waitFor(async () => (await countRows(h, 'email_outbox', user.userId)) === n, { timeoutMs: 10_000, message: `${n} queued e-mails` });
  return user;
}

const outbox = async (userId: string) =>
  h.orm.em.fork().execute<{ attempts: number; sent: boolean; failed: boolean; last_error: string | null }[]>(
    'select attempts, sent_at is not null as sent, failed_at is not null as failed, last_error from notifications.email_outbox where user_id = ? order by created_at',
    [userId],
  );

describe('the e-mail outbox', () => {
  test('two workers draining at once (two replicas, FOR UPDATE SKIP LOCKED) send each of 20 e-mails exactly once', async () => {
    const { userId, email } = await queued(20);
    const replica = await h.startReplica({ MAIL_SCAN_INTERVAL_MS: '0' });
    try {
      await Promise.all([h.service.deliverEmails(), replica.deliverEmails(), h.service.deliverEmails()]);
    } finally {
      await replica.stop();
    }
    const mails = h.smtp.to(email);
    expect(mails).toHaveLength(20);
    expect(new Set(mails.map((m) => m.messageId)).size).toBe(20);
    expect((await outbox(userId)).every((row) => row.sent && row.attempts === 1)).toBe(true);
  });

  test('a restarted service (a new worker over the same outbox) sends nothing again', async () => {
    const { email } = await queued(2);
    await h.service.deliverEmails();
    expect(h.smtp.to(email)).toHaveLength(2);
    const restarted = await h.startReplica({ MAIL_SCAN_INTERVAL_MS: '100' });
    try {
      await sleep(500);
      await restarted.deliverEmails();
    } finally {
      await restarted.stop();
    }
    expect(h.smtp.to(email)).toHaveLength(2);
  });

  test('an address the server refuses for good (550) is not retried; the other e-mails go out', async () => {
    const bounced = registerUser(h);
    h.users.get(bounced.userId)!.email = `bounce-${bounced.userId.slice(0, 8)}@example.com`;
    await publishEvent(h, goalMilestoneReached, { user_id: bounced.userId, goal_id: randomUUID(), name: 'X', milestone: 25, target_amount_minor: '400', current_amount_minor: '100', currency: 'USD' });
    await waitFor(async () => (await countRows(h, 'email_outbox', bounced.userId)) === 1, { message: 'queued' });
    const { email } = await queued(1);
    await h.service.deliverEmails();
    await h.service.deliverEmails();
    expect(await outbox(bounced.userId)).toEqual([{ attempts: 1, sent: false, failed: true, last_error: expect.stringContaining('550') }]);
    expect(h.smtp.to(email)).toHaveLength(1);
  });

  test('stop() lets the e-mail in flight finish and records it as sent', async () => {
    const { userId, email } = await queued(1);
    h.smtp.acceptDelayMs = 1_000;
    const replica = await h.startReplica({ MAIL_SCAN_INTERVAL_MS: '0' });
    try {
      const delivering = replica.deliverEmails();
      await sleep(300); // the worker is now waiting for the server's answer
      await replica.stop();
      await delivering;
    } finally {
      h.smtp.acceptDelayMs = 0;
    }
    expect(h.smtp.to(email)).toHaveLength(1);
    expect(await outbox(userId)).toEqual([{ attempts: 1, sent: true, failed: false, last_error: null }]);
  });

  test('the window SMTP leaves: accepted by the server but not recorded as sent → sent again, with the same Message-ID', async () => {
    const { userId, email } = await queued(1);
    // The server takes the message, then the attempt fails before sent_at commits (a crash, a lost
    // database connection, a reply lost on the way back): exactly the window the README documents.
    const real = smtpMailer({ url: h.smtp.url, from: 'Finance Tracker <no-reply@finance-tracker.local>', timeoutMs: 2_000 });
    const lossy = { send: async (mail: Parameters<typeof real.send>[0]) => { await real.send(mail); throw new Error('connection to the database lost'); } };
    const retry = { baseMs: 1, maxMs: 1 };
    try {
      expect(await deliverDueEmails({ orm: h.orm, mailer: lossy, now: () => new Date(), retry })).toEqual(['retry']);
      await sleep(20);
      expect(await deliverDueEmails({ orm: h.orm, mailer: real, now: () => new Date(), retry })).toEqual(['sent']);
    } finally {
      real.close();
    }
    const mails = h.smtp.to(email);
    expect(mails).toHaveLength(2);
    expect(mails[0]!.messageId).toMatch(/^<[0-9a-f-]{36}@finance-tracker\.local>$/);
    expect(mails[1]!.messageId).toBe(mails[0]!.messageId);
    expect(await outbox(userId)).toEqual([{ attempts: 2, sent: true, failed: false, last_error: null }]);
  });
});
