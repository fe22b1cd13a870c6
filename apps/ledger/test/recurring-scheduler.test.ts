import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { addDays, isoDate, nthDate } from '@finance/calendar';
import { namespacedStream } from '@finance/events';
import { userUpdated } from '@finance/events/contracts/auth';
import type { MikroORM } from '@finance/platform';
import { inspector, streamMessages, TcpProxy, testNatsUrl, waitFor } from '@finance/testing';
import { runSchedulerPass } from '../src/index.js';
import {
  countRows,
  date,
  FREQUENCY,
  iso,
  newRecurring,
  occurrenceRows,
  openReplicaOrm,
  publishEvent,
  registerUser,
  schedulerContext,
  startLedgerHarness,
  transactionRows,
  type LedgerHarness,
} from './helpers.js';

// The recurring scheduler against real PostgreSQL and NATS. Passes run at an injected `now`
// (runSchedulerPass), on the harness's ORM and on a second pool playing another replica; the
// ledger's own outbox relay publishes what they write.

const NOW = new Date('2026-06-15T12:00:00Z');
const TODAY = isoDate('2026-06-15');
const SETTINGS = { reminderDays: 3 };

let h: LedgerHarness;
let replica: MikroORM;
let nats: Awaited<ReturnType<typeof inspector>>;

beforeAll(async () => {
  h = await startLedgerHarness();
  replica = await openReplicaOrm(h);
  nats = await inspector();
});

afterAll(async () => {
  await nats?.nc.close();
  await replica?.close();
  await h?.close();
});

const pass = (now = NOW, orm: MikroORM = h.orm, signal?: AbortSignal) => runSchedulerPass(schedulerContext(orm), now, SETTINGS, signal);

async function eventsOf(harness: Pick<LedgerHarness, 'namespace'>, userId: string, subject: string) {
  const msgs = await streamMessages(nats.jsm, namespacedStream(harness.namespace, 'LEDGER'));
  return msgs
    .filter((m) => m.subject === `${harness.namespace}.${subject}`)
    .map((m) => ({ msgId: m.header?.get('Nats-Msg-Id'), event: m.json<Record<string, any>>() }))
    .filter((m) => m.event.user_id === userId);
}

describe('catch-up', () => {
  test('a daily auto_create template started 39 days before today gets all 40 occurrences in one pass, each dated its own day', async () => {
    const userId = registerUser(h);
    const start = addDays(TODAY, -39);
    const { template } = await h.client.createRecurring(newRecurring(userId, { frequency: FREQUENCY.FREQUENCY_DAILY, startDate: date(start), amount: '4.20', description: 'Coffee' }));
    await pass();
    const expected = Array.from({ length: 40 }, (_, i) => addDays(start, i));
    const rows = await transactionRows(h, userId);
    expect(rows.map((r) => r.date)).toEqual(expected);
    expect(new Set(rows.map((r) => `${r.description}:${r.amount_minor}`))).toEqual(new Set(['Coffee:420']));
    const occurrences = await occurrenceRows(h, template!.id);
    expect(occurrences.map((o) => o.occurrence_date)).toEqual(expected);
    expect(new Set(occurrences.map((o) => o.transaction_id))).toEqual(new Set(rows.map((r) => r.id)));
    const { template: after } = await h.client.getRecurring({ userId, id: template!.id });
    expect(iso(after!.nextOccurrenceDate)).toBe('2026-06-16');
    // Nothing more is due: another pass creates nothing.
    await pass();
    expect(await countRows(h, 'transaction', userId)).toBe(40);
  });

  test('monthly from the 31st gets the clamped dates; not auto_create and inactive templates get nothing', async () => {
    const userId = registerUser(h);
    const { template } = await h.client.createRecurring(newRecurring(userId, { startDate: date('2026-01-31'), description: 'Rent' }));
    const manual = registerUser(h);
    await h.client.createRecurring(newRecurring(manual, { startDate: date('2026-01-31'), autoCreate: false }));
    const paused = (await h.client.createRecurring(newRecurring(manual, { startDate: date('2026-01-31') }))).template!;
    await h.client.deactivateRecurring({ userId: manual, id: paused.id });
    await pass();
    expect((await transactionRows(h, userId)).map((r) => r.date)).toEqual(['2026-01-31', '2026-02-28', '2026-03-31', '2026-04-30', '2026-05-31']);
    expect(iso((await h.client.getRecurring({ userId, id: template!.id })).template!.nextOccurrenceDate)).toBe('2026-06-30');
    expect(await countRows(h, 'transaction', manual)).toBe(0);
  });

  test('a pass stopped between batches (a crash) loses nothing: the next pass goes on, nothing twice', async () => {
    const userId = registerUser(h);
    const start = addDays(TODAY, -499); // 500 due: ten batches of 50 for this template
    const { template } = await h.client.createRecurring(newRecurring(userId, { frequency: FREQUENCY.FREQUENCY_DAILY, startDate: date(start) }));
    const stop = new AbortController();
    const ctx = { ...schedulerContext(h.orm), eventsWritten: () => stop.abort() }; // stops after the first batch that created something
    const first = await runSchedulerPass(ctx, NOW, SETTINGS, stop.signal);
    expect(first.created).toBeGreaterThan(0);
    expect(first.created).toBeLessThan(500);
    expect(await countRows(h, 'transaction', userId)).toBe(first.created);
    await pass();
    const dates = (await occurrenceRows(h, template!.id)).map((o) => o.occurrence_date);
    expect(dates).toEqual(Array.from({ length: 500 }, (_, i) => addDays(start, i)));
    expect(await countRows(h, 'transaction', userId)).toBe(500);
  });
});

