import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { status } from '@grpc/grpc-js';
import { ledgerV1 } from '@finance/proto';
import { STREAM_MESSAGE_BYTES } from '../src/transport/grpc/ledger.grpc.js';
import { createCategory, date, INCOME, iso, newTransaction, registerUser, rejected, startLedgerHarness, transactionRows, type LedgerHarness } from './helpers.js';

let h: LedgerHarness;

beforeAll(async () => {
  h = await startLedgerHarness();
});

afterEach(() => {
  expect(h.auth.unscripted).toEqual([]);
});

afterAll(async () => {
  await h?.close();
});

/** Every batch of a StreamTransactions call, as they arrived. */
async function batchesOf(request: ledgerV1.StreamTransactionsRequest): Promise<ledgerV1.StreamedTransaction[][]> {
  const batches: ledgerV1.StreamedTransaction[][] = [];
  for await (const response of h.client.streamTransactions(request)) batches.push(response.rows);
  return batches;
}

/**
 * `count` transactions of the user written straight in SQL (the API would take minutes): dates
 * cycle over 30 days from 2026-01-01, so each date holds many rows and the id breaks the ties;
 * amounts 1..count cents.
 */
async function insertMany(userId: string, count: number, description: string): Promise<void> {
  await h.orm.em.fork().execute(
    `insert into ledger.transaction (id, user_id, amount_minor, currency, transaction_type, date, description, created_at, updated_at)
     select gen_random_uuid(), ?, g, 'USD', 'expense', date '2026-01-01' + (g % 30), ?, now(), now() from generate_series(1, ?) g`,
    [userId, description, count],
  );
}

