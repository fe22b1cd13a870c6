import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { eventStream, namespacedStream, namespacedSubject, ensureStream, type EventOf } from '@finance/events';
import { budgetThresholdCrossed } from '@finance/events/contracts/budgeting';
import { transactionCreated } from '@finance/events/contracts/ledger';
import { inspector, streamMessages, waitFor } from '@finance/testing';
import { createBudget, createCategory, registerUser, startBudgetingHarness, type BudgetingHarness } from './helpers.js';

// Issue 14's load case: an import of 100,000 rows emits 100,000 ledger.transaction.created.v1 for
// one user. Budgeting must not spend a ledger call on each: dates outside every current period
// cost a query, and the budgets the rest touch are checked at most once per 500 ms (coalesced).
// THRESHOLD_LOAD_EVENTS (default 2,000) sets the size; the time is printed. 10,000 were measured for
// the README.

const EVENTS = Number(process.env.THRESHOLD_LOAD_EVENTS ?? 2_000);

let h: BudgetingHarness;
let nats: Awaited<ReturnType<typeof inspector>>;

beforeAll(async () => {
  h = await startBudgetingHarness({ thresholds: true });
  nats = await inspector();
});

afterAll(async () => {
  await nats?.nc.close();
  await h?.close();
});

test(`${EVENTS} created events of one user: coalesced checks, each threshold announced once`, async () => {
  h.setNow(new Date('2026-03-20T12:00:00Z'));
  const userId = registerUser(h);
  const food = createCategory(h, userId, 'Food');
  // Half the import lies in March (the current period), half in 2025. 1.00 each: the all-expense
  // budget crosses 80 % and 100 % midway, the food budget (every 4th expense) 80 % only.
  const inMarch = Math.floor(EVENTS / 2);
  const all = await createBudget(h, userId, { amount: `${Math.floor(inMarch * 0.9)}.00` });
  const foodBudget = await createBudget(h, userId, { amount: `${Math.ceil(inMarch / 4 / 0.85)}.00`, categoryId: food.id });
  const untouched = await createBudget(h, userId, { amount: '1000000.00', categoryId: createCategory(h, userId).id });
  await waitFor(async () => (await queued()) === 0, { timeoutMs: 10_000 });
  const sumsBefore = h.ledger.callsOf('sumTransactions').length;

  const js = nats.jsm.jetstream();
  await ensureStream(nats.jsm, h.namespace, eventStream('ledger'));
  const subject = namespacedSubject(h.namespace, transactionCreated.subject);
  const started = Date.now();
  for (let from = 0; from < EVENTS; from += 500) {
    await Promise.all(
      Array.from({ length: Math.min(500, EVENTS - from) }, async (_, k) => {
        const i = from + k;
        const current = i % 2 === 0;
        const day = current ? `2026-03-${String(1 + (i % 31)).padStart(2, '0')}` : `2025-${String(1 + (i % 12)).padStart(2, '0')}-15`;
        const categoryId = i % 8 === 0 ? food.id : null;
        h.expenses.push({ userId, day, minor: 100n, currency: 'USD', categoryId });
        const eventId = randomUUID();
        const event: EventOf<typeof transactionCreated> = {
          event_id: eventId,
          occurred_at: new Date().toISOString(),
          user_id: userId,
          transaction: { transaction_id: randomUUID(), amount_minor: '100', currency: 'USD', transaction_type: 'expense', date: day, category_id: categoryId },
        };
        await js.publish(subject, JSON.stringify(event), { msgID: eventId });
      }),
    );
  }
  const published = Date.now();
  await waitFor(async () => (await processed()) === EVENTS && (await queued()) === 0, { timeoutMs: 600_000, intervalMs: 200, message: 'every event handled' });
  const done = Date.now();
  const sums = h.ledger.callsOf('sumTransactions').length - sumsBefore;
  console.log(
    `${EVENTS} ledger.transaction.created.v1 of one user: published in ${published - started} ms, all handled and checked ${done - started} ms after the first ` +
      `(${(((done - started) / EVENTS) * 1000).toFixed(0)} µs per event); ${sums} SumTransactions calls`,
  );

  await waitFor(async () => (await alerts()).length === 3, { timeoutMs: 10_000, message: 'three alerts' });
  await new Promise((r) => setTimeout(r, 300));
  const announced = (await alerts()).map((a) => `${a.budget_id === all.id ? 'all' : a.budget_id === foodBudget.id ? 'food' : 'other'}:${a.threshold}`);
  expect(announced.sort()).toEqual(['all:100', 'all:80', 'food:80']);
  expect(announced.some((a) => a.startsWith('other'))).toBe(false);
  void untouched;
  // Coalesced: each of the two touched budgets is checked (one ledger call) at most once per 500 ms
  // however fast the events come, so far fewer calls than events in the period.
  expect(sums).toBeLessThanOrEqual(2 * (Math.ceil((done - started) / 500) + 1));
  expect(sums).toBeLessThan(inMarch / 4);
}, 660_000);

async function count(sql: string): Promise<number> {
  const [row] = await h.orm.em.fork().execute<{ n: number }[]>(sql);
  return row!.n;
}
const processed = () => count(`select count(*)::int as n from budgeting.processed_event where consumer = '${h.namespace}_budgeting-transaction-created'`);
const queued = () => count('select count(*)::int as n from budgeting.budget_threshold_check where version > checked_version');
const alerts = async () =>
  (await streamMessages(nats.jsm, namespacedStream(h.namespace, 'BUDGETING')))
    .filter((m) => m.subject === namespacedSubject(h.namespace, budgetThresholdCrossed.subject))
    .map((m) => budgetThresholdCrossed.schema.parse(m.json()));
