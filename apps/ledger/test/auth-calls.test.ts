import { afterAll, afterEach, beforeAll, describe, expect, test } from '@jest/globals';
import { status } from '@grpc/grpc-js';
import { countRows, newTransaction, registerUser, rejected, scriptAuth, startLedgerHarness, type LedgerHarness } from './helpers.js';

// The ledger asks auth for a user's base currency, and only when a transaction comes without a
// currency. Auth is a scripted stub here, reached through a proxy so that a test can take it away.
let h: LedgerHarness;

beforeAll(async () => {
  h = await startLedgerHarness({ authProxy: true });
});

afterEach(() => {
  expect(h.auth.unscripted).toEqual([]);
  scriptAuth(h);
});

afterAll(async () => {
  await h?.close();
});

describe('the base currency comes from auth only when needed', () => {
  test('with auth unreachable: a currency in the request still works, a replay still works, a request without currency is a 503', async () => {
    const userId = registerUser(h);
    const withoutCurrency = newTransaction(userId, { currency: undefined, idempotencyKey: 'before-outage' });
    const first = await h.client.createTransaction(withoutCurrency);
    expect(first.transaction!.amount!.currency).toBe('USD');

    h.authProxy!.cut();
    try {
      h.auth.calls.length = 0;
      await expect(h.client.createTransaction(newTransaction(userId, { currency: 'EUR' }))).resolves.toBeTruthy();
      expect(await h.client.createTransaction(withoutCurrency)).toEqual({ transaction: first.transaction, replayed: true });
      expect(await rejected(h.client.createTransaction(newTransaction(userId, { currency: undefined })))).toMatchObject({
        status: status.UNAVAILABLE,
        httpStatus: 503,
        code: 'AUTH_UNAVAILABLE',
      });
      expect(h.auth.calls).toEqual([]);
    } finally {
      h.authProxy!.restore();
    }
    expect(await countRows(h, 'transaction', userId)).toBe(2);
  });
});

describe('when auth fails', () => {
  test('a fault inside auth is a 503 AUTH_UNAVAILABLE that does not carry auth’s text; nothing is recorded', async () => {
    const userId = registerUser(h);
    h.auth.outage = new Error('auth exploded: connection pool on fire');
    const err = await rejected(h.client.createTransaction(newTransaction(userId, { currency: undefined })));
    expect(err).toMatchObject({ status: status.UNAVAILABLE, httpStatus: 503, code: 'AUTH_UNAVAILABLE' });
    expect(JSON.stringify(err)).not.toContain('exploded');
    expect(await countRows(h, 'transaction', userId)).toBe(0);
  });

  test('auth answering too late is a 504 AUTH_DEADLINE_EXCEEDED, within the caller’s own deadline', async () => {
    const userId = registerUser(h);
    // Longer than the ledger gives auth, shorter than the caller's 15 s.
    h.auth.delayMs = 5_000;
    const started = Date.now();
    expect(await rejected(h.client.createTransaction(newTransaction(userId, { currency: undefined })))).toMatchObject({
      status: status.DEADLINE_EXCEEDED,
      httpStatus: 504,
      code: 'AUTH_DEADLINE_EXCEEDED',
    });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await countRows(h, 'transaction', userId)).toBe(0);
    // Let the stub's late answer go out before the next test (its pending timer would outlive the run).
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, started + 5_000 + 50 - Date.now())));
  });
});

describe('what the call to auth carries', () => {
  test("the caller's request id, and no more time than the caller still waits", async () => {
    const userId = registerUser(h);
    h.auth.calls.length = 0;
    // A deadline shorter than the ledger's own for auth: only forwarding it can keep the call within it.
    await h.client.createTransaction(newTransaction(userId, { currency: undefined }), { requestId: 'req-ledger-to-auth-1', deadlineMs: 1_500 });
    const [call, ...more] = h.auth.callsOf('getUser');
    expect(more).toEqual([]);
    expect(call).toMatchObject({ request: { userId }, requestId: 'req-ledger-to-auth-1' });
    expect(call!.remainingMs).toBeGreaterThan(0);
    expect(call!.remainingMs).toBeLessThanOrEqual(1_500);
  });
});
