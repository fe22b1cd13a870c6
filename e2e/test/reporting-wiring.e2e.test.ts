import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createGrpcClient, type GrpcClient } from '@finance/platform';
import { reportingV1 } from '@finance/proto';
import { date, rejected } from '@finance/testing';
import { client, signUp, startStack, type Stack } from './support/stack.js';
import { expectProblem } from './support/problems.js';

// What reporting's integration tests (apps/reporting/test, against scripted stubs) cannot show: that
// reporting and the real auth, ledger and budgeting understand each other — the ledger's category
// pages and cursors, its sums over extreme ranges and a thousand days, the services' real verdicts
// for an account that does not exist, and an outage of the ledger seen through budgeting too.
// analytics.e2e.test.ts covers the figures of every analytics route.

let stack: Stack;
let api: ReturnType<typeof client>;
/** Reporting's gRPC API directly, for what the gateway never lets through (a user id without an account). */
let reporting: GrpcClient<typeof reportingV1.ReportingServiceService>;

beforeAll(async () => {
  // Per-address limits are configurable (API.md); the paging test sends more than a minute's default.
  stack = await startStack({ RATE_LIMIT_PER_MINUTE: '100000', AUTH_RATE_LIMIT_PER_MINUTE: '100000' });
  api = client(stack.baseUrl);
  reporting = createGrpcClient(reportingV1.ReportingServiceService, stack.services.reporting!.address, { deadlineMs: 15_000 });
});

afterAll(async () => {
  reporting?.$channel.close();
  await stack?.close();
});

async function newUser() {
  const { tokens, user } = await signUp(api, 'wiring');
  return { token: tokens.access_token, userId: user.id as string };
}

async function created(path: string, json: Record<string, unknown>, token: string) {
  const reply = await api.post(path, json, token);
  if (reply.status !== 201) throw new Error(`POST ${path}: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body as { id: string; name: string };
}

const spend = (token: string, amount: string, date: string, fields: Record<string, unknown> = {}) =>
  created('/transactions', { amount, transaction_type: 'expense', date, ...fields }, token);

async function ok(path: string, token: string) {
  const reply = await api.get(path, token);
  if (reply.status !== 200) throw new Error(`GET ${path}: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body;
}

describe("reporting and the real ledger's answers", () => {
  test("more categories than one page of the ledger's list: every name is found, on the last page too", async () => {
    const { token } = await newUser();
    const categories = [];
    for (let i = 0; i < 205; i++) categories.push(await created('/categories', { name: `C${String(i).padStart(3, '0')}`, color: '#336699' }, token));
    // Newest or oldest first, whichever the ledger pages by: the first and the last made are on different pages.
    await spend(token, '1.00', '2026-08-01', { category_id: categories[204]!.id });
    await spend(token, '2.00', '2026-08-01', { category_id: categories[0]!.id });
    expect((await ok('/analytics/spending?from=2026-08-01&to=2026-08-01', token)).items).toEqual([
      { category_id: categories[0]!.id, category_name: 'C000', total: '2.00', count: 1 },
      { category_id: categories[204]!.id, category_name: 'C204', total: '1.00', count: 1 },
    ]);
  }, 60_000);

  test('spending has no range cap: years 1 to 9999 are one answer from the ledger', async () => {
    const { token } = await newUser();
    await spend(token, '1.00', '2026-08-01');
    await spend(token, '2.00', '0001-01-01');
    await spend(token, '4.00', '9999-12-31');
    expect(await ok('/analytics/spending?from=0001-01-01&to=9999-12-31', token)).toMatchObject({ total: '7.00', items: [{ category_id: null, total: '7.00', count: 3 }] });
  });

  test("1,000 daily intervals are answered with the ledger's day sums in place; 1,001 are refused", async () => {
    const { token } = await newUser();
    await spend(token, '1.00', '2026-01-01');
    await spend(token, '2.00', '2028-09-26');
    const body = await ok('/analytics/income-vs-expense?from=2026-01-01&to=2028-09-26&interval=day', token);
    expect(body.items).toHaveLength(1000);
    expect(body.items[0]).toMatchObject({ period_start: '2026-01-01', expense: '1.00' });
    expect(body.items[999]).toMatchObject({ period_start: '2028-09-26', expense: '2.00' });
    expect(body.totals).toEqual({ income: '0.00', expense: '3.00', net: '-3.00' });
    const refused = expectProblem(await api.get('/analytics/income-vs-expense?from=2026-01-01&to=2028-09-27&interval=day', token), 422);
    expect(refused.errors).toEqual([{ path: 'interval', message: expect.stringContaining('1,001 daily intervals') }]);
  });
});

describe("the real services' verdicts, as reporting answers them", () => {
  test('a user id without an account: every report is UNAUTHENTICATED (REPORTING_USER_NOT_FOUND), from auth and from budgeting', async () => {
    const { token, userId } = await newUser();
    expect((await api.delete('/users/me', token)).status).toBe(204);
    const gone = { httpStatus: 401, code: 'REPORTING_USER_NOT_FOUND' };
    expect(await rejected(reporting.getSpending({ userId, from: date('2026-01-01'), to: date('2026-01-31') }))).toMatchObject(gone);
    expect(await rejected(reporting.getIncomeVsExpense({ userId, from: date('2026-01-01'), to: date('2026-01-31'), interval: 0 }))).toMatchObject(gone);
    // Without a date budgeting needs the user's zone from auth, and says the account is gone.
    expect(await rejected(reporting.getBudgetStatus({ userId, date: undefined }))).toMatchObject(gone);
  });
});

// Last: it stops the ledger for good.
describe('the ledger stopped', () => {
  test('spending and income vs expense are 503 LEDGER_UNAVAILABLE; budget status too, passed on by budgeting', async () => {
    const { token } = await newUser();
    await created('/budgets', { amount: '100.00', period: 'monthly', start_date: '2026-03-01' }, token);
    await ok('/analytics/budget-status?date=2026-03-10', token);

    // Stopping twice is harmless: stack.close() stops it again and waits for the same stop.
    await stack.services.ledger!.stop();

    for (const path of ['/analytics/spending?from=2026-03-01&to=2026-03-31', '/analytics/income-vs-expense?from=2026-03-01&to=2026-03-31', '/analytics/budget-status?date=2026-03-10']) {
      const body = expectProblem(await api.get(path, token), 503);
      expect({ path, code: body.code }).toEqual({ path, code: 'LEDGER_UNAVAILABLE' });
    }
  }, 30_000);
});
