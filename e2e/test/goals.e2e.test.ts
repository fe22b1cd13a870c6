import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { waitFor } from '@finance/testing';
import { ISO_UTC, UUID } from './support/fields.js';
import { expectInvalid, expectProblem } from './support/problems.js';
import { client, signUp, startStack, type Stack } from './support/stack.js';

// Every row of API.md's goals table (Version 3) and the rule under it, through the gateway with the
// real auth, ledger and goals services behind it, as a client calls them: contributions are links to
// real transactions, so a deleted transaction lowers the goal.

let stack: Stack;
let api: ReturnType<typeof client>;

beforeAll(async () => {
  // Per-address limits are configurable (API.md); this suite sends more than a minute's default.
  stack = await startStack({ RATE_LIMIT_PER_MINUTE: '100000', AUTH_RATE_LIMIT_PER_MINUTE: '100000' });
  api = client(stack.baseUrl);
});

afterAll(async () => {
  await stack.close();
});

const GOAL_FIELDS = ['created_at', 'currency', 'current_amount', 'deadline', 'id', 'name', 'status', 'target_amount', 'updated_at'];
const PROGRESS_FIELDS = ['contributions', 'monthly_needed', 'on_track', 'percent', 'projected_completion_date', 'remaining', 'saved_last_90_days'];
const CONTRIBUTION_FIELDS = ['amount', 'created_at', 'currency', 'goal_amount', 'goal_id', 'id', 'rate', 'rate_date', 'transaction_date', 'transaction_id'];

interface Goal {
  id: string;
  name: string;
  target_amount: string;
  current_amount: string;
  currency: string;
  deadline: string | null;
  status: 'active' | 'completed' | 'cancelled';
  created_at: string;
  updated_at: string;
}

interface Progress {
  percent: string;
  remaining: string;
  contributions: number;
  monthly_needed: string | null;
  projected_completion_date: string | null;
  on_track: boolean | null;
  saved_last_90_days: string;
}

interface Contribution {
  id: string;
  goal_id: string;
  transaction_id: string;
  amount: string;
  currency: string;
  goal_amount: string;
  rate: string;
  rate_date: string;
  transaction_date: string;
  created_at: string;
}

async function newUser(prefix = 'goal') {
  const { tokens, user } = await signUp(api, prefix);
  return { token: tokens.access_token, user };
}

const todayUtc = () => new Date().toISOString().slice(0, 10);

/** `iso` moved by `months` calendar months, kept within the month (Jan 31 + 1 month = Feb 28/29). */
function addMonths(iso: string, months: number): string {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  const lastDay = new Date(Date.UTC(y, m - 1 + months + 1, 0)).getUTCDate();
  return new Date(Date.UTC(y, m - 1 + months, Math.min(d, lastDay))).toISOString().slice(0, 10);
}

