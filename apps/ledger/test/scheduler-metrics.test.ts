import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createLogger, createMetrics } from '@finance/platform';
import { parseMetrics, waitFor } from '@finance/testing';
import { startScheduler } from '../src/application/scheduler.js';
import { date, FREQUENCY, newRecurring, registerUser, schedulerContext, startLedgerHarness, type LedgerHarness } from './helpers.js';

// The recurring scheduler's metrics (application/scheduler-metrics.ts) on a real database at a pinned
// clock: its lag, read at scrape time, is how long the oldest due occurrence not created yet has
// been due, from the start of its day in its user's time zone; a pass brings it back to 0 and counts
// the occurrences it created.

const NOW = new Date('2026-06-15T12:00:00Z');

let h: LedgerHarness;

beforeAll(async () => {
  h = await startLedgerHarness();
});

afterAll(async () => {
  await h?.close();
});

describe('finance_scheduler_lag_seconds and finance_scheduler_occurrences_created_total', () => {
  test('the lag of what is due, by the user\'s day; a pass creates it, is counted, and the lag is 0 again', async () => {
    const registry = createMetrics({ defaultMetrics: false });
    const scrape = async () => parseMetrics(await registry.metrics());
    const utc = registerUser(h);
    const newYork = registerUser(h, { timezone: 'America/New_York' });
    // New York (UTC-4 in June): due June 15, whose day began at 04:00 UTC, 8 hours before NOW.
    await h.client.createRecurring(newRecurring(newYork, { frequency: FREQUENCY.FREQUENCY_DAILY, startDate: date('2026-06-15') }));

    // A scheduler stopped before its first pass (which runs on the next tick): its gauge reads the database.
    const idle = startScheduler(schedulerContext(h.orm, () => NOW), { intervalS: 3600, reminderDays: 3 }, createLogger('test', 'silent'), registry);
    await idle.stop();
    expect((await scrape()).value('finance_scheduler_lag_seconds')).toBe(8 * 3600);

    // UTC: due since June 13 (two and a half days); the oldest sets the lag.
    await h.client.createRecurring(newRecurring(utc, { frequency: FREQUENCY.FREQUENCY_DAILY, startDate: date('2026-06-13') }));
    expect((await scrape()).value('finance_scheduler_lag_seconds')).toBe(2.5 * 24 * 3600);

    const scheduler = startScheduler(schedulerContext(h.orm, () => NOW), { intervalS: 3600, reminderDays: 3 }, createLogger('test', 'silent'), registry);
    try {
      // June 13, 14 and 15 of the UTC user, June 15 of the New York one.
      await waitFor(async () => (await scrape()).value('finance_scheduler_occurrences_created_total') === 4, { message: 'a pass to create 4 occurrences' });
    } finally {
      await scheduler.stop();
    }
    const after = await scrape();
    expect(after.value('finance_scheduler_lag_seconds')).toBe(0);
    expect(after.value('finance_scheduler_reminders_written_total')).toBeGreaterThan(0);
  });
});
