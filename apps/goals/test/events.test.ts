import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { namespacedDurable, namespacedStream, namespacedSubject } from '@finance/events';
import { userDeleted } from '@finance/events/contracts/auth';
import { goalMilestoneReached } from '@finance/events/contracts/goals';
import { transactionDeleted } from '@finance/events/contracts/ledger';
import { inspector, streamMessages, waitFor } from '@finance/testing';
import {
  contribute,
  countRows,
  createGoal,
  createTransaction,
  currentOf,
  date,
  GoalStatus,
  iso,
  minor,
  publishEvent,
  rateOf,
  registerUser,
  rejected,
  startGoalsHarness,
  updateRequest,
  type GoalsHarness,
} from './helpers.js';

// The ledger here is the real one (helpers.ts): its DeleteTransaction and UpdateTransaction publish
// ledger.transaction.deleted/updated.v1 through its outbox into the test's namespace, and goals
// consumes them. Copies and late events are published by the test itself.

let h: GoalsHarness;
let nats: Awaited<ReturnType<typeof inspector>>;

beforeAll(async () => {
  h = await startGoalsHarness();
  nats = await inspector();
}, 60_000);

afterAll(async () => {
  await nats?.nc.close();
  await h?.close();
});

const contributionsOf = async (userId: string, goalId: string) =>
  (await h.client.listContributions({ userId, goalId, page: undefined })).items.map((c) => [minor(c.amount), iso(c.transactionDate)]);

/** The ledger's event about a transaction, as it sits in the LEDGER stream. */
async function ledgerEvent(subject: string, transactionId: string) {
  return waitFor(
    async () =>
      (await streamMessages(nats.jsm, namespacedStream(h.namespace, 'LEDGER'))).find(
        (m) => m.subject === namespacedSubject(h.namespace, subject) && m.json<{ transaction?: { transaction_id: string } }>().transaction?.transaction_id === transactionId,
      ),
    { timeoutMs: 10_000, message: `${subject} of ${transactionId} in the LEDGER stream` },
  );
}

const processed = async (consumer: string) =>
  (await h.orm.em.fork().execute<{ n: number }[]>('select count(*)::int as n from goals.processed_event where consumer = ?', [`${h.namespace}_${consumer}`]))[0]!.n;

