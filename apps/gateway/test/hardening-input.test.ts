import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { stubError } from '@finance/testing';
import type { budgetingV1, ledgerV1 } from '@finance/proto';
import { money, protoBudget, protoTransaction } from './support/builders.js';
import { bearer, startTestGateway, type TestGateway } from './support/gateway.js';
import { expectProblem } from './support/problems.js';

// Request bodies as bytes: only valid UTF-8 is read (issue 9.5), and JSON numbers written with an
// exponent are read exactly from their text (issue 9.6).

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(async () => {
  await gw.close();
});

let token: string;
beforeEach(async () => {
  gw.reset();
  ({ token } = await gw.caller());
  gw.ledger.on('createTransaction', (req) => ({
    transaction: protoTransaction({ userId: req.userId, amount: money(req.amount, 'KWD'), description: req.description ?? '' }),
    replayed: false,
  }));
  gw.ledger.on('updateTransaction', (req) => ({ transaction: protoTransaction({ userId: req.userId, id: req.id, amount: money(req.amount ?? '1', 'KWD') }) }));
  gw.budgeting.on('createBudget', (req: budgetingV1.CreateBudgetRequest) => ({ budget: protoBudget({ amount: money(req.amount, 'KWD') }) }));
  gw.auth.fail('loginUser', stubError('unauthenticated', 'AUTH_INVALID_CREDENTIALS', 'Incorrect username or password.'));
});

const json = { 'content-type': 'application/json' };
const form = { 'content-type': 'application/x-www-form-urlencoded' };
const bytes = (...parts: (string | number[])[]) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))));

describe('a body that is not valid UTF-8 → 400 INVALID_UTF8, nothing forwarded', () => {
  const transaction = (description: number[]) =>
    bytes('{"amount": "1.00", "transaction_type": "expense", "date": "2026-03-14", "description": "', description, '"}');

  it.each([
    ['0xFF 0xFE (no UTF-8 byte)', [0xff, 0xfe]],
    ['a lone continuation byte', [0x61, 0x80]],
    ['a truncated sequence (E2 82)', [0xe2, 0x82]],
    ['an overlong "/" (C0 AF)', [0xc0, 0xaf]],
    ['an encoded surrogate (ED A0 80)', [0xed, 0xa0, 0x80]],
    ['a code point above U+10FFFF (F4 90 80 80)', [0xf4, 0x90, 0x80, 0x80]],
  ])('JSON with %s', async (_name, bad) => {
    const res = await gw.app.inject({ method: 'POST', url: '/transactions', headers: { ...bearer(token), ...json }, payload: transaction(bad) });
    const body = expectProblem(res, 400, 'INVALID_UTF8');
    expect(body.type).toMatch(/malformed-request$/);
    expect(gw.ledger.callsOf('createTransaction')).toHaveLength(0);
  });

  it('valid multi-byte UTF-8 is read as sent (€, emoji, U+FFFD itself)', async () => {
    const res = await gw.app.inject({ method: 'POST', url: '/transactions', headers: { ...bearer(token), ...json }, payload: transaction([...Buffer.from('€ 💶 \ufffd')]) });
    expect(res.statusCode).toBe(201);
    expect(gw.ledger.lastRequest('createTransaction').description).toBe('€ 💶 \ufffd');
  });

  it('a PUT body too', async () => {
    const res = await gw.app.inject({ method: 'PUT', url: `/transactions/${randomUUID()}`, headers: { ...bearer(token), ...json }, payload: bytes('{"description": "', [0xff], '"}') });
    expectProblem(res, 400, 'INVALID_UTF8');
    expect(gw.ledger.callsOf('updateTransaction')).toHaveLength(0);
  });

  it.each([
    ['a raw 0xFF byte', bytes('username=a', [0xff], 'b&password=whatever1')],
    ['a percent-encoded 0xFF (%FF)', bytes('username=a%FFb&password=whatever1')],
    ['a percent-encoded surrogate (%ED%A0%80)', bytes('username=a&password=x%ED%A0%80yyyyyyy')],
  ])('the login form with %s', async (_name, payload) => {
    const res = await gw.app.inject({ method: 'POST', url: '/auth/login', headers: form, payload });
    expectProblem(res, 400, 'INVALID_UTF8');
    expect(gw.auth.callsOf('loginUser')).toHaveLength(0);
  });

  it('login JSON with invalid UTF-8', async () => {
    const res = await gw.app.inject({ method: 'POST', url: '/auth/login', headers: json, payload: bytes('{"username": "a', [0xff], '", "password": "whatever1"}') });
    expectProblem(res, 400, 'INVALID_UTF8');
    expect(gw.auth.callsOf('loginUser')).toHaveLength(0);
  });

  it('a well-formed form is decoded as before: %-escapes as UTF-8, "+" as a space, %00 passed to auth as it is', async () => {
    gw.auth.reset();
    gw.auth.fail('loginUser', stubError('unauthenticated', 'AUTH_INVALID_CREDENTIALS', 'Incorrect username or password.'));
    const res = await gw.app.inject({ method: 'POST', url: '/auth/login', headers: form, payload: 'username=a%00b&password=caf%C3%A9+%E2%82%AC+1&grant_type=password' });
    expectProblem(res, 401, 'AUTH_INVALID_CREDENTIALS');
    expect(gw.auth.lastRequest('loginUser')).toEqual({ identifier: 'a\u0000b', password: 'café € 1' });
  });

  it('a malformed %-escape in a form is a 400, not a 500', async () => {
    const res = await gw.app.inject({ method: 'POST', url: '/auth/login', headers: form, payload: 'username=a%zzb&password=whatever1' });
    expectProblem(res, 400);
    expect(gw.auth.callsOf('loginUser')).toHaveLength(0);
  });
});

