import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { namespacedDurable, namespacedStream, namespacedSubject, type EventOf } from '@finance/events';
import { budgetThresholdCrossed } from '@finance/events/contracts/budgeting';
import { userDeleted } from '@finance/events/contracts/auth';
import { transactionCreated, transactionDeleted, transactionUpdated, type TransactionSnapshot } from '@finance/events/contracts/ledger';
import { parseMoney } from '@finance/money';
import { createLogger } from '@finance/platform';
import { inspector, streamMessages, TcpProxy, testNatsUrl, waitFor } from '@finance/testing';
import { startBudgetingService } from '../src/index.js';
import {
  createBudget,
  createCategory,
  date,
  MONTHLY,
  publishEvent,
  registerUser,
  startBudgetingHarness,
  type BudgetingHarness,
  type Expense,
} from './helpers.js';

// Budget alerts (API.md, Version 4; issue 14): the ledger's transaction events are published here
// as its outbox relay would, and the ledger stub sums what the test "recorded" (h.expenses), as the
// real ledger's SumTransactions would after the transaction committed. Alerts are read from the
// BUDGETING stream, where budgeting's outbox relay puts them.

let h: BudgetingHarness;
let nats: Awaited<ReturnType<typeof inspector>>;

beforeAll(async () => {
  h = await startBudgetingHarness({ thresholds: true });
  nats = await inspector();
});

afterEach(() => {
  expect(h.auth.unscripted).toEqual([]);
  expect(h.ledger.unscripted).toEqual([]);
  expect(h.currency.unscripted).toEqual([]);
  h.setNow(undefined);
});

afterAll(async () => {
  await nats?.nc.close();
  await h?.close();
});

type Alert = EventOf<typeof budgetThresholdCrossed>;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** 2026-03-10 noon UTC: the current period of a monthly budget starting 2026-01-01 is March. */
const MARCH_10 = new Date('2026-03-10T12:00:00Z');

/** The alerts of a budget in the BUDGETING stream, in publication order. */
async function alertsOf(budgetId: string, harness: BudgetingHarness = h): Promise<Alert[]> {
  return (await streamMessages(nats.jsm, namespacedStream(harness.namespace, 'BUDGETING')))
    .filter((m) => m.subject === namespacedSubject(harness.namespace, budgetThresholdCrossed.subject))
    .map((m) => budgetThresholdCrossed.schema.parse(m.json()))
    .filter((e) => e.budget_id === budgetId);
}

const thresholdsOf = async (budgetId: string) => (await alertsOf(budgetId)).map((a) => `${a.period_start}:${a.threshold}`);

async function count(sql: string, params: unknown[] = [], harness: BudgetingHarness = h): Promise<number> {
  const [row] = await harness.orm.em.fork().execute<{ n: number }[]>(sql, params);
  return row!.n;
}

/**
 * Waits until budgeting is done with what happened so far: the given events handled, no check
 * due, no alert left in the outbox. Only then is "nothing was announced" a finding.
 */
async function settled(eventIds: readonly string[] = [], harness: BudgetingHarness = h): Promise<void> {
  await waitFor(
    async () =>
      (await count('select count(*)::int as n from budgeting.processed_event where event_id = any(?::uuid[])', [`{${eventIds.join(',')}}`], harness)) === eventIds.length &&
      (await count('select count(*)::int as n from budgeting.budget_threshold_check where version > checked_version', [], harness)) === 0 &&
      (await count('select count(*)::int as n from budgeting.outbox_message where published_at is null', [], harness)) === 0,
    { timeoutMs: 15_000, intervalMs: 20, message: 'budgeting to handle the events, run its checks and publish its alerts' },
  );
}

interface Recorded {
  snapshot: TransactionSnapshot;
  expense: Expense | undefined;
}

