import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { userDeleted } from '@finance/events/contracts/auth';
import { isServiceError } from '@finance/platform';
import { status } from '@grpc/grpc-js';
import { unexpectedErasureOutcome, userRowCounter, waitFor } from '@finance/testing';
import { runSchedulerPass } from '../src/index.js';
import { createCategory, date, EXPENSE, FREQUENCY, newRecurring, newTransaction, publishEvent, registerUser, schedulerContext, startLedgerHarness, type LedgerHarness } from './helpers.js';

// Issue 9: writes racing the erasure of their user must not survive it. Each round: a user with some
// data, then auth.user.deleted.v1 and seventeen writes (recurring ones, imports and a scheduler pass among them)
// fired 0–20 ms apart; afterwards not one row of the user is left in any table of the schema, and
// every write either succeeded (and was erased) or was refused as a deleted account (401) or as not
// found (404).

let h: LedgerHarness;

beforeAll(async () => {
  h = await startLedgerHarness();
});

afterAll(async () => {
  await h?.close();
});

const ROUNDS = 50;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Runs `work` after 0–20 ms. */
const jittered = <T>(work: () => Promise<T>) => sleep(Math.random() * 20).then(work);

/** An import's rows: 50 transactions, in a new category (by name), the existing one (another case) and none. */
const importRows = (seed: number, existing: string) =>
  Array.from({ length: 50 }, (_, i) => ({
    amount: `${seed + 1}.${String(i).padStart(2, '0')}`,
    currency: 'USD',
    transactionType: EXPENSE,
    date: date('2026-02-10'),
    description: `Imported ${i}`,
    categoryName: i % 3 === 0 ? `Imported ${seed}` : i % 3 === 1 ? existing.toUpperCase() : undefined,
  }));

/** Tables without a user_id column: the outbox is counted by payload below; handled event ids and applied migrations are no one's data. */
const TABLES_WITHOUT_USER_ID = ['mikro_orm_migrations', 'outbox_message', 'processed_event'];

describe('erasure racing writes', () => {
  test(`${ROUNDS} rounds of auth.user.deleted.v1 racing 17 writes leave no row of the user`, async () => {
    const counter = await userRowCounter(h.db.url, 'ledger');
    expect(counter.tablesWithoutUserId).toEqual(TABLES_WITHOUT_USER_ID);
    expect(counter.tablesWithUserId).toEqual(
      expect.arrayContaining([
        'category',
        'daily_total',
        'idempotency_key',
        'transaction',
        'recurring_template',
        'recurring_occurrence',
        'recurring_reminder',
        'user_timezone',
      ]),
    );
    const left: { round: number; rows: Record<string, number> }[] = [];
    const odd: { round: number; write: number; outcome: string }[] = [];
    let succeeded = 0;
    let refusedAsDeleted = 0;

    for (let round = 0; round < ROUNDS; round++) {
      const userId = registerUser(h);
      const kept = await createCategory(h, userId);
      const doomed = await createCategory(h, userId);
      const { transaction: t1 } = await h.client.createTransaction(newTransaction(userId, { categoryId: kept.id }));
      const { transaction: t2 } = await h.client.createTransaction(newTransaction(userId, { idempotencyKey: randomUUID() }));

      // Due every day since well before the real today: a scheduler pass has work for it.
      const recurringStart = date('2026-01-01');
      const { template: tpl } = await h.client.createRecurring(newRecurring(userId, { frequency: FREQUENCY.FREQUENCY_DAILY, startDate: recurringStart, categoryId: kept.id }));
      await h.client.processRecurring({ userId, id: tpl!.id, idempotencyKey: randomUUID() });

      const eventId = randomUUID();
      const erasure = jittered(async () => {
        h.profiles.delete(userId); // auth has deleted the account: it no longer answers for it
        await publishEvent(h, userDeleted, { event_id: eventId, user_id: userId });
      });
      const writes = [
        () => h.client.createTransaction(newTransaction(userId)),
        () => h.client.createTransaction(newTransaction(userId, { categoryId: kept.id, date: date('2026-03-16') })),
        () => h.client.createTransaction(newTransaction(userId, { idempotencyKey: randomUUID(), amount: '3.00' })),
        () => h.client.createTransaction(newTransaction(userId, { currency: undefined, date: date('2026-04-01') })),
        () => h.client.createCategory({ userId, name: `New ${round} a`, color: '#112233' }),
        () => h.client.createCategory({ userId, name: `New ${round} b`, color: '#445566' }),
        () => h.client.updateTransaction({ userId, id: t1!.id, amount: '99.00', transactionType: 0, date: date('2026-05-01'), categoryId: '' }),
        () => h.client.updateCategory({ userId, id: kept.id, name: `Renamed ${round}` }),
        () => h.client.deleteTransaction({ userId, id: t2!.id }),
        () => h.client.deleteCategory({ userId, id: doomed.id, reassignTo: kept.id }),
        () => h.client.createRecurring(newRecurring(userId, { categoryId: kept.id })),
        () => h.client.processRecurring({ userId, id: tpl!.id }),
        () => h.client.processRecurring({ userId, id: tpl!.id, idempotencyKey: randomUUID() }),
        () => h.client.updateRecurring({ userId, id: tpl!.id, amount: '7.00', transactionType: 0, startDate: undefined, endDate: undefined, clearEndDate: false }),
        // Imports (issue 13): many rows, new and existing categories, one with an Idempotency-Key.
        () => h.client.importTransactions([{ userId, rows: importRows(round, kept.name), dryRun: false, endOfRows: true }]),
        () => h.client.importTransactions([{ userId, rows: importRows(round + 1000, kept.name), dryRun: false, endOfRows: true, idempotencyKey: randomUUID() }]),
        // The scheduler: reminders and (bounded) catch-up of the user's template.
        () => runSchedulerPass(schedulerContext(h.orm), new Date('2026-03-01T00:00:00Z'), { reminderDays: 3, perTemplateCatchUp: 5 }),
      ].map((write) => jittered(write));

      await erasure;
      await waitFor(
        async () => (await h.orm.em.fork().execute('select 1 from ledger.processed_event where event_id = ?', [eventId])).length > 0,
        { timeoutMs: 10_000, intervalMs: 5, message: `the erasure of round ${round}` },
      );
      const outcomes = await Promise.allSettled(writes);
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
  }, 60_000);
});