describe('exactly once', () => {
  test('two scheduler replicas and 8 concurrent ProcessRecurring calls create each occurrence once', async () => {
    const users = Array.from({ length: 6 }, () => registerUser(h));
    const templates: { userId: string; id: string; start: string; frequency: 'daily' | 'weekly' }[] = [];
    for (const [i, userId] of users.entries()) {
      for (let j = 0; j < 3; j++) {
        const weekly = j === 2;
        const start = addDays(TODAY, weekly ? -7 * 20 : -(30 + i * 10 + j));
        const { template } = await h.client.createRecurring(
          newRecurring(userId, { frequency: weekly ? FREQUENCY.FREQUENCY_WEEKLY : FREQUENCY.FREQUENCY_DAILY, startDate: date(start), description: `t-${i}-${j}` }),
        );
        templates.push({ userId, id: template!.id, start, frequency: weekly ? 'weekly' : 'daily' });
      }
    }
    const raced = templates.slice(0, 4);
    const processes = Array.from({ length: 8 }, (_, k) => raced[k % raced.length]!).map((t) => h.client.processRecurring({ userId: t.userId, id: t.id }));
    const [a, b, ...processed] = await Promise.all([pass(NOW, h.orm), pass(NOW, replica), ...processes]);
    expect(processed.every((p) => !p.replayed)).toBe(true);
    expect(new Set(processed.map((p) => p.transaction!.id)).size).toBe(8);

    const problems: unknown[] = [];
    let total = 0;
    for (const t of templates) {
      const dates = (await occurrenceRows(h, t.id)).map((o) => o.occurrence_date);
      // The created dates are the schedule's first N dates: none twice, none skipped, every due one there.
      const schedule = Array.from({ length: dates.length }, (_, n) => nthDate(t.frequency, isoDate(t.start), n));
      if (JSON.stringify(dates) !== JSON.stringify(schedule)) problems.push({ template: t, dates });
      if (!dates.length || dates.at(-1)! < TODAY) problems.push({ template: t, missing: 'due occurrences' });
      total += dates.length;
    }
    expect(problems).toEqual([]);
    // One transaction per occurrence, and no transaction twice for a template and day.
    const [counts] = await h.orm.em.fork().execute<{ transactions: number; distinct_days: number; occurrences: number }[]>(
      `select (select count(*)::int from ledger.transaction where user_id in (${users.map(() => '?').join(', ')})) as transactions,
              (select count(distinct (description, date))::int from ledger.transaction where user_id in (${users.map(() => '?').join(', ')})) as distinct_days,
              (select count(*)::int from ledger.recurring_occurrence where user_id in (${users.map(() => '?').join(', ')})) as occurrences`,
      [...users, ...users, ...users],
    );
    expect(counts).toEqual({ transactions: total, distinct_days: total, occurrences: total });
    expect(a.created + b.created + 8).toBe(total);
  }, 60_000);
});