/**
 * Records a transaction where the ledger stub sums it (expenses only, as SumTransactions is asked
 * for) and publishes ledger.transaction.created.v1 for it, as the ledger does after its commit.
 * Returns the snapshot and the event id.
 */
async function recordTransaction(
  userId: string,
  amount: string,
  day: string,
  extra: { currency?: string; categoryId?: string | null; type?: 'income' | 'expense' } = {},
): Promise<Recorded & { eventId: string }> {
  const currency = extra.currency ?? 'USD';
  const type = extra.type ?? 'expense';
  const minor = parseMoney(amount, currency, { requirePositive: true }).minor;
  const snapshot: TransactionSnapshot = {
    transaction_id: randomUUID(),
    amount_minor: String(minor),
    currency,
    transaction_type: type,
    date: day,
    category_id: extra.categoryId ?? null,
  };
  const expense = type === 'expense' ? { userId, day, minor, currency, categoryId: snapshot.category_id } : undefined;
  if (expense) h.expenses.push(expense);
  const { event } = await publishEvent(h, transactionCreated, { user_id: userId, transaction: snapshot });
  return { snapshot, expense, eventId: event.event_id };
}

/** The ledger deleted the transaction: the stub no longer sums it, and the event goes out. */
async function deleteTransaction(userId: string, recorded: Recorded): Promise<string> {
  if (recorded.expense) h.expenses.splice(h.expenses.indexOf(recorded.expense), 1);
  const { event } = await publishEvent(h, transactionDeleted, { user_id: userId, transaction: recorded.snapshot });
  return event.event_id;
}

/** A budget, once the check its creation queued has run (so a later alert is the later change's). */
async function budgetOf(userId: string, overrides: Parameters<typeof createBudget>[2] = {}) {
  const budget = await createBudget(h, userId, overrides);
  await settled();
  return budget;
}

const sumCalls = () => h.ledger.callsOf('sumTransactions').length;

