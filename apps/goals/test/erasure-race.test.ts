import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { userDeleted } from '@finance/events/contracts/auth';
import { transactionDeleted, transactionUpdated } from '@finance/events/contracts/ledger';
import { isServiceError } from '@finance/platform';
import { status } from '@grpc/grpc-js';
import { unexpectedErasureOutcome, userRowCounter, waitFor } from '@finance/testing';
import { contribute, createGoal, createTransaction, newGoal, publishEvent, registerUser, startGoalsHarness, updateRequest, type GoalsHarness } from './helpers.js';

// Writes racing the erasure of their user must not survive it. Each round: a user with goals, a
// contribution and spare transactions, then auth.user.deleted.v1 and ten writes (goal creates and
// updates, contributions, a contribution and a goal deleted, late ledger events about the user's
// transactions) fired 0–20 ms apart; afterwards not one row of the user is left in any table of the
// schema, and every write either succeeded (and was erased) or was refused as a deleted account
// (401) or as not found (404: the ledger erases the user's transactions on the same event).

let h: GoalsHarness;

beforeAll(async () => {
  h = await startGoalsHarness();
}, 60_000);

afterAll(async () => {
  await h?.close();
});

const ROUNDS = 40;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Runs `work` after 0–20 ms. */
const jittered = <T>(work: () => Promise<T>) => sleep(Math.random() * 20).then(work);

/**
 * Tables without a user_id column, and why none of them can hold a row of an erased user: milestone
 * marks hang off goals (on delete cascade); the outbox is counted by payload below; handled event ids
 * and applied migrations are no one's data.
 */
const TABLES_WITHOUT_USER_ID = ['goal_milestone', 'mikro_orm_migrations', 'outbox_message', 'processed_event'];

const processed = async (eventId: string) => (await h.orm.em.fork().execute('select 1 from goals.processed_event where event_id = ?', [eventId])).length > 0;

const snapshot = (transactionId: string, amountMinor: string) => ({
  transaction_id: transactionId,
  amount_minor: amountMinor,
  currency: 'USD',
  transaction_type: 'expense' as const,
  date: '2026-03-15',
  category_id: null,
});

describe('erasure racing writes', () => {
  test(`${ROUNDS} rounds of auth.user.deleted.v1 racing 10 writes leave no row of the user`, async () => {
    const counter = await userRowCounter(h.db.url, 'goals');
    expect(counter.tablesWithoutUserId).toEqual(TABLES_WITHOUT_USER_ID);
    expect(counter.tablesWithUserId).toEqual(['contributed_transaction', 'contribution', 'goal']);
    const left: { round: number; rows: Record<string, number> }[] = [];
    const odd: { round: number; write: number; outcome: string }[] = [];
    let succeeded = 0;
    let refusedAsDeleted = 0;

    for (let round = 0; round < ROUNDS; round++) {
      const userId = registerUser(h);
      const g1 = await createGoal(h, userId, { targetAmount: '100.00' });
      const g2 = await createGoal(h, userId, { name: 'Trip' });
      const g3 = await createGoal(h, userId, { name: 'Doomed' });
      const [t1, t2, t3, t4] = await Promise.all(['30.00', '40.00', '50.00', '60.00'].map((a) => createTransaction(h, userId, a)));
      const { contribution } = await contribute(h, userId, g1.id, t1!.id);

      const erasureId = randomUUID();
      const lateIds = [randomUUID(), randomUUID()];
      const erasure = jittered(async () => {
        h.profiles.delete(userId); // auth has deleted the account: it no longer answers for it
        await publishEvent(h, userDeleted, { event_id: erasureId, user_id: userId });
      });
      const writes = [
        () => h.client.createGoal(newGoal(userId, { name: `New ${round}` })),
        () => h.client.createGoal(newGoal(userId, { currency: undefined, currentAmount: '80.00' })),
        () => h.client.updateGoal(updateRequest(userId, g1.id, { currentAmount: '95.00' })),
        () => contribute(h, userId, g2.id, t2!.id),
        () => contribute(h, userId, g1.id, t3!.id, '10.00'),
        () => contribute(h, userId, g2.id, t4!.id),
        () => h.client.deleteContribution({ userId, goalId: g1.id, id: contribution!.id }),
        () => h.client.deleteGoal({ userId, id: g3.id }),
        // The ledger changed the user's transactions just before the account went: its events come
        // through the ledger's stream and may be handled after the erasure.
        () => publishEvent(h, transactionDeleted, { event_id: lateIds[0], user_id: userId, transaction: snapshot(t2!.id, '4000') }),
        () => publishEvent(h, transactionUpdated, { event_id: lateIds[1], user_id: userId, before: snapshot(t4!.id, '6000'), after: snapshot(t4!.id, '100') }),
      ].map((write) => jittered(write));

      await erasure;
      const outcomes = await Promise.allSettled(writes);
      await waitFor(async () => (await processed(erasureId)) && (await processed(lateIds[0]!)) && (await processed(lateIds[1]!)), {
        timeoutMs: 10_000,
        intervalMs: 5,
        message: `the events of round ${round}`,
      });
      outcomes.forEach((outcome, write) => {
        const what = unexpectedErasureOutcome(outcome);
        if (what) odd.push({ round, write, outcome: what });
        if (outcome.status === 'fulfilled') succeeded++;
        else if (isServiceError(outcome.reason) && outcome.reason.code === status.UNAUTHENTICATED) refusedAsDeleted++;
      });
      const rows = await counter.leftovers(userId);
      if (Object.keys(rows).length > 0) left.push({ round, rows });
    }

    // Both sides of the race happen (otherwise the test proves nothing).
    expect({ succeeded: succeeded > 0, refusedAsDeleted: refusedAsDeleted > 0 }).toEqual({ succeeded: true, refusedAsDeleted: true });
    await counter.close();
    expect({ unexpected: odd, leftovers: left }).toEqual({ unexpected: [], leftovers: [] });
  }, 120_000);
});