describe('ledger.transaction.deleted.v1', () => {
  test('deleting a contributed transaction in the ledger lowers its goals within seconds; a completed goal is active again', async () => {
    const userId = registerUser(h);
    const bike = await createGoal(h, userId, { targetAmount: '100.00' });
    const trip = await createGoal(h, userId, { name: 'Trip' });
    const tx = await createTransaction(h, userId, '150.00');
    const kept = await createTransaction(h, userId, '5.00');
    await contribute(h, userId, bike.id, tx.id, '100.00');
    await contribute(h, userId, trip.id, tx.id, '50.00');
    await contribute(h, userId, trip.id, kept.id);
    expect((await h.client.getGoal({ userId, id: bike.id })).goal!.status).toBe(GoalStatus.GOAL_STATUS_COMPLETED);

    await h.ledgerClient.deleteTransaction({ userId, id: tx.id });

    await waitFor(async () => (await currentOf(h, userId, bike.id)) === '0 USD', { timeoutMs: 5_000, message: 'the goal to go down' });
    expect((await h.client.getGoal({ userId, id: bike.id })).goal!.status).toBe(GoalStatus.GOAL_STATUS_ACTIVE);
    expect(await currentOf(h, userId, trip.id)).toBe('500 USD');
    expect(await contributionsOf(userId, trip.id)).toEqual([['500 USD', '2026-03-15']]);
    expect(await contributionsOf(userId, bike.id)).toEqual([]);
    // The ledger no longer has it: contributing it again is 404.
    expect(await rejected(contribute(h, userId, bike.id, tx.id))).toMatchObject({ httpStatus: 404, code: 'GOALS_TRANSACTION_NOT_FOUND' });
  });

  test('the same event delivered again, or another deletion event after the goal is gone, changes nothing more', async () => {
    const userId = registerUser(h);
    const goal = await createGoal(h, userId);
    const tx = await createTransaction(h, userId, '40.00');
    await contribute(h, userId, goal.id, tx.id);
    await h.ledgerClient.deleteTransaction({ userId, id: tx.id });
    await waitFor(async () => (await currentOf(h, userId, goal.id)) === '0 USD', { timeoutMs: 5_000, message: 'the goal to go down' });
    const original = await ledgerEvent(transactionDeleted.subject, tx.id);

    // Rows the handler would remove if it ran again (written directly: the service would refuse them,
    // the ledger has no such transaction any more): a link of the same transaction id, 40.00 on the goal.
    await h.orm.em.fork().transactional(async (em) => {
      await em.execute("insert into goals.contributed_transaction values (?, ?, 4000, 'USD', '2026-03-15', now())", [tx.id, userId]);
      await em.execute(
        "insert into goals.contribution (id, goal_id, user_id, transaction_id, amount_minor, goal_amount_minor, rate, rate_date, created_at) values (?, ?, ?, ?, 4000, 4000, '1', '2026-03-15', now())",
        [randomUUID(), goal.id, userId, tx.id],
      );
      await em.execute('update goals.goal set current_minor = current_minor + 4000, starting_minor = starting_minor where id = ?', [goal.id]);
    });
    const handled = await processed('goals-transaction-deleted');
    // The very same event again (a plain publish, no message id, so the stream keeps the copy).
    nats.nc.publish(original.subject, original.data);
    // A marker after it: once the marker is handled, the copy before it was too.
    const marker = await createTransaction(h, userId, '1.00');
    await contribute(h, userId, goal.id, marker.id);
    await h.ledgerClient.deleteTransaction({ userId, id: marker.id });
    await waitFor(async () => (await currentOf(h, userId, goal.id)) === '4000 USD', { timeoutMs: 5_000, message: 'the marker deletion' });
    expect(await contributionsOf(userId, goal.id)).toEqual([['4000 USD', '2026-03-15']]);
    expect(await processed('goals-transaction-deleted')).toBe(handled + 1); // the marker only: the copy was recognised

    // A second deletion event of the transaction (a new event id) after the goal was deleted: nothing to do, no failure.
    await h.client.deleteGoal({ userId, id: goal.id });
    const before = await processed('goals-transaction-deleted');
    await publishEvent(h, transactionDeleted, {
      user_id: userId,
      transaction: { transaction_id: tx.id, amount_minor: '4000', currency: 'USD', transaction_type: 'expense', date: '2026-03-15', category_id: null },
    });
    await waitFor(async () => (await processed('goals-transaction-deleted')) === before + 1, { timeoutMs: 5_000, message: 'the late event to be handled' });
    expect(await countRows(h, 'contribution', userId)).toBe(0);
  });
});