describe('budgeting.budget.threshold_crossed.v1', () => {
  test('85 % announces 80 once; 105 % announces 100 once; 110 % nothing more — with what a notification needs', async () => {
    h.setNow(MARCH_10);
    const userId = registerUser(h);
    const food = createCategory(h, userId, 'Groceries');
    const budget = await budgetOf(userId, { amount: '200.00', categoryId: food.id });

    const first = await recordTransaction(userId, '170.00', '2026-03-04', { categoryId: food.id }); // 85 %
    await settled([first.eventId]);
    expect(await alertsOf(budget.id)).toEqual([
      {
        event_id: expect.any(String),
        occurred_at: MARCH_10.toISOString(),
        user_id: userId,
        budget_id: budget.id,
        budget_name: 'Groceries',
        category_id: food.id,
        category_name: 'Groceries',
        threshold: 80,
        period_start: '2026-03-01',
        period_end: '2026-03-31',
        amount: '200.00',
        spent: '170.00',
        currency: 'USD',
        percent_used: '85.00',
        transaction_id: first.snapshot.transaction_id,
      },
    ]);

    // Another category and an uncategorized expense do not count for this budget.
    const elsewhere = await recordTransaction(userId, '500.00', '2026-03-05', { categoryId: createCategory(h, userId).id });
    const second = await recordTransaction(userId, '40.00', '2026-03-09', { categoryId: food.id }); // 105 %
    await settled([elsewhere.eventId, second.eventId]);
    const alerts = await alertsOf(budget.id);
    expect(alerts.map((a) => [a.threshold, a.spent, a.percent_used, a.transaction_id])).toEqual([
      [80, '170.00', '85.00', first.snapshot.transaction_id],
      [100, '210.00', '105.00', second.snapshot.transaction_id],
    ]);

    const third = await recordTransaction(userId, '10.00', '2026-03-10', { categoryId: food.id }); // 110 %
    await settled([third.eventId]);
    await sleep(200);
    expect(await alertsOf(budget.id)).toHaveLength(2);
    expect(await count('select count(*)::int as n from budgeting.budget_alert where budget_id = ?', [budget.id])).toBe(2);
  });

  test('one expense from 50 % to 120 % announces both, 80 before 100, naming that transaction', async () => {
    h.setNow(MARCH_10);
    const userId = registerUser(h);
    const budget = await budgetOf(userId, { amount: '100.00' }); // all expenses
    const half = await recordTransaction(userId, '50.00', '2026-03-02');
    await settled([half.eventId]);
    expect(await alertsOf(budget.id)).toEqual([]);

    const jump = await recordTransaction(userId, '70.00', '2026-03-03');
    await settled([jump.eventId]);
    expect((await alertsOf(budget.id)).map((a) => [a.threshold, a.spent, a.percent_used, a.transaction_id, a.category_id, a.category_name])).toEqual([
      [80, '120.00', '120.00', jump.snapshot.transaction_id, null, undefined],
      [100, '120.00', '120.00', jump.snapshot.transaction_id, null, undefined],
    ]);
  });

  test('falling below 80 % (a deletion, an update) and rising again in the same period announces nothing again', async () => {
    h.setNow(MARCH_10);
    const userId = registerUser(h);
    const budget = await budgetOf(userId, { amount: '100.00' });
    const big = await recordTransaction(userId, '85.00', '2026-03-02');
    await settled([big.eventId]);
    expect(await thresholdsOf(budget.id)).toEqual(['2026-03-01:80']);

    const deleted = await deleteTransaction(userId, big); // 0 %
    const again = await recordTransaction(userId, '85.00', '2026-03-06'); // 85 % again
    // Moved to February (out of the period) and back: an update judged on its `after` side.
    const moved = { ...again.snapshot, date: '2026-02-20' };
    again.expense!.day = '2026-02-20';
    const out = (await publishEvent(h, transactionUpdated, { user_id: userId, before: again.snapshot, after: moved })).event.event_id;
    again.expense!.day = '2026-03-06';
    const back = (await publishEvent(h, transactionUpdated, { user_id: userId, before: moved, after: again.snapshot })).event.event_id;
    await settled([again.eventId, out, back]);
    await sleep(200);
    expect(await thresholdsOf(budget.id)).toEqual(['2026-03-01:80']);
    // ledger.transaction.deleted.v1 is not consumed: a deletion only lowers spending.
    expect(await count('select count(*)::int as n from budgeting.processed_event where event_id = ?', [deleted])).toBe(0);
  });

  test('an expense dated in the previous period, and income, announce nothing and cost no ledger call', async () => {
    h.setNow(MARCH_10);
    const userId = registerUser(h);
    const budget = await budgetOf(userId, { amount: '100.00' });
    await settled(); // the check of the new budget
    const before = sumCalls();
    const february = await recordTransaction(userId, '500.00', '2026-02-27'); // 500 % of February
    const nextMonth = await recordTransaction(userId, '500.00', '2026-04-01'); // a future period
    const income = await recordTransaction(userId, '900.00', '2026-03-05', { type: 'income' });
    await settled([february.eventId, nextMonth.eventId, income.eventId]);
    await sleep(200);
    expect(await alertsOf(budget.id)).toEqual([]);
    expect(sumCalls()).toBe(before);
  });

  test('the next period announces anew', async () => {
    h.setNow(MARCH_10);
    const userId = registerUser(h);
    const budget = await budgetOf(userId, { amount: '100.00', period: MONTHLY, startDate: date('2026-01-15') });
    const march = await recordTransaction(userId, '90.00', '2026-03-01'); // period Feb 15 – Mar 14
    await settled([march.eventId]);
    h.setNow(new Date('2026-03-20T12:00:00Z')); // period Mar 15 – Apr 14
    const april = await recordTransaction(userId, '81.00', '2026-04-14');
    await settled([april.eventId]);
    expect((await alertsOf(budget.id)).map((a) => [a.period_start, a.period_end, a.threshold, a.spent])).toEqual([
      ['2026-02-15', '2026-03-14', 80, '90.00'],
      ['2026-03-15', '2026-04-14', 80, '81.00'],
    ]);
  });

  test("today is the user's: 00:30 in Tokyo is already the next period", async () => {
    h.setNow(new Date('2026-03-31T15:30:00Z')); // 2026-04-01 00:30 in Tokyo
    const userId = registerUser(h, { timezone: 'Asia/Tokyo' });
    const budget = await budgetOf(userId, { amount: '100.00' });
    const lastOfMarch = await recordTransaction(userId, '95.00', '2026-03-31');
    const firstOfApril = await recordTransaction(userId, '85.00', '2026-04-01');
    await settled([lastOfMarch.eventId, firstOfApril.eventId]);
    expect((await alertsOf(budget.id)).map((a) => `${a.period_start}:${a.threshold}`)).toEqual(['2026-04-01:80']);
  });

  test('a budget in another currency counts the expense at its day’s rate', async () => {
    h.setNow(MARCH_10);
    const userId = registerUser(h);
    const budget = await budgetOf(userId, { amount: '100.00', currency: 'EUR' });
    // 100.00 USD on 2026-03-05 (EUR 1 = 1.1618 USD) = 86.07 EUR; 60 USD alone would be 51.64 EUR.
    const usd = await recordTransaction(userId, '100.00', '2026-03-05');
    await settled([usd.eventId]);
    expect((await alertsOf(budget.id)).map((a) => [a.threshold, a.spent, a.currency, a.amount, a.percent_used])).toEqual([[80, '86.07', 'EUR', '100.00', '86.07']]);
  });

  test('a budget created, or changed, where the period is already past a threshold announces it (no transaction)', async () => {
    h.setNow(MARCH_10);
    const userId = registerUser(h);
    h.expenses.push({ userId, day: '2026-03-03', minor: 9_000n, currency: 'USD', categoryId: null });
    const created = await budgetOf(userId, { amount: '100.00' }); // 90 %
    const raised = await budgetOf(userId, { amount: '1000.00' }); // 9 %
    await settled();
    expect((await alertsOf(created.id)).map((a) => [a.threshold, a.transaction_id])).toEqual([[80, null]]);
    expect(await alertsOf(raised.id)).toEqual([]);
    // A lowered amount: 90.00 of 85.00.
    await h.client.updateBudget({ userId, id: raised.id, amount: '85.00', period: 0, startDate: undefined, endDate: undefined, clearEndDate: false });
    await settled();
    expect((await alertsOf(raised.id)).map((a) => [a.threshold, a.amount, a.spent, a.percent_used])).toEqual([
      [80, '85.00', '90.00', '105.88'],
      [100, '85.00', '90.00', '105.88'],
    ]);
    // A rename queues no check.
    const calls = sumCalls();
    await h.client.updateBudget({ userId, id: raised.id, name: 'Renamed', period: 0, startDate: undefined, endDate: undefined, clearEndDate: false });
    await settled();
    expect(sumCalls()).toBe(calls);
  });

  test('the same event three times, and three events of one transaction, announce once', async () => {
    h.setNow(MARCH_10);
    const userId = registerUser(h);
    const budget = await budgetOf(userId, { amount: '100.00' });
    const tx = await recordTransaction(userId, '90.00', '2026-03-02');
    const wire = JSON.stringify({ event_id: tx.eventId, occurred_at: new Date().toISOString(), user_id: userId, transaction: tx.snapshot });
    // Plain publishes (no message id), so the stream keeps every copy.
    for (let i = 0; i < 2; i++) nats.nc.publish(namespacedSubject(h.namespace, transactionCreated.subject), wire);
    const others = [];
    for (let i = 0; i < 3; i++) others.push((await publishEvent(h, transactionCreated, { user_id: userId, transaction: tx.snapshot })).event.event_id);
    await settled([tx.eventId, ...others]);
    await sleep(300);
    expect(await thresholdsOf(budget.id)).toEqual(['2026-03-01:80']);
  });

  test('two replicas consuming the same durables announce each threshold once', async () => {
    h.setNow(MARCH_10);
    const replica = await startBudgetingService(h.config, createLogger('budgeting-replica', 'silent'), { now: () => h.now(), thresholdRetryMs: 500 });
    try {
      // Both replicas are pulling from the created-events durable before anything is published.
      const durable = namespacedDurable(h.namespace, 'budgeting-transaction-created');
      await waitFor(async () => (await nats.jsm.consumers.info(namespacedStream(h.namespace, 'LEDGER'), durable)).num_waiting >= 2, {
        timeoutMs: 10_000,
        message: 'two pull requests on the durable',
      });
      const users = Array.from({ length: 4 }, () => registerUser(h));
      const budgets = await Promise.all(users.map((u) => createBudget(h, u, { amount: '100.00' })));
      // 40 expenses of 3.00 per user, published at once: the two replicas pull from the same durable
      // (JetStream hands each message to one of them) and both checkers claim from the same queue.
      const ids = (
        await Promise.all(users.flatMap((u) => Array.from({ length: 40 }, (_, i) => recordTransaction(u, '3.00', `2026-03-${String(1 + (i % 10)).padStart(2, '0')}`))))
      ).map((r) => r.eventId);
      await settled(ids);
      await sleep(300);
      for (const b of budgets) expect(await thresholdsOf(b.id)).toEqual(['2026-03-01:80', '2026-03-01:100']);
    } finally {
      await replica.stop();
    }
  }, 30_000);

  test('a malformed event is parked (terminated, never redelivered), an impossible date dropped, and the consumer goes on', async () => {
    h.setNow(MARCH_10);
    const userId = registerUser(h);
    const budget = await budgetOf(userId, { amount: '100.00' });
    const js = nats.jsm.jetstream();
    const subject = namespacedSubject(h.namespace, transactionCreated.subject);
    await js.publish(subject, JSON.stringify({ event_id: randomUUID(), occurred_at: new Date().toISOString(), user_id: userId, transaction: { amount_minor: '1.5' } }));
    await js.publish(subject, 'not json at all');
    // The right shape, an impossible date: handled as nothing to do (retrying cannot fix it).
    const impossible = await publishEvent(h, transactionCreated, {
      user_id: userId,
      transaction: { transaction_id: randomUUID(), amount_minor: '9000', currency: 'USD', transaction_type: 'expense', date: '2026-02-30', category_id: null },
    });
    const valid = await recordTransaction(userId, '80.00', '2026-03-02');
    await settled([valid.eventId, impossible.event.event_id]);
    expect(await thresholdsOf(budget.id)).toEqual(['2026-03-01:80']);
    await sleep(1_500); // a nak'ed message would be back after 1 s
    const info = await nats.jsm.consumers.info(namespacedStream(h.namespace, 'LEDGER'), namespacedDurable(h.namespace, 'budgeting-transaction-created'));
    expect({ pending: info.num_pending, ackPending: info.num_ack_pending, redelivered: info.num_redelivered }).toEqual({ pending: 0, ackPending: 0, redelivered: 0 });
  });

  test('a failing ledger postpones the check; the alert comes once it answers', async () => {
    h.setNow(MARCH_10);
    const userId = registerUser(h);
    const budget = await budgetOf(userId, { amount: '100.00' });
    await settled();
    h.ledger.outage = new Error('ledger down');
    try {
      const tx = await recordTransaction(userId, '99.00', '2026-03-02');
      await waitFor(async () => (await count('select count(*)::int as n from budgeting.processed_event where event_id = ?', [tx.eventId])) === 1, { timeoutMs: 10_000 });
      await sleep(700);
      expect(await count('select count(*)::int as n from budgeting.budget_threshold_check where budget_id = ? and version > checked_version', [budget.id])).toBe(1);
      expect(await alertsOf(budget.id)).toEqual([]);
    } finally {
      h.ledger.outage = undefined;
    }
    await settled();
    expect(await thresholdsOf(budget.id)).toEqual(['2026-03-01:80']);
  });
});

