import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { goalMilestoneReached } from '@finance/events/contracts/goals';
import { inspector, scrapeMetrics, testNatsUrl, waitFor } from '@finance/testing';
import { countRows, publishEvent, registerUser, startNotificationsHarness, type NotificationsHarness } from './helpers.js';

// The notifications service's GET /metrics, scraped over HTTP on its metrics port as Prometheus
// would: the e-mail queue as it fills and drains, send outcomes, its consumers' counts (a malformed
// event parked), and the RPCs it answered. The mail worker is driven by hand (MAIL_SCAN_INTERVAL_MS=0).

let h: NotificationsHarness;

beforeAll(async () => {
  h = await startNotificationsHarness({ MAIL_SCAN_INTERVAL_MS: '0' });
}, 60_000);

afterAll(async () => {
  await h?.close();
});

const scrape = () => scrapeMetrics(`http://${h.service.metricsAddress}/metrics`);
const SUBJECT = goalMilestoneReached.subject;

async function milestone(userId: string) {
  await publishEvent(h, goalMilestoneReached, { user_id: userId, goal_id: randomUUID(), name: 'Bike', milestone: 25, target_amount_minor: '400', current_amount_minor: '100', currency: 'USD' });
}

describe('GET /metrics of the notifications service', () => {
  test('is served on its own port, in the text format; every other path is a 404', async () => {
    expect(h.service.metricsAddress).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(h.service.metricsAddress).not.toBe(h.service.address);
    const page = await scrape();
    expect(page.has('process_cpu_user_seconds_total')).toBe(true);
    expect(page.text).toContain('# TYPE finance_email_queue_size gauge');
    expect((await fetch(`http://${h.service.metricsAddress}/`)).status).toBe(404);
  });

  test('the e-mail queue grows with notifications and shrinks as they are sent; sent and refused-for-good counted', async () => {
    const before = await scrape();
    const sent = registerUser(h);
    const bounced = registerUser(h);
    h.users.get(bounced.userId)!.email = `bounce-${bounced.userId.slice(0, 8)}@example.com`;
    await milestone(sent.userId);
    await milestone(bounced.userId);
    await waitFor(async () => (await countRows(h, 'email_outbox', sent.userId)) + (await countRows(h, 'email_outbox', bounced.userId)) === 2, { message: 'two queued e-mails' });

    const queued = await scrape();
    expect(queued.value('finance_email_queue_size')).toBe(before.value('finance_email_queue_size') + 2);
    const handled = { subject: SUBJECT, outcome: 'handled' };
    expect(queued.value('finance_events_consumed_total', handled) - before.value('finance_events_consumed_total', handled)).toBe(2);

    await h.service.deliverEmails();
    const after = await scrape();
    expect(after.value('finance_email_queue_size')).toBe(0);
    expect(after.value('finance_email_attempts_total', { outcome: 'sent' }) - before.value('finance_email_attempts_total', { outcome: 'sent' })).toBe(1);
    expect(after.value('finance_email_attempts_total', { outcome: 'failed' }) - before.value('finance_email_attempts_total', { outcome: 'failed' })).toBe(1);
  });

  test('an e-mail the SMTP server cannot take now stays queued and counts as a retry', async () => {
    const before = await scrape();
    const user = registerUser(h);
    await milestone(user.userId);
    await waitFor(async () => (await countRows(h, 'email_outbox', user.userId)) === 1, { message: 'a queued e-mail' });
    h.smtp.down();
    try {
      await h.service.deliverEmails();
    } finally {
      h.smtp.up();
    }
    const after = await scrape();
    expect(after.value('finance_email_queue_size')).toBe(1);
    expect(after.value('finance_email_attempts_total', { outcome: 'retry' }) - before.value('finance_email_attempts_total', { outcome: 'retry' })).toBe(1);
  });

  test('a malformed event is parked (terminated, never handled) and counted', async () => {
    const before = await scrape();
    const { nc, jsm } = await inspector(testNatsUrl());
    try {
      await jsm.jetstream().publish(`${h.namespace}.${SUBJECT}`, '{"event_id": "not-a-uuid"}', { msgID: randomUUID() });
    } finally {
      await nc.close();
    }
    await waitFor(async () => (await scrape()).value('finance_events_parked_total', { subject: SUBJECT }) === before.value('finance_events_parked_total', { subject: SUBJECT }) + 1, {
      message: 'the malformed event parked',
    });
    const after = await scrape();
    const invalid = { subject: SUBJECT, outcome: 'invalid' };
    expect(after.value('finance_events_consumed_total', invalid) - before.value('finance_events_consumed_total', invalid)).toBe(1);
  });

  test('the RPCs it answered, by method and code', async () => {
    const before = await scrape();
    const user = registerUser(h);
    await h.client.listNotifications({ userId: user.userId, page: { limit: 10, cursor: '' }, unreadOnly: false });
    const missing = await h.client.markRead({ userId: user.userId, id: randomUUID() }).then(
      () => undefined,
      (err: { code?: number }) => err.code,
    );
    expect(missing).toBe(5); // NOT_FOUND
    const after = await scrape();
    const delta = (method: string, code: string) =>
      after.value('finance_grpc_server_handled_total', { method, code }) - before.value('finance_grpc_server_handled_total', { method, code });
    expect(delta('/finance.notifications.v1.NotificationsService/ListNotifications', 'OK')).toBe(1);
    expect(delta('/finance.notifications.v1.NotificationsService/MarkRead', 'NOT_FOUND')).toBe(1);
  });
});