describe('StreamTransactions', () => {
  test('16,000 rows arrive complete, oldest first by (date, id), in batches of 1,000 growing twofold to 8,000, only the user\'s', async () => {
    const userId = registerUser(h);
    const other = registerUser(h);
    await insertMany(userId, 16_000, 'mine');
    await insertMany(other, 40, 'theirs');

    const batches = await batchesOf({ userId, from: undefined, to: undefined });
    expect(batches.map((b) => b.length)).toEqual([1000, 2000, 4000, 8000, 1000]);
    const streamed = batches.flat();
    const stored = await transactionRows(h, userId); // ordered by date, id
    expect(streamed.map((t) => t.id)).toEqual(stored.map((r) => r.id));
    expect(new Set(streamed.map((t) => t.id)).size).toBe(16_000);
    expect(streamed.every((t) => t.description === 'mine')).toBe(true);
    expect(streamed.map((t) => iso(t.date))).toEqual(stored.map((r) => r.date));
    expect(streamed.map((t) => t.amount!.minorUnits)).toEqual(stored.map((r) => r.amount_minor));
  });

  test('rows of long texts: each message stays within STREAM_MESSAGE_BYTES, cut between rows, nothing lost or reordered', async () => {
    const userId = registerUser(h);
    // 1,000 characters of 3 UTF-8 bytes each: ~3 KB a row, so a batch of 1,000 rows (~3 MB) is cut in four.
    await insertMany(userId, 1200, '€'.repeat(1000));
    const messages: ledgerV1.StreamTransactionsResponse[] = [];
    for await (const response of h.client.streamTransactions({ userId, from: undefined, to: undefined })) messages.push(response);

    const sizes = messages.map((m) => ledgerV1.StreamTransactionsResponse.encode(m).finish().length);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(STREAM_MESSAGE_BYTES);
    expect(Math.max(...sizes)).toBeGreaterThan(STREAM_MESSAGE_BYTES * 0.9); // cut near the bound, not at every row
    expect(messages.map((m) => m.rows.length)).toEqual([338, 338, 324, 200]); // the first batch of 1,000 cut in three, then the 200 left
    const stored = await transactionRows(h, userId);
    expect(messages.flatMap((m) => m.rows.map((t) => t.id))).toEqual(stored.map((r) => r.id));
    expect(messages.every((m) => m.rows.every((t) => t.description === '€'.repeat(1000)))).toBe(true);
  });

  test('exactly one full batch: one batch, no empty one after it; a user without transactions: no batch at all', async () => {
    const userId = registerUser(h);
    await insertMany(userId, 1000, 'x');
    expect((await batchesOf({ userId, from: undefined, to: undefined })).map((b) => b.length)).toEqual([1000]);
    expect(await batchesOf({ userId: registerUser(h), from: undefined, to: undefined })).toEqual([]);
  });

  test('each transaction as GetTransaction answers it (what the stream carries of it): exact amount in its own currency, type, category name or absent', async () => {
    const userId = registerUser(h);
    const food = await createCategory(h, userId, 'Food, "fresh"');
    const created = [
      (await h.client.createTransaction(newTransaction(userId, { amount: '4.750', currency: 'KWD', date: date('2026-02-01'), categoryId: food.id }))).transaction!,
      (await h.client.createTransaction(newTransaction(userId, { amount: '1000', currency: 'JPY', date: date('2026-01-15'), transactionType: INCOME }))).transaction!,
      (await h.client.createTransaction(newTransaction(userId, { amount: '0.01', currency: 'EUR', date: date('2026-02-01'), description: 'same day' }))).transaction!,
    ];
    const streamed = (await batchesOf({ userId, from: undefined, to: undefined })).flat();
    // 01-15 first; on 02-01 the ids (UUIDv7, time-ordered) put the earlier one first.
    const expected = [created[1]!, created[0]!, created[2]!].map((t) => ({
      id: t.id,
      date: t.date,
      transactionType: t.transactionType,
      amount: t.amount,
      categoryName: t.category?.name,
      description: t.description,
    }));
    expect(streamed).toEqual(expected);
    expect(streamed[1]!.amount).toEqual({ minorUnits: '4750', currency: 'KWD' });
    expect(streamed[1]!.categoryName).toBe('Food, "fresh"');
    expect(streamed[0]!.categoryName).toBeUndefined();
    expect(streamed[0]!.transactionType).toBe(INCOME);
  });

  test('from and to are inclusive, each optional', async () => {
    const userId = registerUser(h);
    for (const d of ['2026-03-01', '2026-03-02', '2026-03-10', '2026-03-11']) await h.client.createTransaction(newTransaction(userId, { date: date(d), description: d }));
    const dates = async (from?: string, to?: string) =>
      (await batchesOf({ userId, from: from ? date(from) : undefined, to: to ? date(to) : undefined })).flat().map((t) => t.description);
    expect(await dates('2026-03-02', '2026-03-10')).toEqual(['2026-03-02', '2026-03-10']);
    expect(await dates('2026-03-10')).toEqual(['2026-03-10', '2026-03-11']);
    expect(await dates(undefined, '2026-03-01')).toEqual(['2026-03-01']);
    expect(await dates('2026-03-05', '2026-03-05')).toEqual([]);
  });

  test('invalid dates, from after to and a malformed user id → INVALID_ARGUMENT before any batch', async () => {
    const userId = registerUser(h);
    await insertMany(userId, 5, 'x');
    expect(await rejected(batchesOf({ userId, from: { year: 2026, month: 2, day: 30 }, to: undefined }))).toMatchObject({
      status: status.INVALID_ARGUMENT,
      errors: [{ path: 'from' }],
    });
    expect(await rejected(batchesOf({ userId, from: undefined, to: { year: 2026, month: 13, day: 1 } }))).toMatchObject({
      status: status.INVALID_ARGUMENT,
      errors: [{ path: 'to' }],
    });
    expect(await rejected(batchesOf({ userId, from: date('2026-03-02'), to: date('2026-03-01') }))).toMatchObject({
      status: status.INVALID_ARGUMENT,
      errors: [{ path: 'from', message: 'must not be after to' }],
    });
    expect(await rejected(batchesOf({ userId: 'not-a-uuid', from: undefined, to: undefined }))).toMatchObject({ status: status.INVALID_ARGUMENT });
  });

  test('leaving the loop after the first batch cancels the call; the service keeps answering', async () => {
    const userId = registerUser(h);
    await insertMany(userId, 3000, 'x');
    let seen = 0;
    for await (const response of h.client.streamTransactions({ userId, from: undefined, to: undefined })) {
      seen += response.rows.length;
      break;
    }
    expect(seen).toBe(1000);
    expect((await batchesOf({ userId, from: date('2026-01-01'), to: date('2026-01-01') })).flat()).toHaveLength(100);
  });
});
