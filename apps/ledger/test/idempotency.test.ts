import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { status } from '@grpc/grpc-js';
import { waitFor } from '@finance/testing';
import { pruneExpiredIdempotencyKeys } from '../src/application/idempotency.js';
import { countRows, createCategory, newTransaction, registerUser, rejected, startLedgerHarness, type LedgerHarness } from './helpers.js';

let h: LedgerHarness;

beforeAll(async () => {
  h = await startLedgerHarness();
});

afterAll(async () => {
  await h?.close();
});

describe('Idempotency-Key on CreateTransaction', () => {
  test('the same key and request answer the first transaction again, replayed, and create nothing new', async () => {
    const userId = registerUser(h);
    const request = newTransaction(userId, { idempotencyKey: 'order-1', amount: '9.99' });
    const first = await h.client.createTransaction(request);
    expect(first.replayed).toBe(false);
    const again = await h.client.createTransaction(request);
    expect(again).toEqual({ transaction: first.transaction, replayed: true });
    expect(await countRows(h, 'transaction', userId)).toBe(1);
  });

  test('the replay is the first answer even after the transaction changed', async () => {
    const userId = registerUser(h);
    const request = newTransaction(userId, { idempotencyKey: 'k-changed' });
    const first = await h.client.createTransaction(request);
    await h.client.updateTransaction({ userId, id: first.transaction!.id, description: 'edited', transactionType: 0, date: undefined });
    expect((await h.client.createTransaction(request)).transaction).toEqual(first.transaction);
  });

  test('the same key with a different request is a 422 naming the header, and creates nothing', async () => {
    const userId = registerUser(h);
    await h.client.createTransaction(newTransaction(userId, { idempotencyKey: 'k1', amount: '10.00' }));
    for (const change of [{ amount: '10.01' }, { amount: '10' }, { description: 'other' }, { currency: 'EUR' }, { currency: undefined }, { date: { year: 2026, month: 3, day: 16 } }]) {
      expect(await rejected(h.client.createTransaction(newTransaction(userId, { idempotencyKey: 'k1', amount: '10.00', ...change })))).toMatchObject({
        status: status.INVALID_ARGUMENT,
        httpStatus: 422,
        code: 'LEDGER_IDEMPOTENCY_KEY_REUSED',
        errors: [{ path: 'Idempotency-Key' }],
      });
    }
    expect(await countRows(h, 'transaction', userId)).toBe(1);
  });

  test('keys belong to one user: another user may use the same key', async () => {
    const a = registerUser(h);
    const b = registerUser(h);
    const ta = await h.client.createTransaction(newTransaction(a, { idempotencyKey: 'shared' }));
    const tb = await h.client.createTransaction(newTransaction(b, { idempotencyKey: 'shared' }));
    expect(tb.replayed).toBe(false);
    expect(tb.transaction!.id).not.toBe(ta.transaction!.id);
    expect(tb.transaction!.userId).toBe(b);
  });

  test('keys of 1 and 255 characters are fine; "" and 256 are a 422', async () => {
    const userId = registerUser(h);
    await expect(h.client.createTransaction(newTransaction(userId, { idempotencyKey: 'x' }))).resolves.toMatchObject({ replayed: false });
    await expect(h.client.createTransaction(newTransaction(userId, { idempotencyKey: 'y'.repeat(255) }))).resolves.toMatchObject({ replayed: false });
    for (const key of ['', 'z'.repeat(256)]) {
      expect(await rejected(h.client.createTransaction(newTransaction(userId, { idempotencyKey: key })))).toMatchObject({ httpStatus: 422, errors: [{ path: 'Idempotency-Key' }] });
    }
  });

  test('a request that failed stores nothing: the key can be used again with a corrected request', async () => {
    const userId = registerUser(h);
    expect(await rejected(h.client.createTransaction(newTransaction(userId, { idempotencyKey: 'retry-me', amount: '1.234' })))).toMatchObject({ httpStatus: 422 });
    const category = await createCategory(h, registerUser(h));
    expect(await rejected(h.client.createTransaction(newTransaction(userId, { idempotencyKey: 'retry-me', categoryId: category.id })))).toMatchObject({ httpStatus: 422 });
    await expect(h.client.createTransaction(newTransaction(userId, { idempotencyKey: 'retry-me' }))).resolves.toMatchObject({ replayed: false });
  });

  test('a second request while the first with its key is still running is a 409 in progress; afterwards it replays', async () => {
    const userId = registerUser(h);
    const request = newTransaction(userId, { idempotencyKey: 'slow' });
    const em = h.orm.em.fork();
    let first: Promise<unknown> | undefined;
    await em.transactional(async (tx) => {
      // Hold inserts into the table: the first request takes its key, then waits at its insert.
      await tx.execute('lock table ledger.transaction in exclusive mode');
      first = h.client.createTransaction(request);
      await waitFor(
        async () => {
          const [row] = await h.orm.em.fork().execute<{ n: number }[]>(
            "select count(*)::int as n from pg_locks where not granted and relation = 'ledger.transaction'::regclass",
          );
          return row!.n > 0;
        },
        { timeoutMs: 5000, message: 'the first request to wait at its insert' },
      );
      expect(await rejected(h.client.createTransaction(request))).toMatchObject({
        status: status.ALREADY_EXISTS,
        httpStatus: 409,
        code: 'LEDGER_IDEMPOTENCY_IN_PROGRESS',
      });
    });
    const created = (await first) as { transaction: { id: string }; replayed: boolean };
    expect(created.replayed).toBe(false);
    const replay = await h.client.createTransaction(request);
    expect(replay).toMatchObject({ replayed: true, transaction: { id: created.transaction.id } });
    expect(await countRows(h, 'transaction', userId)).toBe(1);
  });

  test('twenty concurrent requests with one key create exactly one transaction', async () => {
    const userId = registerUser(h);
    const request = newTransaction(userId, { idempotencyKey: 'burst' });
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => h.client.createTransaction(request)));
    const ok = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const ids = new Set(ok.map((r) => r.transaction!.id));
    expect(ids.size).toBe(1);
    expect(ok.filter((r) => !r.replayed)).toHaveLength(1);
    for (const r of results) {
      if (r.status === 'rejected') expect(await rejected(Promise.reject(r.reason))).toMatchObject({ code: 'LEDGER_IDEMPOTENCY_IN_PROGRESS' });
    }
    expect(await countRows(h, 'transaction', userId)).toBe(1);
  });

  test('after 24 hours a key is forgotten: it may be used for a new request, and pruning removes it', async () => {
    const userId = registerUser(h);
    await h.client.createTransaction(newTransaction(userId, { idempotencyKey: 'old', amount: '1.00' }));
    await h.client.createTransaction(newTransaction(userId, { idempotencyKey: 'fresh' }));
    // Age one key past its 24 hours.
    await h.orm.em.fork().execute(
      "update ledger.idempotency_key set created_at = created_at - interval '25 hours', expires_at = expires_at - interval '25 hours' where user_id = ? and key = 'old'",
      [userId],
    );
    const reused = await h.client.createTransaction(newTransaction(userId, { idempotencyKey: 'old', amount: '2.00' }));
    expect(reused.replayed).toBe(false);
    expect(await countRows(h, 'transaction', userId)).toBe(3);

    await h.orm.em.fork().execute("update ledger.idempotency_key set expires_at = now() - interval '1 second' where user_id = ? and key = 'old'", [userId]);
    expect(await pruneExpiredIdempotencyKeys(h.orm, new Date())).toBeGreaterThanOrEqual(1);
    const keys = await h.orm.em.fork().execute<{ key: string }[]>('select key from ledger.idempotency_key where user_id = ? order by key', [userId]);
    expect(keys.map((k) => k.key)).toEqual(['fresh']);
  });
});