describe('ledger.transaction.updated.v1', () => {
  test('an amount lowered below what is contributed shrinks the contributions newest first; the date follows', async () => {
    const userId = registerUser(h);
    const [a, b, c] = [await createGoal(h, userId, { name: 'A' }), await createGoal(h, userId, { name: 'B' }), await createGoal(h, userId, { name: 'C' })];
    const tx = await createTransaction(h, userId, '100.00');
    await contribute(h, userId, a.id, tx.id, '30.00'); // oldest
    await contribute(h, userId, b.id, tx.id, '50.00');
    await contribute(h, userId, c.id, tx.id, '20.00'); // newest

    // 60.00 now: 40.00 too much: C loses its 20.00 (removed), then B 20.00 of its 50.00.
    await h.ledgerClient.updateTransaction({ userId, id: tx.id, amount: '60.00', transactionType: 0, date: date('2026-04-01') });
    await waitFor(async () => (await currentOf(h, userId, c.id)) === '0 USD', { timeoutMs: 5_000, message: 'the contributions to shrink' });
    expect(await Promise.all([a, b, c].map((g) => currentOf(h, userId, g.id)))).toEqual(['3000 USD', '3000 USD', '0 USD']);
    expect(await contributionsOf(userId, a.id)).toEqual([['3000 USD', '2026-04-01']]);
    expect(await contributionsOf(userId, b.id)).toEqual([['3000 USD', '2026-04-01']]);
    expect(await contributionsOf(userId, c.id)).toEqual([]);
    // What is free of the transaction is what the new amount leaves: nothing.
    expect(await rejected(contribute(h, userId, c.id, tx.id, '0.01'))).toMatchObject({ httpStatus: 422, code: 'GOALS_TRANSACTION_EXCEEDED' });

    // Raised again: the contributions stay as they are, and the difference is free.
    await h.ledgerClient.updateTransaction({ userId, id: tx.id, amount: '80.00', transactionType: 0, date: undefined });
    await waitFor(async () => (await contribute(h, userId, c.id, tx.id, '20.00').then(() => true, () => false)), { timeoutMs: 5_000, message: 'the raised amount' });
    expect(await contributionsOf(userId, c.id)).toEqual([['2000 USD', '2026-04-01']]);

    // Another currency: every contribution of it goes (which part of the money in the new currency each goal held is unknown).
    await h.ledgerClient.updateTransaction({ userId, id: tx.id, currency: 'EUR', transactionType: 0, date: undefined });
    await waitFor(async () => (await countRows(h, 'contribution', userId)) === 0, { timeoutMs: 5_000, message: 'the contributions to go' });
    expect(await Promise.all([a, b, c].map((g) => currentOf(h, userId, g.id)))).toEqual(['0 USD', '0 USD', '0 USD']);
  });
});