describe("the user's today", () => {
  test('due today in the user\'s time zone but not yet in UTC (UTC+14) is created; due in UTC but not yet locally (UTC-7) is not', async () => {
    const kiritimati = registerUser(h, { timezone: 'Pacific/Kiritimati' });
    const losAngeles = registerUser(h, { timezone: 'America/Los_Angeles' });
    const utc = registerUser(h);
    // 11:00 UTC on June 15 is 01:00 on June 16 in Kiritimati.
    const ahead = new Date('2026-06-15T11:00:00Z');
    for (const userId of [kiritimati, utc]) await h.client.createRecurring(newRecurring(userId, { frequency: FREQUENCY.FREQUENCY_DAILY, startDate: date('2026-06-16') }));
    await pass(ahead);
    expect((await transactionRows(h, kiritimati)).map((r) => r.date)).toEqual(['2026-06-16']);
    expect(await countRows(h, 'transaction', utc)).toBe(0);

    // 05:00 UTC on June 20 is 22:00 on June 19 in Los Angeles (PDT).
    const behind = new Date('2026-06-20T05:00:00Z');
    const other = registerUser(h);
    for (const userId of [losAngeles, other]) await h.client.createRecurring(newRecurring(userId, { frequency: FREQUENCY.FREQUENCY_DAILY, startDate: date('2026-06-20') }));
    await pass(behind);
    expect(await countRows(h, 'transaction', losAngeles)).toBe(0);
    expect((await transactionRows(h, other)).map((r) => r.date)).toEqual(['2026-06-20']);
    await pass(new Date('2026-06-20T07:00:00Z')); // midnight in Los Angeles
    expect((await transactionRows(h, losAngeles)).map((r) => r.date)).toEqual(['2026-06-20']);
  });

  test('auth.user.updated.v1 changes the time zone the scheduler uses', async () => {
    const userId = registerUser(h);
    await h.client.createRecurring(newRecurring(userId, { frequency: FREQUENCY.FREQUENCY_DAILY, startDate: date('2026-07-02') }));
    await publishEvent(h, userUpdated, {
      user_id: userId,
      email: 'someone@example.com',
      username: 'someone',
      base_currency: 'USD',
      timezone: 'Pacific/Kiritimati',
      notification_preferences: { email: true, budget_alerts: true, recurring_reminders: true, goal_milestones: true },
    });
    await waitFor(
      async () => (await h.orm.em.fork().execute<{ timezone: string }[]>('select timezone from ledger.user_timezone where user_id = ?', [userId]))[0]?.timezone === 'Pacific/Kiritimati',
      { timeoutMs: 10_000, message: 'the time zone from auth.user.updated.v1' },
    );
    await pass(new Date('2026-07-01T12:00:00Z')); // July 2, 02:00 in Kiritimati
    expect((await transactionRows(h, userId)).map((r) => r.date)).toEqual(['2026-07-02']);
  });
});