describe('erasure and deletion', () => {
  test("deleting a budget removes its marks and check row; auth.user.deleted.v1 erases the user's", async () => {
    h.setNow(MARCH_10);
    const userId = registerUser(h);
    const kept = await budgetOf(userId, { amount: '100.00' });
    const doomed = await budgetOf(userId, { amount: '50.00' });
    const tx = await recordTransaction(userId, '90.00', '2026-03-02');
    await settled([tx.eventId]);
    expect(await count('select count(*)::int as n from budgeting.budget_alert where budget_id = any(?::uuid[])', [`{${kept.id},${doomed.id}}`])).toBe(3);
    await h.client.deleteBudget({ userId, id: doomed.id });
    expect(await count('select count(*)::int as n from budgeting.budget_alert where budget_id = ?', [doomed.id])).toBe(0);

    // A check due (the ledger away, so it stays due) when the account goes.
    h.ledger.outage = new Error('ledger down');
    try {
      const late = await recordTransaction(userId, '5.00', '2026-03-03');
      await waitFor(async () => (await count('select count(*)::int as n from budgeting.budget_threshold_check where user_id = ? and version > checked_version', [userId])) > 0, {
        timeoutMs: 10_000,
      });
      const { event } = await publishEvent(h, userDeleted, { user_id: userId });
      await settled([late.eventId, event.event_id]);
    } finally {
      h.ledger.outage = undefined;
    }
    expect(await count('select count(*)::int as n from budgeting.budget_alert where budget_id = ?', [kept.id])).toBe(0);
    expect(await count('select count(*)::int as n from budgeting.budget_threshold_check where user_id = ?', [userId])).toBe(0);
    expect(await count("select count(*)::int as n from budgeting.outbox_message where payload->>'user_id' = ?", [userId])).toBe(0);
  });
});