/** `iso` moved by `days` calendar days (YYYY-MM-DD in, YYYY-MM-DD out). */
function addDays(iso: string, days: number): string {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

async function createGoal(token: string, fields: Record<string, unknown> = {}): Promise<Goal> {
  const reply = await api.post('/goals', { name: 'New bike', target_amount: '1000.00', ...fields }, token);
  if (reply.status !== 201) throw new Error(`POST /goals: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body as Goal;
}

async function record(token: string, amount: string, fields: Record<string, unknown> = {}): Promise<{ id: string; date: string }> {
  const reply = await api.post('/transactions', { amount, transaction_type: 'income', date: todayUtc(), ...fields }, token);
  if (reply.status !== 201) throw new Error(`POST /transactions: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body;
}

async function contribute(token: string, goalId: string, body: Record<string, unknown>): Promise<Contribution> {
  const reply = await api.post(`/goals/${goalId}/contribute`, body, token);
  if (reply.status !== 201) throw new Error(`POST /goals/${goalId}/contribute: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body as Contribution;
}

async function goalOf(token: string, id: string): Promise<Goal & { progress: Progress }> {
  const reply = await api.get(`/goals/${id}`, token);
  if (reply.status !== 200) throw new Error(`GET /goals/${id}: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body;
}

/** Follows next_cursor from the first page to the last. */
async function walk<T>(path: string, token: string): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const separator = path.includes('?') ? '&' : '?';
    const reply = await api.get(cursor === null ? path : `${path}${separator}cursor=${encodeURIComponent(cursor)}`, token);
    expect(reply.status).toBe(200);
    expect(Object.keys(reply.body).sort()).toEqual(['items', 'next_cursor']);
    items.push(...(reply.body.items as T[]));
    cursor = reply.body.next_cursor;
    pages++;
    if (pages > 100) throw new Error('pagination does not end');
  } while (cursor !== null);
  return { items, pages };
}

/** The goal part of GET /goals/{id} (without `progress`). */
function withoutProgress(body: Goal & { progress?: Progress }): Goal {
  const { progress: _progress, ...goal } = body;
  return goal;
}

test('/health lists the goals service', async () => {
  const reply = await api.get('/health');
  expect(reply.status).toBe(200);
  expect(reply.body).toMatchObject({ status: 'ok', services: { goals: 'SERVING' } });
});

describe('POST /goals', () => {
  test('201 with the goal: exactly the documented fields, amounts as decimal strings, Location; what was answered is what is stored', async () => {
    const { token } = await newUser();
    const reply = await api.post('/goals', { name: '  Trip to Japan  ', target_amount: '2500.5', current_amount: '250.25', deadline: '2027-04-01', currency: 'EUR' }, token);
    expect(reply.status).toBe(201);
    expect(Object.keys(reply.body).sort()).toEqual(GOAL_FIELDS);
    expect(reply.body).toEqual({
      id: expect.stringMatching(UUID),
      name: 'Trip to Japan',
      target_amount: '2500.50',
      current_amount: '250.25',
      currency: 'EUR',
      deadline: '2027-04-01',
      status: 'active',
      created_at: expect.stringMatching(ISO_UTC),
      updated_at: expect.stringMatching(ISO_UTC),
    });
    expect(reply.headers.get('location')).toBe(`/goals/${reply.body.id}`);
    const stored = await goalOf(token, reply.body.id);
    expect(withoutProgress(stored)).toEqual(reply.body);
  });

  test('without current_amount it starts at "0" in the user’s base currency, with no deadline', async () => {
    const { token } = await newUser();
    expect(await createGoal(token)).toMatchObject({ target_amount: '1000.00', current_amount: '0.00', currency: 'USD', deadline: null, status: 'active' });
    expect(await createGoal(token, { current_amount: 0, deadline: null })).toMatchObject({ current_amount: '0.00', deadline: null });
    expect((await api.put('/users/me', { base_currency: 'JPY' }, token)).status).toBe(200);
    expect(await createGoal(token, { target_amount: 150000 })).toMatchObject({ target_amount: '150000', current_amount: '0', currency: 'JPY' });
  });

  test('JSON numbers are exact; the currency decides the decimals (JPY 0, KWD 3); started with enough → completed at once', async () => {
    const { token } = await newUser();
    expect(await createGoal(token, { target_amount: 0.1, current_amount: 0.05 })).toMatchObject({ target_amount: '0.10', current_amount: '0.05' });
    expect(await createGoal(token, { target_amount: '1.25', currency: 'KWD' })).toMatchObject({ target_amount: '1.250', current_amount: '0.000' });
    expect(await createGoal(token, { target_amount: '999999999999999.99' })).toMatchObject({ target_amount: '999999999999999.99' });
    expect(await createGoal(token, { target_amount: '100.00', current_amount: '100' })).toMatchObject({ current_amount: '100.00', status: 'completed' });
  });

  test('a user_id or status in the body has no effect: the goal is the caller’s, active', async () => {
    const a = await newUser();
    const b = await newUser();
    const goal = await createGoal(a.token, { user_id: b.user.id, id: randomUUID(), status: 'cancelled' });
    expect(goal.status).toBe('active');
    expect((await api.get(`/goals/${goal.id}`, a.token)).status).toBe(200);
    expectProblem(await api.get(`/goals/${goal.id}`, b.token), 404);
  });

  describe('422 for bad input, naming the field; nothing is created', () => {
    let token: string;
    beforeAll(async () => {
      ({ token } = await newUser('badgoal'));
    });

    test.each([
      ['target_amount "0"', { target_amount: '0' }, 'target_amount'],
      ['target_amount 0', { target_amount: 0 }, 'target_amount'],
      ['a negative target_amount', { target_amount: '-5.00' }, 'target_amount'],
      ['target_amount "12.345" in USD (3 decimals)', { target_amount: '12.345' }, 'target_amount'],
      ['target_amount "10.5" in JPY', { target_amount: '10.5', currency: 'JPY' }, 'target_amount'],
      ['target_amount "abc"', { target_amount: 'abc' }, 'target_amount'],
      ['no target_amount', { target_amount: undefined }, 'target_amount'],
      ['no name', { name: undefined }, 'name'],
      ['an empty name', { name: '' }, 'name'],
      ['a blank name', { name: '   ' }, 'name'],
      ['a name of 101 characters', { name: 'n'.repeat(101) }, 'name'],
      ['deadline 2026-02-30', { deadline: '2026-02-30' }, 'deadline'],
      ['deadline "next year"', { deadline: 'next year' }, 'deadline'],
      ['deadline 2026-3-1', { deadline: '2026-3-1' }, 'deadline'],
      ['a negative current_amount', { current_amount: '-1.00' }, 'current_amount'],
      ['current_amount "0.001" in USD', { current_amount: '0.001' }, 'current_amount'],
      ['an unknown currency', { currency: 'XYZ' }, 'currency'],
      ['a currency in lower case', { currency: 'eur' }, 'currency'],
    ])('%s', async (_name, change, path) => {
      expectInvalid(await api.post('/goals', { name: 'Bike', target_amount: '500.00', ...change }, token), path);
      expect((await api.get('/goals', token)).body.items).toEqual([]);
    });

    test('several invalid fields are all named', async () => {
      const body = expectProblem(await api.post('/goals', { name: '', target_amount: '0', deadline: '2026-13-01' }, token), 422);
      expect(body.errors!.map((e) => e.path).sort()).toEqual(['deadline', 'name', 'target_amount']);
      expect((await api.get('/goals', token)).body.items).toEqual([]);
    });
  });
});

describe('GET /goals', () => {
  test('pages through all of the caller’s goals, oldest first (limit, cursor, next_cursor null at the end), only the caller’s; ?status filters', async () => {
    const { token } = await newUser();
    const other = await newUser();
    await createGoal(other.token, { name: 'Not mine' });
    const made: Goal[] = [];
    for (let i = 0; i < 5; i++) made.push(await createGoal(token, { name: `Goal ${i}` }));
    const done = await createGoal(token, { name: 'Done', target_amount: '10.00', current_amount: '10.00' });
    const dropped = await createGoal(token, { name: 'Dropped' });
    expect((await api.put(`/goals/${dropped.id}`, { status: 'cancelled' }, token)).status).toBe(200);

    const { items, pages } = await walk<Goal>('/goals?limit=2', token);
    expect(pages).toBe(4);
    expect(items.map((g) => g.id)).toEqual([...made.map((g) => g.id), done.id, dropped.id]);
    for (const item of items) expect(Object.keys(item).sort()).toEqual(GOAL_FIELDS);

    expect((await walk<Goal>('/goals?status=completed', token)).items.map((g) => g.id)).toEqual([done.id]);
    expect((await walk<Goal>('/goals?status=cancelled', token)).items.map((g) => g.id)).toEqual([dropped.id]);
    expect((await walk<Goal>('/goals?status=active', token)).items.map((g) => g.id)).toEqual(made.map((g) => g.id));
  });

  test('422 for a bad limit or an unknown status', async () => {
    const { token } = await newUser();
    expectInvalid(await api.get('/goals?limit=0', token), 'limit');
    expectInvalid(await api.get('/goals?status=paused', token), 'status');
  });
});

describe('contributions: links to real transactions', () => {
  test('contribute a transaction: 201 with the contribution; current_amount grows; completed exactly on reaching the target ("100.00")', async () => {
    const { token } = await newUser();
    const goal = await createGoal(token, { target_amount: '100.00' });
    const first = await record(token, '60.00', { transaction_type: 'expense', description: 'to savings' });

    const reply = await api.post(`/goals/${goal.id}/contribute`, { transaction_id: first.id }, token);
    expect(reply.status).toBe(201);
    expect(Object.keys(reply.body).sort()).toEqual(CONTRIBUTION_FIELDS);
    expect(reply.body).toEqual({
      id: expect.stringMatching(UUID),
      goal_id: goal.id,
      transaction_id: first.id,
      amount: '60.00',
      currency: 'USD',
      goal_amount: '60.00',
      rate: '1',
      rate_date: first.date,
      transaction_date: first.date,
      created_at: expect.stringMatching(ISO_UTC),
    });
    expect(await goalOf(token, goal.id)).toMatchObject({ current_amount: '60.00', status: 'active', progress: { percent: '60.00', remaining: '40.00', contributions: 1 } });

    const second = await record(token, '55.55');
    expect(await contribute(token, goal.id, { transaction_id: second.id, amount: '40' })).toMatchObject({ amount: '40.00', transaction_id: second.id });
    expect(await goalOf(token, goal.id)).toMatchObject({
      current_amount: '100.00',
      status: 'completed',
      progress: { percent: '100.00', remaining: '0.00', contributions: 2 },
    });
  });

  test('the same transaction on the same goal twice → 409; the goal counts it once', async () => {
    const { token } = await newUser();
    const goal = await createGoal(token);
    const tx = await record(token, '100.00');
    await contribute(token, goal.id, { transaction_id: tx.id, amount: '10.00' });
    expectProblem(await api.post(`/goals/${goal.id}/contribute`, { transaction_id: tx.id, amount: '10.00' }, token), 409);
    expectProblem(await api.post(`/goals/${goal.id}/contribute`, { transaction_id: tx.id }, token), 409);
    expect((await goalOf(token, goal.id)).current_amount).toBe('10.00');
  });

  test('another user’s or an unknown transaction → 404; a malformed transaction_id → 422; nothing is stored', async () => {
    const { token } = await newUser();
    const other = await newUser();
    const goal = await createGoal(token);
    const theirs = await record(other.token, '50.00');
    expectProblem(await api.post(`/goals/${goal.id}/contribute`, { transaction_id: theirs.id }, token), 404);
    expectProblem(await api.post(`/goals/${goal.id}/contribute`, { transaction_id: randomUUID() }, token), 404);
    expectInvalid(await api.post(`/goals/${goal.id}/contribute`, { transaction_id: 'abc' }, token), 'transaction_id');
    expectInvalid(await api.post(`/goals/${goal.id}/contribute`, {}, token), 'transaction_id');
    expect((await goalOf(token, goal.id)).current_amount).toBe('0.00');
    expect((await api.get(`/goals/${goal.id}/contributions`, token)).body).toEqual({ items: [], next_cursor: null });
  });

  test('a contribution amount ≤ 0, too precise, or above the transaction’s → 422; more than the transaction over two goals → 422; nothing is stored', async () => {
    const { token } = await newUser();
    const a = await createGoal(token, { name: 'A' });
    const b = await createGoal(token, { name: 'B' });
    const tx = await record(token, '100.00');
    expectInvalid(await api.post(`/goals/${a.id}/contribute`, { transaction_id: tx.id, amount: '0' }, token), 'amount');
    expectInvalid(await api.post(`/goals/${a.id}/contribute`, { transaction_id: tx.id, amount: -5 }, token), 'amount');
    expectInvalid(await api.post(`/goals/${a.id}/contribute`, { transaction_id: tx.id, amount: '1.001' }, token), 'amount');
    expectProblem(await api.post(`/goals/${a.id}/contribute`, { transaction_id: tx.id, amount: '100.01' }, token), 422);

    await contribute(token, a.id, { transaction_id: tx.id, amount: '60.00' });
    expectProblem(await api.post(`/goals/${b.id}/contribute`, { transaction_id: tx.id, amount: '40.01' }, token), 422);
    // The default (the whole amount) is too much as well now.
    expectProblem(await api.post(`/goals/${b.id}/contribute`, { transaction_id: tx.id }, token), 422);
    expect((await goalOf(token, b.id)).current_amount).toBe('0.00');
    expect((await api.get(`/goals/${b.id}/contributions`, token)).body.items).toEqual([]);

    // Exactly what is left fits.
    expect((await contribute(token, b.id, { transaction_id: tx.id, amount: '40.00' })).amount).toBe('40.00');
    expect((await goalOf(token, a.id)).current_amount).toBe('60.00');
    expect((await goalOf(token, b.id)).current_amount).toBe('40.00');
  });

  test('a EUR transaction into a USD goal: converted at the ECB rate of its date (Monday 2026-03-16: 1.1478), rounded once, half-even; the limit stays in EUR', async () => {
    const { token } = await newUser();
    const goal = await createGoal(token, { target_amount: '200.00' });
    const yen = await createGoal(token, { name: 'Japan', target_amount: '100000', currency: 'JPY' });
    const euros = await record(token, '100.00', { currency: 'EUR', date: '2026-03-16' });

    // 60.00 EUR × 1.1478 = 68.868 → 68.87 USD
    const reply = await api.post(`/goals/${goal.id}/contribute`, { transaction_id: euros.id, amount: '60.00' }, token);
    expect(reply.status).toBe(201);
    expect(Object.keys(reply.body).sort()).toEqual(CONTRIBUTION_FIELDS);
    expect(reply.body).toMatchObject({ amount: '60.00', currency: 'EUR', goal_amount: '68.87', rate: '1.1478', rate_date: '2026-03-16', transaction_date: '2026-03-16' });
    expect(await goalOf(token, goal.id)).toMatchObject({ current_amount: '68.87', progress: { percent: '34.44', remaining: '131.13' } });
    const listed = (await api.get(`/goals/${goal.id}/contributions`, token)).body.items as Contribution[];
    expect(listed.map((c) => [c.amount, c.currency, c.goal_amount, c.rate, c.rate_date])).toEqual([['60.00', 'EUR', '68.87', '1.1478', '2026-03-16']]);

    // What is left of the transaction is counted in its own currency: 40.00 EUR, not a USD amount.
    expect(expectProblem(await api.post(`/goals/${yen.id}/contribute`, { transaction_id: euros.id, amount: '40.01' }, token), 422).code).toBe('GOALS_TRANSACTION_EXCEEDED');
    // 25.00 EUR × 182.66 = 4566.5 → 4566 JPY (half-even; JPY has no decimals)
    expect(await contribute(token, yen.id, { transaction_id: euros.id, amount: '25' })).toMatchObject({ amount: '25.00', currency: 'EUR', goal_amount: '4566', rate: '182.66' });
    expect((await goalOf(token, yen.id)).current_amount).toBe('4566');

    // A Sunday uses the Friday before: 10.00 EUR on 2026-03-15 at 2026-03-13's 1.1476 = 11.476 → 11.48 USD.
    const sunday = await record(token, '10.00', { currency: 'EUR', date: '2026-03-15' });
    expect(await contribute(token, goal.id, { transaction_id: sunday.id })).toMatchObject({ goal_amount: '11.48', rate: '1.1476', rate_date: '2026-03-13' });
    expect((await goalOf(token, goal.id)).current_amount).toBe('80.35');
  });

  test('a transaction in a currency without a usable ECB rate (RUB, suspended since 2022-03-01) → 422 RATE_UNAVAILABLE; nothing is stored', async () => {
    const { token } = await newUser();
    const goal = await createGoal(token);
    const roubles = await record(token, '1000.00', { currency: 'RUB', date: '2026-03-16' });
    const body = expectProblem(await api.post(`/goals/${goal.id}/contribute`, { transaction_id: roubles.id }, token), 422);
    expect(body.code).toBe('RATE_UNAVAILABLE');
    expect(JSON.stringify(body)).toMatch(/RUB/);
    expect((await goalOf(token, goal.id)).current_amount).toBe('0.00');
    expect((await api.get(`/goals/${goal.id}/contributions`, token)).body.items).toEqual([]);
  });

  test('DELETE /transactions/{id} lowers the goal within seconds, and a completed goal becomes active again', async () => {
    const { token } = await newUser();
    const goal = await createGoal(token, { target_amount: '100.00', current_amount: '20.00' });
    const kept = await record(token, '30.00');
    const deleted = await record(token, '50.00');
    await contribute(token, goal.id, { transaction_id: kept.id });
    await contribute(token, goal.id, { transaction_id: deleted.id });
    expect(await goalOf(token, goal.id)).toMatchObject({ current_amount: '100.00', status: 'completed' });

    expect((await api.delete(`/transactions/${deleted.id}`, token)).status).toBe(204);
    const lowered = await waitFor(
      async () => {
        const now = await goalOf(token, goal.id);
        return now.current_amount === '50.00' ? now : undefined;
      },
      { timeoutMs: 10_000, intervalMs: 100, message: 'the goal to go down after its transaction was deleted' },
    );
    expect(lowered).toMatchObject({ status: 'active', progress: { percent: '50.00', remaining: '50.00', contributions: 1 } });
    const { items } = await walk<Contribution>(`/goals/${goal.id}/contributions`, token);
    expect(items.map((c) => c.transaction_id)).toEqual([kept.id]);
  });

  test('contributions list (paged, oldest first) and delete: the goal goes down, the transaction stays', async () => {
    const { token } = await newUser();
    const goal = await createGoal(token, { target_amount: '50.00' });
    const other = await createGoal(token, { name: 'Other' });
    const made: Contribution[] = [];
    for (const amount of ['10.00', '12.50', '7.25']) made.push(await contribute(token, goal.id, { transaction_id: (await record(token, amount)).id }));
    await contribute(token, other.id, { transaction_id: (await record(token, '1.00')).id });

    const { items, pages } = await walk<Contribution>(`/goals/${goal.id}/contributions?limit=2`, token);
    expect(pages).toBe(2);
    expect(items).toEqual(made);
    for (const item of items) expect(Object.keys(item).sort()).toEqual(CONTRIBUTION_FIELDS);
    expect(await goalOf(token, goal.id)).toMatchObject({ current_amount: '29.75', progress: { contributions: 3 } });

    const undone = made[1]!;
    const reply = await api.delete(`/goals/${goal.id}/contributions/${undone.id}`, token);
    expect(reply.status).toBe(204);
    expect(reply.body).toBe('');
    expect(await goalOf(token, goal.id)).toMatchObject({ current_amount: '17.25', progress: { contributions: 2 } });
    expect((await walk<Contribution>(`/goals/${goal.id}/contributions`, token)).items.map((c) => c.id)).toEqual([made[0]!.id, made[2]!.id]);
    expect((await api.get(`/transactions/${undone.transaction_id}`, token)).status).toBe(200);
    // Gone now; and a contribution of another goal is not found under this one.
    expectProblem(await api.delete(`/goals/${goal.id}/contributions/${undone.id}`, token), 404);
    const [theirs] = (await api.get(`/goals/${other.id}/contributions`, token)).body.items as Contribution[];
    expectProblem(await api.delete(`/goals/${goal.id}/contributions/${theirs!.id}`, token), 404);
    // The transaction may be contributed again once its link is undone.
    expect((await contribute(token, goal.id, { transaction_id: undone.transaction_id })).amount).toBe('12.50');
  });
});

describe('GET /goals/{id}: progress', () => {
  test('percent with 2 places, remaining, contributions, saved_last_90_days; no deadline → monthly_needed and on_track null', async () => {
    const { token } = await newUser();
    const goal = await createGoal(token, { target_amount: '1000.00', current_amount: '352.00' });
    const fresh = await goalOf(token, goal.id);
    expect(Object.keys(fresh).sort()).toEqual([...GOAL_FIELDS, 'progress'].sort());
    expect(Object.keys(fresh.progress).sort()).toEqual(PROGRESS_FIELDS);
    expect(fresh.progress).toEqual({
      percent: '35.20',
      remaining: '648.00',
      contributions: 0,
      monthly_needed: null,
      projected_completion_date: null,
      on_track: null,
      saved_last_90_days: '0.00',
    });

    await contribute(token, goal.id, { transaction_id: (await record(token, '500.00')).id });
    const after = await goalOf(token, goal.id);
    expect(after.progress).toMatchObject({ percent: '85.20', remaining: '148.00', contributions: 1, monthly_needed: null, on_track: null, saved_last_90_days: '500.00' });
    // At the pace of the last 90 days (500.00 in 90 days) the remaining 148.00 take 27 more days (26.64, rounded up).
    expect(after.progress.projected_completion_date).toBe(addDays(todayUtc(), 27));

    // Beyond the target: percent above 100, remaining never negative, reached = on track.
    await contribute(token, goal.id, { transaction_id: (await record(token, '300.00')).id });
    expect((await goalOf(token, goal.id)).progress).toMatchObject({ percent: '115.20', remaining: '0.00', contributions: 2, projected_completion_date: null, on_track: true });
  });

  test('with a deadline: percent "50.00", monthly_needed per month left (a started month counts), on_track from the projection', async () => {
    const { token } = await newUser();
    const today = todayUtc();
    // Exactly three months out: three months left, whatever today is.
    const goal = await createGoal(token, { target_amount: '900.00', deadline: addMonths(today, 3) });
    expect((await goalOf(token, goal.id)).progress).toEqual({
      percent: '0.00',
      remaining: '900.00',
      contributions: 0,
      monthly_needed: '300.00',
      projected_completion_date: null,
      // A deadline and no pace: not on track.
      on_track: false,
      saved_last_90_days: '0.00',
    });

    await contribute(token, goal.id, { transaction_id: (await record(token, '450.00')).id });
    const half = await goalOf(token, goal.id);
    // 450.00 in the last 90 days: the other 450.00 take 90 more days.
    expect(half.progress).toEqual({
      percent: '50.00',
      remaining: '450.00',
      contributions: 1,
      monthly_needed: '150.00',
      projected_completion_date: addDays(today, 90),
      on_track: half.progress.projected_completion_date! <= half.deadline!,
      saved_last_90_days: '450.00',
    });

    // Landing exactly on the deadline is on track; a day earlier is missed at that pace.
    expect((await api.put(`/goals/${goal.id}`, { deadline: addDays(today, 90) }, token)).status).toBe(200);
    expect((await goalOf(token, goal.id)).progress.on_track).toBe(true);
    expect((await api.put(`/goals/${goal.id}`, { deadline: addDays(today, 89) }, token)).status).toBe(200);
    expect((await goalOf(token, goal.id)).progress.on_track).toBe(false);
    // Ten days out is within one month: all that remains, this month.
    expect((await api.put(`/goals/${goal.id}`, { deadline: addDays(today, 10) }, token)).status).toBe(200);
    expect((await goalOf(token, goal.id)).progress).toMatchObject({ monthly_needed: '450.00', on_track: false });
    // A deadline in the past: all that remains is needed now.
    expect((await api.put(`/goals/${goal.id}`, { deadline: addDays(today, -1) }, token)).status).toBe(200);
    expect((await goalOf(token, goal.id)).progress).toMatchObject({ monthly_needed: '450.00', on_track: false });

    // Rounded up to the cent, so that saving it every month reaches the target: 100.00 over 3 months.
    const odd = await createGoal(token, { target_amount: '100.00', deadline: addMonths(today, 3) });
    expect((await goalOf(token, odd.id)).progress.monthly_needed).toBe('33.34');
  });
});

describe('GET /goals/{id}/progress', () => {
  test('one point per day that changed current_amount, cumulative exact decimals, ascending; from/to narrow it', async () => {
    const { token } = await newUser();
    const today = todayUtc();
    const goal = await createGoal(token, { target_amount: '1000.00', current_amount: '100.00' });
    const day1 = addDays(today, 1);
    const day5 = addDays(today, 5);
    // Money put aside before the goal existed counts on the day it was created.
    await contribute(token, goal.id, { transaction_id: (await record(token, '10.00', { date: addDays(today, -3) })).id });
    // Transactions dated ahead (planned transfers) each add a point on their date; two on one day make one point.
    await contribute(token, goal.id, { transaction_id: (await record(token, '50.00', { date: day1 })).id });
    await contribute(token, goal.id, { transaction_id: (await record(token, '0.10', { date: day1 })).id });
    await contribute(token, goal.id, { transaction_id: (await record(token, '25.45', { date: day5 })).id, amount: '25.40' });

    const all = await api.get(`/goals/${goal.id}/progress`, token);
    expect(all.status).toBe(200);
    expect(all.body).toEqual({
      items: [
        { date: today, amount: '110.00' },
        { date: day1, amount: '160.10' },
        { date: day5, amount: '185.50' },
      ],
    });
    expect((await goalOf(token, goal.id)).current_amount).toBe('185.50');

    // The amounts stay cumulative when the range is narrowed.
    expect((await api.get(`/goals/${goal.id}/progress?from=${day1}`, token)).body).toEqual({
      items: [
        { date: day1, amount: '160.10' },
        { date: day5, amount: '185.50' },
      ],
    });
    expect((await api.get(`/goals/${goal.id}/progress?to=${addDays(today, 4)}`, token)).body).toEqual({
      items: [
        { date: today, amount: '110.00' },
        { date: day1, amount: '160.10' },
      ],
    });
    expect((await api.get(`/goals/${goal.id}/progress?from=${day5}&to=${day5}`, token)).body).toEqual({ items: [{ date: day5, amount: '185.50' }] });
    expect((await api.get(`/goals/${goal.id}/progress?from=${addDays(today, 2)}&to=${addDays(today, 4)}`, token)).body).toEqual({ items: [] });
  });

  test('422 for a date that is not one, or from after to', async () => {
    const { token } = await newUser();
    const goal = await createGoal(token);
    expectInvalid(await api.get(`/goals/${goal.id}/progress?from=2026-02-30`, token), 'from');
    expectInvalid(await api.get(`/goals/${goal.id}/progress?to=soon`, token), 'to');
    expectInvalid(await api.get(`/goals/${goal.id}/progress?from=2026-04-01&to=2026-03-01`, token), 'from');
  });
});

describe('PUT /goals/{id}', () => {
  test('changes the fields given; deadline null clears it; cancel and back to active; completed cannot be set', async () => {
    const { token } = await newUser();
    const goal = await createGoal(token, { deadline: '2027-01-31', current_amount: '100.00' });

    const renamed = await api.put(`/goals/${goal.id}`, { name: ' Road bike ' }, token);
    expect(renamed.status).toBe(200);
    expect(Object.keys(renamed.body).sort()).toEqual(GOAL_FIELDS);
    expect(renamed.body).toMatchObject({ id: goal.id, name: 'Road bike', target_amount: '1000.00', current_amount: '100.00', deadline: '2027-01-31', status: 'active' });

    expect((await api.put(`/goals/${goal.id}`, { deadline: null }, token)).body.deadline).toBeNull();
    expect((await api.put(`/goals/${goal.id}`, { status: 'cancelled' }, token)).body.status).toBe('cancelled');
    expect((await api.get('/goals?status=cancelled', token)).body.items.map((g: Goal) => g.id)).toEqual([goal.id]);
    // A cancelled goal takes no contributions until it is active again.
    const tx = await record(token, '5.00');
    expectProblem(await api.post(`/goals/${goal.id}/contribute`, { transaction_id: tx.id }, token), 409);
    expect((await api.put(`/goals/${goal.id}`, { status: 'active' }, token)).body.status).toBe('active');
    await contribute(token, goal.id, { transaction_id: tx.id });

    const refused = expectInvalid(await api.put(`/goals/${goal.id}`, { status: 'completed' }, token), 'status');
    expect(refused.errors![0]!.message).toMatch(/completed/);
    expectInvalid(await api.put(`/goals/${goal.id}`, { status: 'paused' }, token), 'status');

    // The status follows the amounts: a target at or below what was saved completes the goal, and back.
    expect((await api.put(`/goals/${goal.id}`, { target_amount: '105.00' }, token)).body).toMatchObject({ target_amount: '105.00', current_amount: '105.00', status: 'completed' });
    expect((await api.put(`/goals/${goal.id}`, { target_amount: 105.01 }, token)).body).toMatchObject({ target_amount: '105.01', status: 'active' });

    const stored = await goalOf(token, goal.id);
    expect(withoutProgress(stored)).toMatchObject({ name: 'Road bike', deadline: null, status: 'active', target_amount: '105.01', current_amount: '105.00' });
  });

  test('422 for bad fields, nothing changed', async () => {
    const { token } = await newUser();
    const goal = await createGoal(token);
    for (const [change, path] of [
      [{ target_amount: '0' }, 'target_amount'],
      [{ target_amount: '5.001' }, 'target_amount'],
      [{ name: '' }, 'name'],
      [{ name: 'n'.repeat(101) }, 'name'],
      [{ deadline: '2026-04-31' }, 'deadline'],
      [{ current_amount: '-1' }, 'current_amount'],
    ] as const) {
      expectInvalid(await api.put(`/goals/${goal.id}`, change, token), path);
    }
    expect(withoutProgress(await goalOf(token, goal.id))).toEqual(goal);
  });
});

describe('DELETE /goals/{id}', () => {
  test('204; the goal and its contributions are gone, the transaction stays and may go to another goal', async () => {
    const { token } = await newUser();
    const goal = await createGoal(token);
    const tx = await record(token, '80.00');
    await contribute(token, goal.id, { transaction_id: tx.id });
    const reply = await api.delete(`/goals/${goal.id}`, token);
    expect(reply.status).toBe(204);
    expect(reply.body).toBe('');
    expectProblem(await api.get(`/goals/${goal.id}`, token), 404);
    expectProblem(await api.delete(`/goals/${goal.id}`, token), 404);
    expect((await api.get(`/transactions/${tx.id}`, token)).status).toBe(200);
    const next = await createGoal(token, { name: 'Next' });
    expect((await contribute(token, next.id, { transaction_id: tx.id })).amount).toBe('80.00');
  });
});

describe('another user’s goal is 404 on every goals path, and stays as it was', () => {
  test('GET, PUT, DELETE, progress, contribute, contributions, delete contribution', async () => {
    const owner = await newUser();
    const intruder = await newUser();
    const goal = await createGoal(owner.token, { target_amount: '200.00' });
    const contribution = await contribute(owner.token, goal.id, { transaction_id: (await record(owner.token, '20.00')).id });
    const theirTx = await record(intruder.token, '5.00');

    const attempts = [
      () => api.get(`/goals/${goal.id}`, intruder.token),
      () => api.put(`/goals/${goal.id}`, { name: 'Mine now', status: 'cancelled' }, intruder.token),
      () => api.get(`/goals/${goal.id}/progress`, intruder.token),
      () => api.post(`/goals/${goal.id}/contribute`, { transaction_id: theirTx.id }, intruder.token),
      () => api.get(`/goals/${goal.id}/contributions`, intruder.token),
      () => api.delete(`/goals/${goal.id}/contributions/${contribution.id}`, intruder.token),
      () => api.delete(`/goals/${goal.id}`, intruder.token),
    ];
    for (const attempt of attempts) expectProblem(await attempt(), 404);
    // The same answer as for ids that do not exist at all, and for malformed ones.
    expectProblem(await api.get(`/goals/${randomUUID()}`, intruder.token), 404);
    expectProblem(await api.get('/goals/not-an-id', intruder.token), 404);
    expectProblem(await api.delete(`/goals/${goal.id}/contributions/not-an-id`, owner.token), 404);

    expect(await goalOf(owner.token, goal.id)).toMatchObject({ name: 'New bike', status: 'active', current_amount: '20.00', progress: { contributions: 1 } });
    expect((await api.get('/goals', intruder.token)).body.items).toEqual([]);
  });
});

describe('every goals path needs a token', () => {
  test.each([
    ['POST', '/goals'],
    ['GET', '/goals'],
    ['GET', `/goals/${randomUUID()}`],
    ['GET', `/goals/${randomUUID()}/progress`],
    ['POST', `/goals/${randomUUID()}/contribute`],
    ['GET', `/goals/${randomUUID()}/contributions`],
    ['DELETE', `/goals/${randomUUID()}/contributions/${randomUUID()}`],
  ])('%s %s → 401', async (method, path) => {
    expectProblem(await api.request(method, path, method === 'POST' ? { json: {} } : {}), 401);
  });
});