describe('upcoming reminders', () => {
  test('ledger.recurring.upcoming.v1 once per occurrence within the window, across two replicas and repeated passes', async () => {
    const userId = registerUser(h);
    const daily = (await h.client.createRecurring(newRecurring(userId, { frequency: FREQUENCY.FREQUENCY_DAILY, startDate: date('2026-06-16'), amount: '9.99', description: 'Paper' })))
      .template!;
    const manual = (
      await h.client.createRecurring(newRecurring(userId, { frequency: FREQUENCY.FREQUENCY_WEEKLY, startDate: date('2026-06-18'), autoCreate: false, description: 'Cleaner' }))
    ).template!;
    const later = (await h.client.createRecurring(newRecurring(userId, { startDate: date('2026-06-19') }))).template!; // 4 days ahead: outside

    await Promise.all([pass(NOW, h.orm), pass(NOW, replica), pass(NOW, h.orm), pass(NOW, replica)]);
    await pass();
    const expected = [
      { id: daily.id, date: '2026-06-16' },
      { id: daily.id, date: '2026-06-17' },
      { id: daily.id, date: '2026-06-18' },
      { id: manual.id, date: '2026-06-18' },
    ];
    const announced = async () => (await eventsOf(h, userId, 'ledger.recurring.upcoming.v1')).map((m) => ({ id: m.event.recurring_id, date: m.event.occurrence_date }));
    const byDate = (a: { id: string; date: string }, b: { id: string; date: string }) => (a.date + a.id < b.date + b.id ? -1 : 1);
    await waitFor(async () => (await announced()).length >= expected.length, { timeoutMs: 10_000, message: 'the upcoming events' });
    await new Promise((r) => setTimeout(r, 500));
    expect((await announced()).sort(byDate)).toEqual(expected.sort(byDate));
    const [event] = await eventsOf(h, userId, 'ledger.recurring.upcoming.v1');
    expect(event!.event).toMatchObject({ user_id: userId, description: 'Paper', amount_minor: '999', currency: 'USD', transaction_type: 'expense' });
    expect(event!.msgId).toBe(event!.event.event_id);

    // A day later, the next day enters the window (the daily one's June 16 is created, not announced again).
    await Promise.all([pass(new Date('2026-06-16T12:00:00Z'), h.orm), pass(new Date('2026-06-16T12:00:00Z'), replica)]);
    expected.push({ id: daily.id, date: '2026-06-19' }, { id: later.id, date: '2026-06-19' });
    await waitFor(async () => (await announced()).length >= expected.length, { timeoutMs: 10_000, message: 'the next upcoming events' });
    await new Promise((r) => setTimeout(r, 500));
    expect((await announced()).sort(byDate)).toEqual(expected.sort(byDate));
    expect(await countRows(h, 'recurring_reminder', userId)).toBe(expected.length);
  });

  test('an occurrence that entered the window while nothing ran is announced while it lies ahead; passed ones are not', async () => {
    const userId = registerUser(h);
    const { template } = await h.client.createRecurring(newRecurring(userId, { frequency: FREQUENCY.FREQUENCY_WEEKLY, startDate: date('2026-06-01'), autoCreate: false }));
    // Nothing ran until June 14: June 8 has passed (not announced), June 15 is ahead.
    await pass(new Date('2026-06-14T12:00:00Z'));
    const events = await waitFor(async () => {
      const found = await eventsOf(h, userId, 'ledger.recurring.upcoming.v1');
      return found.length ? found : undefined;
    }, { timeoutMs: 10_000 });
    expect(events.map((m) => m.event.occurrence_date)).toEqual(['2026-06-15']);
    expect(events[0]!.event.recurring_id).toBe(template!.id);
  });
});

describe('NATS down', () => {
  test('the in-process scheduler still creates the occurrences; their events go out once NATS is back', async () => {
    const proxy = await TcpProxy.forUrl(testNatsUrl(), 4222);
    const s = await startLedgerHarness({ env: { NATS_URL: proxy.url(), RECURRING_SCAN_INTERVAL_S: '1' } });
    try {
      const userId = registerUser(s);
      const today = isoDate(new Date().toISOString().slice(0, 10));
      proxy.cut();
      await s.client.createRecurring(newRecurring(userId, { frequency: FREQUENCY.FREQUENCY_DAILY, startDate: date(addDays(today, -2)), description: 'outage' }));
      await waitFor(async () => (await countRows(s, 'transaction', userId)) >= 3, { timeoutMs: 15_000, message: 'the scheduler to create the due occurrences' });
      expect((await transactionRows(s, userId)).map((r) => r.date).slice(0, 3)).toEqual([addDays(today, -2), addDays(today, -1), today]);
      expect(await eventsOf(s, userId, 'ledger.transaction.created.v1')).toHaveLength(0);

      proxy.restore();
      const created = await waitFor(
        async () => {
          const found = await eventsOf(s, userId, 'ledger.transaction.created.v1');
          return found.length >= 3 ? found : undefined;
        },
        { timeoutMs: 30_000, message: 'the created events after NATS came back' },
      );
      await new Promise((r) => setTimeout(r, 1000));
      const transactions = await transactionRows(s, userId);
      expect((await eventsOf(s, userId, 'ledger.transaction.created.v1')).length).toBe(transactions.length);
      expect(new Set(created.map((m) => m.event.transaction.transaction_id))).toEqual(new Set(transactions.map((t) => t.id)));
    } finally {
      await s.close();
      await proxy.close();
    }
  }, 60_000);
});