describe('NATS down', () => {
  test('an alert written while NATS is away is delivered when it returns (outbox)', async () => {
    const proxy = await TcpProxy.forUrl(testNatsUrl(), 4222);
    const s = await startBudgetingHarness({ thresholds: true, natsUrl: proxy.url() });
    try {
      s.setNow(MARCH_10);
      const userId = registerUser(s);
      s.expenses.push({ userId, day: '2026-03-03', minor: 9_000n, currency: 'USD', categoryId: null });
      const budget = await createBudget(s, userId, { amount: '1000.00' });
      await settled([], s);
      proxy.cut();
      // The crossing: the amount lowered to 100.00 (90 %), checked and recorded while NATS is away.
      await s.client.updateBudget({ userId, id: budget.id, amount: '100.00', period: 0, startDate: undefined, endDate: undefined, clearEndDate: false });
      await waitFor(async () => (await count('select count(*)::int as n from budgeting.budget_alert where budget_id = ?', [budget.id], s)) === 1, {
        timeoutMs: 10_000,
        message: 'the mark of the 80 % alert',
      });
      expect(await count('select count(*)::int as n from budgeting.outbox_message where published_at is null', [], s)).toBe(1);
      await sleep(500);
      expect(await alertsOf(budget.id, s)).toEqual([]);

      proxy.restore();
      await waitFor(async () => (await alertsOf(budget.id, s)).length === 1, { timeoutMs: 30_000, message: 'the alert after NATS came back' });
      expect((await alertsOf(budget.id, s)).map((a) => [a.threshold, a.spent, a.amount])).toEqual([[80, '90.00', '100.00']]);
    } finally {
      await s.close();
      await proxy.close();
    }
  }, 60_000);
});