describe('JSON numbers written with an exponent are read exactly from their text', () => {
  const create = (literal: string) =>
    gw.app.inject({ method: 'POST', url: '/transactions', headers: { ...bearer(token), ...json }, payload: `{"amount": ${literal}, "transaction_type": "expense", "date": "2026-03-14"}` });

  it.each([
    ['1e3', '1000'],
    ['1E3', '1000'],
    ['1e+3', '1000'],
    ['1.25e1', '12.5'],
    ['1e-2', '0.01'],
    ['12.5e0', '12.5'],
    ['1000e-3', '1'],
    ['9.99999999999999e14', '999999999999999'],
    ['1e-3', '0.001'], // the currency's precision is the ledger's check (0.001 USD → its 422, see e2e)
  ])('%s → forwarded as "%s"', async (literal, decimal) => {
    const res = await create(literal);
    expect(res.statusCode).toBe(201);
    expect((gw.ledger.lastRequest('createTransaction') as ledgerV1.CreateTransactionRequest).amount).toBe(decimal);
  });

  it.each([
    ['1e15', /too large/],
    ['1e16', /too large/],
    ['1e400', /too large/], // Infinity for JSON.parse
    ['1e999999999', /too large/],
    ['1e-30', /decimal places/],
    ['1e-400', /decimal places/], // 0 for JSON.parse
    ['-1e3', /greater than zero/],
    ['0e3', /greater than zero/],
  ])('%s → 422 on amount, before any RPC', async (literal, message) => {
    const body = expectProblem(await create(literal), 422, 'VALIDATION_FAILED');
    expect(body.errors).toEqual([{ path: 'amount', message: expect.stringMatching(message) }]);
    expect(gw.ledger.callsOf('createTransaction')).toHaveLength(0);
  });

  it('an exponent inside a JSON string is still refused: a string amount is a plain decimal (API.md)', async () => {
    const body = expectProblem(await create('"1e3"'), 422, 'VALIDATION_FAILED');
    expect(body.errors).toEqual([{ path: 'amount', message: expect.stringMatching(/exponent/) }]);
  });

  it('PUT /transactions/{id} and POST /budgets read them the same way', async () => {
    const put = await gw.app.inject({ method: 'PUT', url: `/transactions/${randomUUID()}`, headers: { ...bearer(token), ...json }, payload: '{"amount": 2.5e2}' });
    expect(put.statusCode).toBe(200);
    expect(gw.ledger.lastRequest('updateTransaction').amount).toBe('250');
    const budget = await gw.app.inject({ method: 'POST', url: '/budgets', headers: { ...bearer(token), ...json }, payload: '{"amount": 5e2, "period": "monthly", "start_date": "2026-03-01"}' });
    expect(budget.statusCode).toBe(201);
    expect(gw.budgeting.lastRequest('createBudget').amount).toBe('500');
  });
});