describe('ledger.transaction.updated.v1 of a transaction in another currency than its goals\'', () => {
  /** Each goal's contributions as "<amount> → <goal amount> @ <rate> <rate date>". */
  const heldBy = async (userId: string, goalId: string) =>
    (await h.client.listContributions({ userId, goalId, page: undefined })).items.map((c) => `${minor(c.amount)} → ${minor(c.goalAmount)} @ ${rateOf(c)}`);

  test('lowered: the newest part shrinks and is converted anew; a new date converts every part at its rate; a date without a rate removes the converted ones', async () => {
    const userId = registerUser(h);
    const eur = await createGoal(h, userId, { name: 'EUR', currency: 'EUR' });
    const usd = await createGoal(h, userId, { name: 'USD' });
    const yen = await createGoal(h, userId, { name: 'JPY', targetAmount: '500000', currency: 'JPY' });
    const tx = await createTransaction(h, userId, '100.00', { currency: 'EUR', date: date('2026-03-16') });
    await contribute(h, userId, eur.id, tx.id, '10.00'); // oldest
    await contribute(h, userId, usd.id, tx.id, '40.00'); // 45.912 → 45.91 USD
    await contribute(h, userId, yen.id, tx.id, '50.00'); // newest: 9133 JPY

    // 80.00 EUR now: 20.00 too much, taken from the newest part (JPY: 30.00 EUR left = 5479.8 → 5480 JPY).
    await h.ledgerClient.updateTransaction({ userId, id: tx.id, amount: '80.00', transactionType: 0, date: undefined });
    await waitFor(async () => (await currentOf(h, userId, yen.id)) === '5480 JPY', { timeoutMs: 5_000, message: 'the JPY part to shrink' });
    expect(await heldBy(userId, yen.id)).toEqual(['3000 EUR → 5480 JPY @ 182.66 2026-03-16']);
    expect(await heldBy(userId, usd.id)).toEqual(['4000 EUR → 4591 USD @ 1.1478 2026-03-16']);
    expect(await currentOf(h, userId, eur.id)).toBe('1000 EUR');

    // Moved to Monday 2026-04-13: every part at that day's rates (30.00 × 186.75 = 5602.5 → 5602, half-even).
    await h.ledgerClient.updateTransaction({ userId, id: tx.id, transactionType: 0, date: date('2026-04-13') });
    await waitFor(async () => (await currentOf(h, userId, usd.id)) === '4674 USD', { timeoutMs: 5_000, message: 'the USD part to be converted anew' });
    expect(await heldBy(userId, usd.id)).toEqual(['4000 EUR → 4674 USD @ 1.1684 2026-04-13']); // 46.736
    expect(await heldBy(userId, yen.id)).toEqual(['3000 EUR → 5602 JPY @ 186.75 2026-04-13']);
    expect(await heldBy(userId, eur.id)).toEqual(['1000 EUR → 1000 EUR @ 1 2026-04-13']);

    // Moved before the first ECB rate: the converted parts go (never 1:1), the EUR goal keeps its own.
    await h.ledgerClient.updateTransaction({ userId, id: tx.id, transactionType: 0, date: date('1998-12-31') });
    await waitFor(async () => (await currentOf(h, userId, usd.id)) === '0 USD', { timeoutMs: 5_000, message: 'the converted parts to go' });
    expect(await currentOf(h, userId, yen.id)).toBe('0 JPY');
    expect(await heldBy(userId, eur.id)).toEqual(['1000 EUR → 1000 EUR @ 1 1998-12-31']);
    expect(await currentOf(h, userId, eur.id)).toBe('1000 EUR');
  });

  test('the currency service unreachable while a date changes: nothing changes until it answers, then the event is applied', async () => {
    const userId = registerUser(h);
    const goal = await createGoal(h, userId);
    const tx = await createTransaction(h, userId, '10.00', { currency: 'EUR', date: date('2026-03-16') });
    await contribute(h, userId, goal.id, tx.id); // 11.478 → 11.48 USD
    const handled = await processed('goals-transaction-updated');
    const updatedConsumer = () => nats.jsm.consumers.info(namespacedStream(h.namespace, 'LEDGER'), namespacedDurable(h.namespace, 'goals-transaction-updated'));
    const redelivered = (await updatedConsumer()).num_redelivered;
    h.currencyProxy.cut();
    try {
      // 2026-04-01: a day this service has not asked for yet.
      await h.ledgerClient.updateTransaction({ userId, id: tx.id, transactionType: 0, date: date('2026-04-01') });
      // The handler fails (CURRENCY_UNAVAILABLE) and rolls back; the event is delivered again after a delay.
      await waitFor(async () => (await updatedConsumer()).num_redelivered > redelivered, { timeoutMs: 10_000, message: 'the event to be delivered again' });
      expect([await currentOf(h, userId, goal.id), await processed('goals-transaction-updated')]).toEqual(['1148 USD', handled]);
    } finally {
      h.currencyProxy.restore();
    }
    // 10.00 × 1.1605 = 11.605 → 11.60 (half-even).
    await waitFor(async () => (await currentOf(h, userId, goal.id)) === '1160 USD', { timeoutMs: 20_000, message: 'the event to be applied once the rates answer' });
    expect(await heldBy(userId, goal.id)).toEqual(['1000 EUR → 1160 USD @ 1.1605 2026-04-01']);
  }, 40_000);
});

