import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { namespacedStream, namespacedSubject } from '@finance/events';
import { inspector, streamMessages, waitFor } from '@finance/testing';
import { userDeleted } from '@finance/events/contracts/auth';
import { countRows, createCategory, date, INCOME, newTransaction, publishEvent, registerUser, startLedgerHarness, type LedgerHarness } from './helpers.js';

let h: LedgerHarness;
let nats: Awaited<ReturnType<typeof inspector>>;

beforeAll(async () => {
  h = await startLedgerHarness();
  nats = await inspector();
});

afterAll(async () => {
  await nats?.nc.close();
  await h?.close();
});

type Subject = 'ledger.transaction.created.v1' | 'ledger.transaction.updated.v1' | 'ledger.transaction.deleted.v1';

async function ledgerEvents(userId: string) {
  const msgs = await streamMessages(nats.jsm, namespacedStream(h.namespace, 'LEDGER'));
  return msgs
    .map((m) => ({ subject: m.subject.slice(h.namespace.length + 1), msgId: m.header?.get('Nats-Msg-Id'), event: m.json<Record<string, any>>() }))
    .filter((m) => m.event.user_id === userId);
}

async function eventsOf(userId: string, subject: Subject, count: number) {
  return waitFor(
    async () => {
      const found = (await ledgerEvents(userId)).filter((m) => m.subject === subject);
      return found.length >= count ? found : undefined;
    },
    { timeoutMs: 5000, message: `${count} × ${subject}` },
  );
}

describe('transaction events', () => {
  test('created, updated (before and after) and deleted, with the snapshot of the contract', async () => {
    const userId = registerUser(h);
    const category = await createCategory(h, userId);
    const { transaction } = await h.client.createTransaction(newTransaction(userId, { amount: '12.34', currency: 'EUR', date: date('2026-04-01'), categoryId: category.id }));
    const id = transaction!.id;
    const snapshot = { transaction_id: id, amount_minor: '1234', currency: 'EUR', transaction_type: 'expense', date: '2026-04-01', category_id: category.id };

    const [created] = await eventsOf(userId, 'ledger.transaction.created.v1', 1);
    expect(created!.event).toEqual({ event_id: expect.any(String), occurred_at: expect.any(String), user_id: userId, transaction: snapshot });
    expect(created!.msgId).toBe(created!.event.event_id);

    await h.client.updateTransaction({ userId, id, amount: '1.00', transactionType: INCOME, categoryId: '', date: date('2026-04-02') });
    const [updated] = await eventsOf(userId, 'ledger.transaction.updated.v1', 1);
    expect(updated!.event).toMatchObject({
      user_id: userId,
      before: snapshot,
      after: { transaction_id: id, amount_minor: '100', currency: 'EUR', transaction_type: 'income', date: '2026-04-02', category_id: null },
    });

    // An update that changes nothing publishes nothing.
    await h.client.updateTransaction({ userId, id, amount: '1.00', transactionType: 0, date: undefined });

    await h.client.deleteTransaction({ userId, id });
    const [deleted] = await eventsOf(userId, 'ledger.transaction.deleted.v1', 1);
    expect(deleted!.event).toMatchObject({ user_id: userId, transaction: { ...snapshot, amount_minor: '100', transaction_type: 'income', date: '2026-04-02', category_id: null } });

    await new Promise((r) => setTimeout(r, 300));
    expect((await ledgerEvents(userId)).map((m) => m.subject)).toEqual([
      'ledger.transaction.created.v1',
      'ledger.transaction.updated.v1',
      'ledger.transaction.deleted.v1',
    ]);
  });

  test('a failed create publishes nothing', async () => {
    const userId = registerUser(h);
    await h.client.createTransaction(newTransaction(userId, { categoryId: '00000000-0000-4000-8000-000000000000' })).catch(() => undefined);
    await h.client.createTransaction(newTransaction(userId));
    await eventsOf(userId, 'ledger.transaction.created.v1', 1);
    await new Promise((r) => setTimeout(r, 200));
    expect(await ledgerEvents(userId)).toHaveLength(1);
  });
});

// auth.user.deleted.v1 is published here as auth's outbox relay would; that auth really publishes
// it when a user is deleted is e2e's (auth-users.e2e.test.ts, "all of its data in every service is erased").
describe('erasure', () => {
  test('auth.user.deleted.v1 erases every ledger row of that user, and only theirs', async () => {
    const userId = registerUser(h);
    const bystander = registerUser(h);
    const category = await createCategory(h, userId);
    for (let i = 0; i < 3; i++) await h.client.createTransaction(newTransaction(userId, { categoryId: category.id, idempotencyKey: `k${i}` }));
    await h.client.createTransaction(newTransaction(bystander, { idempotencyKey: 'k0' }));
    await createCategory(h, bystander);
    expect(await countRows(h, 'transaction', userId)).toBe(3);
    expect(await countRows(h, 'idempotency_key', userId)).toBe(3);

    await publishEvent(h, userDeleted, { user_id: userId });

    await waitFor(
      async () =>
        (await countRows(h, 'transaction', userId)) === 0 && (await countRows(h, 'category', userId)) === 0 && (await countRows(h, 'idempotency_key', userId)) === 0,
      { timeoutMs: 10_000, message: 'the ledger rows of the deleted user to be erased' },
    );
    expect(await countRows(h, 'transaction', bystander)).toBe(1);
    expect(await countRows(h, 'category', bystander)).toBe(1);
    expect(await countRows(h, 'idempotency_key', bystander)).toBe(1);
  });

  test('a redelivered auth.user.deleted.v1 is handled once (recorded as processed)', async () => {
    const userId = registerUser(h);
    await h.client.createTransaction(newTransaction(userId));
    const { data: original } = await publishEvent(h, userDeleted, { user_id: userId });
    await waitFor(async () => (await countRows(h, 'transaction', userId)) === 0, { timeoutMs: 10_000 });
    const processed = await h.orm.em.fork().execute<{ consumer: string }[]>('select consumer from ledger.processed_event');
    expect(processed.map((p) => p.consumer)).toContain(`${h.namespace}_ledger-user-deleted`);

    // A row written after the erasure shows whether the handler runs again.
    await h.orm.em.fork().execute(
      "insert into ledger.category (id, user_id, name, color, created_at, updated_at) values (gen_random_uuid(), ?, 'late', '#000000', now(), now())",
      [userId],
    );
    // The very same event again (a plain publish: no message id, so the stream keeps the copy) ...
    nats.nc.publish(namespacedSubject(h.namespace, userDeleted.subject), original);
    // ... followed by a new event for someone else: once that one is handled, the copy before it was too.
    const marker = registerUser(h);
    await h.client.createTransaction(newTransaction(marker));
    await publishEvent(h, userDeleted, { user_id: marker });
    await waitFor(async () => (await countRows(h, 'transaction', marker)) === 0, { timeoutMs: 10_000, message: 'the marker event' });
    expect(await countRows(h, 'category', userId)).toBe(1);
  });
});