describe('goals.goal.milestone_reached.v1', () => {
  test('each milestone is published once per goal: a jump announces each crossed one, losing and crossing again announces nothing', async () => {
    const userId = registerUser(h);
    const goal = await createGoal(h, userId, { targetAmount: '100.00', currentAmount: '10.00' });
    const milestones = async () =>
      (await streamMessages(nats.jsm, namespacedStream(h.namespace, 'GOALS')))
        .filter((m) => m.subject === namespacedSubject(h.namespace, goalMilestoneReached.subject))
        .map((m) => goalMilestoneReached.schema.parse(m.json()))
        .filter((e) => e.goal_id === goal.id);

    // 10 % → 80 %: 25, 50 and 75, in that order, each once.
    const big = await createTransaction(h, userId, '70.00');
    const { contribution } = await contribute(h, userId, goal.id, big.id);
    await waitFor(async () => (await milestones()).length === 3, { timeoutMs: 10_000, message: 'three milestones' });
    expect((await milestones()).map((e) => [e.milestone, e.current_amount_minor, e.target_amount_minor, e.currency, e.name, e.user_id])).toEqual([
      [25, '8000', '10000', 'USD', 'Bike', userId],
      [50, '8000', '10000', 'USD', 'Bike', userId],
      [75, '8000', '10000', 'USD', 'Bike', userId],
    ]);

    // Lost (10 %) and crossed again (80 % through another transaction): nothing new.
    await h.client.deleteContribution({ userId, goalId: goal.id, id: contribution!.id });
    await contribute(h, userId, goal.id, (await createTransaction(h, userId, '70.00')).id);
    // Exactly on the boundary: 100 %.
    await contribute(h, userId, goal.id, (await createTransaction(h, userId, '20.00')).id);
    await waitFor(async () => (await milestones()).length >= 4, { timeoutMs: 10_000, message: 'the 100 % milestone' });
    await sleep(500); // a duplicate would be relayed by now
    expect((await milestones()).map((e) => e.milestone)).toEqual([25, 50, 75, 100]);

    // Down through an update (a raised target) and up again through one (current_amount): nothing new.
    await h.client.updateGoal(updateRequest(userId, goal.id, { targetAmount: '1000.00' }));
    await h.client.updateGoal(updateRequest(userId, goal.id, { targetAmount: '100.00' }));
    await sleep(500);
    expect((await milestones()).map((e) => e.milestone)).toEqual([25, 50, 75, 100]);
  });

  test('a lowered target announces what it reaches; the starting amount at creation announces nothing', async () => {
    const userId = registerUser(h);
    const goal = await createGoal(h, userId, { targetAmount: '100.00', currentAmount: '60.00' }); // 25 and 50 met at creation
    await h.client.updateGoal(updateRequest(userId, goal.id, { targetAmount: '80.00' })); // 75 %
    const stream = async () =>
      (await streamMessages(nats.jsm, namespacedStream(h.namespace, 'GOALS'))).map((m) => goalMilestoneReached.schema.parse(m.json())).filter((e) => e.goal_id === goal.id);
    await waitFor(async () => (await stream()).length === 1, { timeoutMs: 10_000, message: 'the 75 % milestone' });
    await sleep(300);
    expect((await stream()).map((e) => [e.milestone, e.target_amount_minor, e.current_amount_minor])).toEqual([[75, '8000', '6000']]);
  });
});

describe('auth.user.deleted.v1', () => {
  test("erases the user's goals, contributions, milestones and recorded transactions, and only theirs; later writes are 401", async () => {
    const userId = registerUser(h);
    const bystander = registerUser(h);
    const goal = await createGoal(h, userId, { targetAmount: '10.00' });
    await contribute(h, userId, goal.id, (await createTransaction(h, userId, '10.00')).id);
    const kept = await createGoal(h, bystander);

    await publishEvent(h, userDeleted, { user_id: userId });

    await waitFor(async () => (await countRows(h, 'goal', userId)) === 0, { timeoutMs: 10_000, message: 'the goals of the deleted user to be erased' });
    expect(await countRows(h, 'contribution', userId)).toBe(0);
    expect(await countRows(h, 'contributed_transaction', userId)).toBe(0);
    const [marks] = await h.orm.em.fork().execute<{ n: number }[]>('select count(*)::int as n from goals.goal_milestone where goal_id = ?', [goal.id]);
    expect(marks!.n).toBe(0);
    expect((await h.client.listGoals({ userId: bystander, page: undefined, status: 0 })).items.map((g) => g.id)).toEqual([kept.id]);
    expect(await rejected(createGoal(h, userId))).toMatchObject({ httpStatus: 401, code: 'GOALS_USER_NOT_FOUND' });
  });
});
