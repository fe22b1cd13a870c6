import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { goalsV1 } from '@finance/proto';
import { GrpcStub, stubError } from '@finance/testing';
import { CREATED_AT, money, protoDate, UPDATED_AT } from './support/builders.js';
import { bearer, startTestGateway, type TestGateway } from './support/gateway.js';
import { expectProblem, type Res } from './support/problems.js';
import { DEADLINE_DETAIL, UNAVAILABLE_DETAIL } from './support/upstream-failures.js';

// The goals routes (API.md Version 3) against a scripted GoalsService over real gRPC: what each
// route sends, what it answers, what it refuses before any RPC, and how the service's verdicts come
// out.

const { GoalStatus } = goalsV1;
type GoalsStub = GrpcStub<typeof goalsV1.GoalsServiceService>;

/** A gateway whose goals client talks to its own GoalsService stub. */
async function startGoalsGateway(env: Record<string, string> = {}) {
  const goals: GoalsStub = await GrpcStub.start(goalsV1.GoalsServiceService);
  const gw = await startTestGateway({ GOALS_GRPC_ADDR: goals.address, ...env });
  return {
    gw,
    goals,
    async close() {
      await gw.close();
      await goals.stop();
    },
  };
}

let gw: TestGateway;
let goals: GoalsStub;
let closeAll: () => Promise<void>;
beforeAll(async () => {
  ({ gw, goals, close: closeAll } = await startGoalsGateway());
});
afterAll(async () => {
  await closeAll();
});

let userId: string;
let token: string;
beforeEach(async () => {
  gw.reset();
  goals.reset();
  ({ userId, token } = await gw.caller());
  // By default the service answers the goal it is sent (USD when no currency is given).
  goals.on('createGoal', (req) => ({ goal: fromRequest(req) }));
  goals.on('updateGoal', (req) => ({ goal: { ...fromRequest(req), id: req.id } }));
});

// ---------------------------------------------------------------------------------------------
// Answers as the goals service puts them on the wire

const protoGoal = (fields: Partial<goalsV1.Goal> = {}): goalsV1.Goal => ({
  id: randomUUID(),
  userId: randomUUID(),
  name: 'New bike',
  targetAmount: money('1000.00'),
  currentAmount: money('0.00'),
  deadline: undefined,
  status: GoalStatus.GOAL_STATUS_ACTIVE,
  createdAt: CREATED_AT,
  updatedAt: UPDATED_AT,
  ...fields,
});

const protoProgress = (fields: Partial<goalsV1.GoalProgress> = {}): goalsV1.GoalProgress => ({
  percent: '0.00',
  remaining: money('1000.00'),
  contributions: 0,
  monthlyNeeded: undefined,
  projectedCompletionDate: undefined,
  onTrack: undefined,
  savedLast90Days: money('0.00'),
  ...fields,
});

const protoContribution = (fields: Partial<goalsV1.Contribution> = {}): goalsV1.Contribution => ({
  id: randomUUID(),
  goalId: randomUUID(),
  transactionId: randomUUID(),
  amount: money('25.00'),
  transactionDate: protoDate('2026-03-14'),
  createdAt: CREATED_AT,
  goalAmount: fields.amount ?? money('25.00'),
  rate: '1',
  rateDate: fields.transactionDate ?? protoDate('2026-03-14'),
  ...fields,
});

/** The goal a goals service would answer for `req`. */
const fromRequest = (req: goalsV1.CreateGoalRequest | goalsV1.UpdateGoalRequest) => {
  const currency = ('currency' in req && req.currency) || 'USD';
  return protoGoal({
    ...(req.name !== undefined ? { name: req.name } : {}),
    ...(req.targetAmount !== undefined ? { targetAmount: money(req.targetAmount, currency) } : {}),
    currentAmount: money(req.currentAmount ?? '0', currency),
    ...(req.deadline ? { deadline: req.deadline } : {}),
    ...('status' in req && req.status ? { status: req.status } : {}),
  });
};

const goalNotFound = () => stubError('not_found', 'GOALS_GOAL_NOT_FOUND', 'Goal not found.');

const GOAL_KEYS = ['created_at', 'currency', 'current_amount', 'deadline', 'id', 'name', 'status', 'target_amount', 'updated_at'];
const PROGRESS_KEYS = ['contributions', 'monthly_needed', 'on_track', 'percent', 'projected_completion_date', 'remaining', 'saved_last_90_days'];
const CONTRIBUTION_KEYS = ['amount', 'created_at', 'currency', 'goal_amount', 'goal_id', 'id', 'rate', 'rate_date', 'transaction_date', 'transaction_id'];
const valid = { name: 'New bike', target_amount: '1000.00' };

const post = (url: string, payload: unknown, t = token) => gw.app.inject({ method: 'POST', url, headers: bearer(t), payload: payload as object });
const postRaw = (url: string, text: string) => gw.app.inject({ method: 'POST', url, headers: { ...bearer(token), 'content-type': 'application/json' }, payload: text });
const get = (url: string, t = token) => gw.app.inject({ method: 'GET', url, headers: bearer(t) });
const put = (id: string, payload: unknown, t = token) => gw.app.inject({ method: 'PUT', url: `/goals/${id}`, headers: bearer(t), payload: payload as object });
const del = (url: string, t = token) => gw.app.inject({ method: 'DELETE', url, headers: bearer(t) });

/** A 422 naming exactly these fields, decided by the gateway: the goals service was not asked. */
async function expectRefusedByGateway(send: () => Promise<Res>, paths: string[]) {
  const before = goals.calls.length;
  const body = expectProblem(await send(), 422, 'VALIDATION_FAILED');
  expect((body.errors as { path: string }[]).map((e) => e.path).sort()).toEqual([...paths].sort());
  for (const error of body.errors) expect(error.message).toEqual(expect.any(String));
  expect(goals.calls).toHaveLength(before);
  return body;
}

/** The service refuses `rpc` with its 422 naming `path`; the answer passes through with code, message and field. */
async function expectRefusedByService(rpc: 'createGoal' | 'updateGoal' | 'contribute', send: () => Promise<Res>, code: string, path: string, message: string) {
  goals.fail(rpc, stubError('invalid_argument', code, `${path}: ${message}`, { errors: [{ path, message }] }));
  const body = expectProblem(await send(), 422, code);
  expect(body.errors).toEqual([{ path, message }]);
  expect(body.detail).toBe(`${path}: ${message}`);
  expect(goals.callsOf(rpc)).toHaveLength(1);
  return body;
}

describe('POST /goals', () => {
  it('sends every field to CreateGoal and answers 201 with the goal in snake_case', async () => {
    const res = await post('/goals', { name: '  Trip to Japan  ', target_amount: '250000', current_amount: '30000', deadline: '2027-04-01', currency: 'JPY' });
    expect(res.statusCode).toBe(201);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(goals.lastRequest('createGoal')).toEqual({
      userId,
      name: 'Trip to Japan',
      targetAmount: '250000',
      currentAmount: '30000',
      deadline: { year: 2027, month: 4, day: 1 },
      currency: 'JPY',
    });
    const body = res.json();
    expect(Object.keys(body).sort()).toEqual(GOAL_KEYS);
    expect(body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: 'Trip to Japan',
      target_amount: '250000',
      current_amount: '30000',
      currency: 'JPY',
      deadline: '2027-04-01',
      status: 'active',
      created_at: CREATED_AT.toISOString(),
      updated_at: UPDATED_AT.toISOString(),
    });
    expect(res.headers.location).toBe(`/goals/${body.id}`);
  });

  it('without the optional fields none is sent; the service’s answer (base currency, "0" saved) comes back with deadline null', async () => {
    goals.answer('createGoal', { goal: protoGoal({ targetAmount: money('1000', 'EUR'), currentAmount: money('0', 'EUR') }) });
    const res = await post('/goals', valid);
    expect(res.statusCode).toBe(201);
    expect(goals.lastRequest('createGoal')).toEqual({ userId, name: 'New bike', targetAmount: '1000.00', currentAmount: undefined, deadline: undefined, currency: undefined });
    expect(res.json()).toMatchObject({ target_amount: '1000.00', current_amount: '0.00', currency: 'EUR', deadline: null, status: 'active' });
  });

  it('deadline null counts as not given', async () => {
    const res = await post('/goals', { ...valid, deadline: null });
    expect(res.statusCode).toBe(201);
    expect(goals.lastRequest('createGoal').deadline).toBeUndefined();
    expect(res.json().deadline).toBeNull();
  });

  it('current_amount may be zero, written any way; it travels as the exact decimal given', async () => {
    for (const [given, sent] of [
      ['0', '0'],
      ['0.00', '0.00'],
      [0, '0'],
      ['150.5', '150.5'],
      [150.5, '150.5'],
    ] as const) {
      const res = await post('/goals', { ...valid, current_amount: given });
      expect([given, res.statusCode]).toEqual([given, 201]);
      expect(goals.lastRequest('createGoal').currentAmount).toBe(sent);
    }
    expect((await postRaw('/goals', '{"name": "x", "target_amount": 1e3, "current_amount": 0e0}')).statusCode).toBe(201);
    expect(goals.lastRequest('createGoal')).toMatchObject({ targetAmount: '1000', currentAmount: '0' });
  });

  it('a goal started with enough saved is completed at once (the service’s status comes back by name)', async () => {
    goals.answer('createGoal', { goal: protoGoal({ targetAmount: money('100.00'), currentAmount: money('120.00'), status: GoalStatus.GOAL_STATUS_COMPLETED }) });
    expect((await post('/goals', { ...valid, target_amount: '100', current_amount: '120' })).json()).toMatchObject({
      target_amount: '100.00',
      current_amount: '120.00',
      status: 'completed',
    });
  });

  it('a JSON number amount travels as its exact decimal string; the answer has the currency’s decimals (JPY 0, KWD 3)', async () => {
    for (const [amount, currency, sent, shown] of [
      [0.1, 'USD', '0.1', '0.10'],
      [250, 'USD', '250', '250.00'],
      [50000, 'JPY', '50000', '50000'],
      ['1.25', 'KWD', '1.25', '1.250'],
    ] as const) {
      const res = await post('/goals', { ...valid, target_amount: amount, currency });
      expect(res.statusCode).toBe(201);
      expect(goals.lastRequest('createGoal').targetAmount).toBe(sent);
      expect(res.json()).toMatchObject({ target_amount: shown, current_amount: currency === 'JPY' ? '0' : currency === 'KWD' ? '0.000' : '0.00', currency });
    }
  });

  it('a user_id, id or status in the body has no effect', async () => {
    const other = randomUUID();
    const res = await post('/goals', { ...valid, user_id: other, id: other, status: 'completed' });
    expect(res.statusCode).toBe(201);
    expect(goals.lastRequest('createGoal')).toEqual({ userId, name: 'New bike', targetAmount: '1000.00', currentAmount: undefined, deadline: undefined, currency: undefined });
  });

  describe('422 from the gateway, naming the field, before any RPC', () => {
    it.each([
      ['no target_amount', { target_amount: undefined }, ['target_amount']],
      ['target_amount null', { target_amount: null }, ['target_amount']],
      ['target_amount "0"', { target_amount: '0' }, ['target_amount']],
      ['target_amount 0', { target_amount: 0 }, ['target_amount']],
      ['target_amount "0.00"', { target_amount: '0.00' }, ['target_amount']],
      ['a negative target_amount', { target_amount: '-5.00' }, ['target_amount']],
      ['a negative JSON number', { target_amount: -5 }, ['target_amount']],
      ['target_amount "abc"', { target_amount: 'abc' }, ['target_amount']],
      ['target_amount "1e3" (a string)', { target_amount: '1e3' }, ['target_amount']],
      ['target_amount "1,000.00"', { target_amount: '1,000.00' }, ['target_amount']],
      ['16 integer digits', { target_amount: '1234567890123456' }, ['target_amount']],
      ['more digits than a double carries', { target_amount: 0.30000000000000004 }, ['target_amount']],
      ['no name', { name: undefined }, ['name']],
      ['name null', { name: null }, ['name']],
      ['an empty name', { name: '' }, ['name']],
      ['a blank name', { name: '   ' }, ['name']],
      ['a name of 101 characters', { name: 'n'.repeat(101) }, ['name']],
      ['a name that is a number', { name: 7 }, ['name']],
      ['deadline 2026-02-30', { deadline: '2026-02-30' }, ['deadline']],
      ['deadline 2025-02-29 (not a leap year)', { deadline: '2025-02-29' }, ['deadline']],
      ['deadline "tomorrow"', { deadline: 'tomorrow' }, ['deadline']],
      ['deadline 2026-3-1', { deadline: '2026-3-1' }, ['deadline']],
      ['deadline with a time', { deadline: '2026-03-01T00:00:00Z' }, ['deadline']],
      ['deadline as a number', { deadline: 20260301 }, ['deadline']],
      ['current_amount "-1"', { current_amount: '-1' }, ['current_amount']],
      ['current_amount -0.01', { current_amount: -0.01 }, ['current_amount']],
      ['current_amount "abc"', { current_amount: 'abc' }, ['current_amount']],
      ['current_amount null', { current_amount: null }, ['current_amount']],
      ['current_amount "00"', { current_amount: '00' }, ['current_amount']],
      ['currency in lower case', { currency: 'usd' }, ['currency']],
      ['currency null', { currency: null }, ['currency']],
      ['several fields at once', { name: '', target_amount: 'x', deadline: '2026-13-01', currency: 'x' }, ['currency', 'deadline', 'name', 'target_amount']],
    ])('%s', async (_name, change, paths) => {
      await expectRefusedByGateway(() => post('/goals', { ...valid, ...change }), paths);
    });

    it('a negative current_amount is named for what it is (zero is allowed)', async () => {
      const body = await expectRefusedByGateway(() => post('/goals', { ...valid, current_amount: '-1' }), ['current_amount']);
      expect(body.errors[0].message).toBe('Amount must not be negative');
    });

    it('a JSON number written with an exponent beyond 15 integer digits (5e2 is read as "500")', async () => {
      const body = await expectRefusedByGateway(() => postRaw('/goals', '{"name": "x", "target_amount": 5e15}'), ['target_amount']);
      expect(body.errors[0].message).toMatch(/too large/);
      await expectRefusedByGateway(() => postRaw('/goals', '{"name": "x", "target_amount": 5, "current_amount": 5e15}'), ['current_amount']);
      expect((await postRaw('/goals', '{"name": "x", "target_amount": 5e2}')).statusCode).toBe(201);
      expect(goals.lastRequest('createGoal').targetAmount).toBe('500');
    });

    it('a name of 100 characters (emoji count as one) is fine', async () => {
      expect((await post('/goals', { ...valid, name: 'n'.repeat(100) })).statusCode).toBe(201);
      expect((await post('/goals', { ...valid, name: '💶'.repeat(100) })).statusCode).toBe(201);
      await expectRefusedByGateway(() => post('/goals', { ...valid, name: '💶'.repeat(101) }), ['name']);
    });
  });

  it.each([
    ['"12.345" in USD (too precise)', { target_amount: '12.345' }, 'target_amount'],
    ['"10.5" in JPY', { target_amount: '10.5', currency: 'JPY' }, 'target_amount'],
    ['current_amount "0.001" in USD', { current_amount: '0.001' }, 'current_amount'],
    ['an unknown currency', { currency: 'XYZ' }, 'currency'],
  ])('what only the service can judge (%s) is forwarded as given; its 422 passes through', async (_name, change, path) => {
    await expectRefusedByService('createGoal', () => post('/goals', { ...valid, ...change }), 'GOALS_INVALID_FIELDS', path, 'is invalid');
  });

  it('400 without a body, 415 for a non-JSON body', async () => {
    expectProblem(await gw.app.inject({ method: 'POST', url: '/goals', headers: bearer(token) }), 400, 'BODY_NOT_OBJECT');
    expectProblem(
      await gw.app.inject({ method: 'POST', url: '/goals', headers: { ...bearer(token), 'content-type': 'text/plain' }, payload: 'name=x' }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
    expect(goals.calls).toHaveLength(0);
  });
});

describe('GET /goals', () => {
  it('a page of the service’s goals in its order; limit and cursor pass through both ways; next_cursor null on the last page', async () => {
    const mine = ['A', 'B', 'C'].map((name) => protoGoal({ name }));
    goals.on('listGoals', (req) =>
      req.page?.cursor === '' ? { items: [mine[0]!, mine[1]!], page: { nextCursor: 'opaque-cursor/2' } } : { items: [mine[2]!], page: { nextCursor: '' } },
    );

    const first = await get('/goals?limit=2');
    expect(first.statusCode).toBe(200);
    expect(goals.lastRequest('listGoals')).toEqual({ userId, page: { limit: 2, cursor: '' }, status: GoalStatus.GOAL_STATUS_UNSPECIFIED });
    const page = first.json();
    expect(page.items.map((g: { id: string }) => g.id)).toEqual([mine[0]!.id, mine[1]!.id]);
    expect(Object.keys(page.items[0]).sort()).toEqual(GOAL_KEYS);
    expect(page.next_cursor).toBe('opaque-cursor/2');

    const second = await get(`/goals?limit=2&cursor=${encodeURIComponent(page.next_cursor)}`);
    expect(goals.lastRequest('listGoals')).toEqual({ userId, page: { limit: 2, cursor: 'opaque-cursor/2' }, status: GoalStatus.GOAL_STATUS_UNSPECIFIED });
    expect(second.json()).toEqual({ items: [expect.objectContaining({ id: mine[2]!.id, name: 'C' })], next_cursor: null });
  });

  it('each item in full', async () => {
    const yen = protoGoal({ name: 'Trip', targetAmount: money('250000', 'JPY'), currentAmount: money('250000', 'JPY'), status: GoalStatus.GOAL_STATUS_COMPLETED });
    const dated = protoGoal({ currentAmount: money('12.3'), deadline: protoDate('2024-02-29'), status: GoalStatus.GOAL_STATUS_CANCELLED });
    goals.answer('listGoals', { items: [yen, dated], page: { nextCursor: '' } });
    expect((await get('/goals')).json().items).toEqual([
      {
        id: yen.id,
        name: 'Trip',
        target_amount: '250000',
        current_amount: '250000',
        currency: 'JPY',
        deadline: null,
        status: 'completed',
        created_at: CREATED_AT.toISOString(),
        updated_at: UPDATED_AT.toISOString(),
      },
      {
        id: dated.id,
        name: 'New bike',
        target_amount: '1000.00',
        current_amount: '12.30',
        currency: 'USD',
        deadline: '2024-02-29',
        status: 'cancelled',
        created_at: CREATED_AT.toISOString(),
        updated_at: UPDATED_AT.toISOString(),
      },
    ]);
  });

  it.each([
    ['active', GoalStatus.GOAL_STATUS_ACTIVE],
    ['completed', GoalStatus.GOAL_STATUS_COMPLETED],
    ['cancelled', GoalStatus.GOAL_STATUS_CANCELLED],
  ] as const)('?status=%s filters by that status', async (status, value) => {
    goals.answer('listGoals', { items: [], page: { nextCursor: '' } });
    expect((await get(`/goals?status=${status}`)).statusCode).toBe(200);
    expect(goals.lastRequest('listGoals').status).toBe(value);
  });

  it('limit defaults to 50; unknown parameters are ignored; no goals → an empty page', async () => {
    goals.answer('listGoals', { items: [], page: { nextCursor: '' } });
    const res = await get(`/goals?sort=name&user_id=${randomUUID()}`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ items: [], next_cursor: null });
    expect(goals.lastRequest('listGoals')).toEqual({ userId, page: { limit: 50, cursor: '' }, status: GoalStatus.GOAL_STATUS_UNSPECIFIED });
  });

  it.each([
    ['limit=0', 'limit'],
    ['limit=201', 'limit'],
    ['limit=x', 'limit'],
    ['status=done', 'status'],
    ['status=Active', 'status'],
    ['status=', 'status'],
  ])('422 for ?%s, before any RPC', async (query, path) => {
    await expectRefusedByGateway(() => get(`/goals?${query}`), [path]);
  });

  it('a tampered cursor → the service’s 422 naming cursor', async () => {
    goals.fail('listGoals', stubError('invalid_argument', 'GOALS_INVALID_CURSOR', 'cursor: is not a cursor this service issued', { errors: [{ path: 'cursor', message: 'is not a cursor this service issued' }] }));
    const body = expectProblem(await get('/goals?cursor=garbage'), 422, 'GOALS_INVALID_CURSOR');
    expect(body.errors).toEqual([{ path: 'cursor', message: 'is not a cursor this service issued' }]);
    expect(goals.lastRequest('listGoals').page?.cursor).toBe('garbage');
  });
});

describe('GET /goals/{id}', () => {
  it('the goal with its progress: exact decimals in the goal currency, every field', async () => {
    const goal = protoGoal({ targetAmount: money('1000.00'), currentAmount: money('852.00'), deadline: protoDate('2026-12-31') });
    goals.answer('getGoal', {
      goal,
      progress: protoProgress({
        percent: '85.20',
        remaining: money('148.00'),
        contributions: 3,
        monthlyNeeded: money('16.45'),
        projectedCompletionDate: protoDate('2026-06-30'),
        onTrack: true,
        savedLast90Days: money('300.00'),
      }),
    });
    const res = await get(`/goals/${goal.id.toUpperCase()}`);
    expect(res.statusCode).toBe(200);
    expect(goals.lastRequest('getGoal')).toEqual({ userId, id: goal.id });
    const body = res.json();
    expect(Object.keys(body).sort()).toEqual([...GOAL_KEYS, 'progress'].sort());
    expect(Object.keys(body.progress).sort()).toEqual(PROGRESS_KEYS);
    expect(body).toEqual({
      id: goal.id,
      name: 'New bike',
      target_amount: '1000.00',
      current_amount: '852.00',
      currency: 'USD',
      deadline: '2026-12-31',
      status: 'active',
      created_at: CREATED_AT.toISOString(),
      updated_at: UPDATED_AT.toISOString(),
      progress: {
        percent: '85.20',
        remaining: '148.00',
        contributions: 3,
        monthly_needed: '16.45',
        projected_completion_date: '2026-06-30',
        on_track: true,
        saved_last_90_days: '300.00',
      },
    });
  });

  it('without a deadline and without a pace: monthly_needed, projected_completion_date and on_track are null', async () => {
    const goal = protoGoal();
    goals.answer('getGoal', { goal, progress: protoProgress() });
    expect((await get(`/goals/${goal.id}`)).json().progress).toEqual({
      percent: '0.00',
      remaining: '1000.00',
      contributions: 0,
      monthly_needed: null,
      projected_completion_date: null,
      on_track: null,
      saved_last_90_days: '0.00',
    });
  });

  it('behind schedule: on_track false (not null); over the target: percent above 100, remaining "0.00"; JPY has no decimals', async () => {
    const late = protoGoal({ deadline: protoDate('2026-04-01') });
    goals.answer('getGoal', { goal: late, progress: protoProgress({ monthlyNeeded: money('1000.00'), onTrack: false }) });
    expect((await get(`/goals/${late.id}`)).json().progress).toMatchObject({ monthly_needed: '1000.00', on_track: false, projected_completion_date: null });

    const over = protoGoal({ targetAmount: money('3000', 'JPY'), currentAmount: money('4500', 'JPY'), status: GoalStatus.GOAL_STATUS_COMPLETED });
    goals.answer('getGoal', {
      goal: over,
      progress: protoProgress({ percent: '150.00', remaining: money('0', 'JPY'), contributions: 2, onTrack: true, savedLast90Days: money('1500', 'JPY') }),
    });
    expect((await get(`/goals/${over.id}`)).json()).toMatchObject({
      target_amount: '3000',
      current_amount: '4500',
      status: 'completed',
      progress: { percent: '150.00', remaining: '0', contributions: 2, on_track: true, saved_last_90_days: '1500' },
    });
  });

  it('the service’s NOT_FOUND (missing, or another user’s) → 404 with its code and message', async () => {
    goals.fail('getGoal', goalNotFound());
    const body = expectProblem(await get(`/goals/${randomUUID()}`), 404, 'GOALS_GOAL_NOT_FOUND');
    expect(body.detail).toBe('Goal not found.');
  });

  it.each([
    ['a goal without status', (r: goalsV1.GetGoalResponse) => ({ ...r, goal: { ...r.goal!, status: GoalStatus.GOAL_STATUS_UNSPECIFIED } })],
    ['no progress', (r: goalsV1.GetGoalResponse) => ({ ...r, progress: undefined })],
    ['remaining in another currency', (r: goalsV1.GetGoalResponse) => ({ ...r, progress: { ...r.progress!, remaining: { minorUnits: '1', currency: 'EUR' } } })],
    ['a percent that is not a 2-place decimal', (r: goalsV1.GetGoalResponse) => ({ ...r, progress: { ...r.progress!, percent: '85.2' } })],
    ['a goal without target_amount', (r: goalsV1.GetGoalResponse) => ({ ...r, goal: { ...r.goal!, targetAmount: undefined } })],
  ] as const)('an answer that breaks the contract (%s) → 500, not a half-filled body', async (_name, tamper) => {
    const goal = protoGoal();
    goals.answer('getGoal', tamper({ goal, progress: protoProgress() }) as goalsV1.GetGoalResponse);
    expectProblem(await get(`/goals/${goal.id}`), 500, 'INTERNAL_ERROR');
  });
});

describe('PUT /goals/{id}', () => {
  it('sends only the fields given (the service keeps the others) and answers the service’s goal', async () => {
    const goal = protoGoal({ name: 'Bike', targetAmount: money('800'), deadline: protoDate('2026-09-01') });
    goals.answer('updateGoal', { goal });
    const res = await put(goal.id, { target_amount: '800' });
    expect(res.statusCode).toBe(200);
    expect(goals.lastRequest('updateGoal')).toEqual({
      userId,
      id: goal.id,
      name: undefined,
      targetAmount: '800',
      currentAmount: undefined,
      deadline: undefined,
      clearDeadline: false,
      status: GoalStatus.GOAL_STATUS_UNSPECIFIED,
    });
    const body = res.json();
    expect(Object.keys(body).sort()).toEqual(GOAL_KEYS);
    expect(body).toMatchObject({ id: goal.id, name: 'Bike', target_amount: '800.00', deadline: '2026-09-01', status: 'active' });
  });

  it('maps every field', async () => {
    const id = randomUUID();
    const res = await put(id, { name: ' Car ', target_amount: 15000.5, current_amount: '0', deadline: '2028-02-29', status: 'cancelled' });
    expect(res.statusCode).toBe(200);
    expect(goals.lastRequest('updateGoal')).toEqual({
      userId,
      id,
      name: 'Car',
      targetAmount: '15000.5',
      currentAmount: '0',
      deadline: { year: 2028, month: 2, day: 29 },
      clearDeadline: false,
      status: GoalStatus.GOAL_STATUS_CANCELLED,
    });
    expect(res.json()).toMatchObject({ id, name: 'Car', target_amount: '15000.50', current_amount: '0.00', deadline: '2028-02-29', status: 'cancelled' });
  });

  it('deadline: null → clear_deadline (no deadline any more)', async () => {
    const res = await put(randomUUID(), { deadline: null });
    expect(res.statusCode).toBe(200);
    const request = goals.lastRequest('updateGoal');
    expect(request).toMatchObject({ clearDeadline: true, deadline: undefined });
    expect(res.json().deadline).toBeNull();
  });

  it('status "active" resumes a cancelled goal; the service may answer completed (the target is reached)', async () => {
    goals.answer('updateGoal', { goal: protoGoal({ currentAmount: money('1000.00'), status: GoalStatus.GOAL_STATUS_COMPLETED }) });
    const res = await put(randomUUID(), { status: 'active' });
    expect(goals.lastRequest('updateGoal').status).toBe(GoalStatus.GOAL_STATUS_ACTIVE);
    expect(res.json().status).toBe('completed');
  });

  it('an empty body sends no field; a user_id or currency in the body has no effect', async () => {
    const id = randomUUID();
    expect((await put(id, {})).statusCode).toBe(200);
    const nothing = {
      userId,
      id,
      name: undefined,
      targetAmount: undefined,
      currentAmount: undefined,
      deadline: undefined,
      clearDeadline: false,
      status: GoalStatus.GOAL_STATUS_UNSPECIFIED,
    };
    expect(goals.lastRequest('updateGoal')).toEqual(nothing);
    expect((await put(id, { user_id: randomUUID(), currency: 'EUR' })).statusCode).toBe(200);
    expect(goals.lastRequest('updateGoal')).toEqual(nothing);
  });

  it('status "completed" → 422 saying that completed follows the amounts', async () => {
    const body = await expectRefusedByGateway(() => put(randomUUID(), { status: 'completed' }), ['status']);
    expect(body.errors[0].message).toMatch(/completed.*current_amount reaches target_amount/);
    expect(body.errors[0].message).toMatch(/"active" or "cancelled"/);
  });

  it.each([
    ['name null', { name: null }, ['name']],
    ['an empty name', { name: '' }, ['name']],
    ['a name of 101 characters', { name: 'n'.repeat(101) }, ['name']],
    ['target_amount null', { target_amount: null }, ['target_amount']],
    ['target_amount "0"', { target_amount: '0' }, ['target_amount']],
    ['target_amount "-1"', { target_amount: '-1' }, ['target_amount']],
    ['current_amount "-1"', { current_amount: '-1' }, ['current_amount']],
    ['deadline 2026-04-31', { deadline: '2026-04-31' }, ['deadline']],
    ['deadline "soon"', { deadline: 'soon' }, ['deadline']],
    ['status "paused"', { status: 'paused' }, ['status']],
    ['status null', { status: null }, ['status']],
    ['status "ACTIVE"', { status: 'ACTIVE' }, ['status']],
  ])('422 for %s, before any RPC', async (_name, payload, paths) => {
    const body = await expectRefusedByGateway(() => put(randomUUID(), payload), paths);
    if ('status' in payload && payload.status !== null) expect(body.errors[0].message).toBe('must be "active" or "cancelled"');
  });

  it('what only the service can judge (too precise an amount) is forwarded; its 422 passes through', async () => {
    await expectRefusedByService('updateGoal', () => put(randomUUID(), { target_amount: '1.999' }), 'GOALS_INVALID_FIELDS', 'target_amount', 'has too many decimals');
  });

  it('the service’s NOT_FOUND (missing, or another user’s) → 404 with its code', async () => {
    goals.fail('updateGoal', goalNotFound());
    expectProblem(await put(randomUUID(), { name: 'Hijacked' }), 404, 'GOALS_GOAL_NOT_FOUND');
  });
});

describe('DELETE /goals/{id}', () => {
  it('sends DeleteGoal the caller and id; 204 with no body', async () => {
    goals.answer('deleteGoal', {});
    const id = randomUUID();
    const res = await gw.app.inject({ method: 'DELETE', url: `/goals/${id}`, headers: { ...bearer(token), 'content-type': 'application/json' } });
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe('');
    expect(goals.lastRequest('deleteGoal')).toEqual({ userId, id });
  });

  it('the service’s NOT_FOUND (gone, or another user’s) → 404 with its code', async () => {
    goals.fail('deleteGoal', goalNotFound());
    expectProblem(await del(`/goals/${randomUUID()}`), 404, 'GOALS_GOAL_NOT_FOUND');
  });
});

describe('GET /goals/{id}/progress', () => {
  it('the points in the service’s order, amounts with the currency’s decimals; from and to are sent when given', async () => {
    const id = randomUUID();
    goals.answer('getGoalProgress', {
      items: [
        { date: protoDate('2026-03-01'), amount: money('100') },
        { date: protoDate('2026-03-14'), amount: money('125.5') },
        { date: protoDate('2026-04-02'), amount: money('1000') },
      ],
    });
    const res = await get(`/goals/${id}/progress?from=2026-03-01&to=2026-04-30`);
    expect(res.statusCode).toBe(200);
    expect(goals.lastRequest('getGoalProgress')).toEqual({ userId, id, from: { year: 2026, month: 3, day: 1 }, to: { year: 2026, month: 4, day: 30 } });
    expect(res.json()).toEqual({
      items: [
        { date: '2026-03-01', amount: '100.00' },
        { date: '2026-03-14', amount: '125.50' },
        { date: '2026-04-02', amount: '1000.00' },
      ],
    });
  });

  it('without from and to none is sent; no points → an empty list; a KWD goal has three decimals', async () => {
    const id = randomUUID();
    goals.answer('getGoalProgress', { items: [] });
    expect((await get(`/goals/${id}/progress`)).json()).toEqual({ items: [] });
    expect(goals.lastRequest('getGoalProgress')).toEqual({ userId, id, from: undefined, to: undefined });
    goals.answer('getGoalProgress', { items: [{ date: protoDate('2026-03-01'), amount: money('1.5', 'KWD') }] });
    expect((await get(`/goals/${id}/progress?to=2026-03-31`)).json()).toEqual({ items: [{ date: '2026-03-01', amount: '1.500' }] });
    expect(goals.lastRequest('getGoalProgress')).toMatchObject({ from: undefined, to: { year: 2026, month: 3, day: 31 } });
  });

  it.each([
    ['from=2026-02-30', ['from']],
    ['to=2026-13-01', ['to']],
    ['from=yesterday', ['from']],
    ['from=2026-04-01&to=2026-03-31', ['from']],
  ])('422 for ?%s, before any RPC', async (query, paths) => {
    await expectRefusedByGateway(() => get(`/goals/${randomUUID()}/progress?${query}`), paths);
  });

  it('the service’s NOT_FOUND → 404 with its code', async () => {
    goals.fail('getGoalProgress', goalNotFound());
    expectProblem(await get(`/goals/${randomUUID()}/progress`), 404, 'GOALS_GOAL_NOT_FOUND');
  });
});

describe('POST /goals/{id}/contribute', () => {
  it('sends Contribute the goal, the transaction and the amount; 201 with the contribution in snake_case', async () => {
    const goalId = randomUUID();
    const transactionId = randomUUID();
    const contribution = protoContribution({ goalId, transactionId, amount: money('40.5'), transactionDate: protoDate('2026-03-20') });
    goals.answer('contribute', { contribution, goal: protoGoal({ id: goalId }) });
    const res = await post(`/goals/${goalId.toUpperCase()}/contribute`, { transaction_id: transactionId.toUpperCase(), amount: 40.5 });
    expect(res.statusCode).toBe(201);
    expect(goals.lastRequest('contribute')).toEqual({ userId, goalId, transactionId, amount: '40.5' });
    const body = res.json();
    expect(Object.keys(body).sort()).toEqual(CONTRIBUTION_KEYS);
    expect(body).toEqual({
      id: contribution.id,
      goal_id: goalId,
      transaction_id: transactionId,
      amount: '40.50',
      currency: 'USD',
      goal_amount: '40.50',
      rate: '1',
      rate_date: '2026-03-20',
      transaction_date: '2026-03-20',
      created_at: CREATED_AT.toISOString(),
    });
  });

  it('a transaction in another currency: `amount` in its currency, `goal_amount` in the goal’s, with the rate and its published day', async () => {
    const contribution = protoContribution({
      amount: money('100.00', 'EUR'),
      goalAmount: money('18266', 'JPY'),
      rate: '182.66',
      rateDate: protoDate('2026-03-13'),
      transactionDate: protoDate('2026-03-15'),
    });
    goals.answer('contribute', { contribution, goal: protoGoal() });
    const res = await post(`/goals/${randomUUID()}/contribute`, { transaction_id: randomUUID(), amount: '100' });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ amount: '100.00', currency: 'EUR', goal_amount: '18266', rate: '182.66', rate_date: '2026-03-13', transaction_date: '2026-03-15' });
  });

  it.each([
    ['no goal_amount', { goalAmount: undefined }],
    ['a rate that is not a decimal', { rate: '1e3' }],
    ['an empty rate', { rate: '' }],
    ['no rate_date', { rateDate: undefined }],
  ])('a contribution with %s from the service is a 500 (a broken contract), not a made-up value', async (_name, broken) => {
    goals.answer('contribute', { contribution: { ...protoContribution(), ...broken }, goal: protoGoal() });
    expectProblem(await post(`/goals/${randomUUID()}/contribute`, { transaction_id: randomUUID() }), 500, 'INTERNAL_ERROR');
  });

  it('without amount none is sent (the service takes the whole transaction)', async () => {
    goals.answer('contribute', { contribution: protoContribution({ amount: money('99.99') }), goal: protoGoal() });
    const goalId = randomUUID();
    const transactionId = randomUUID();
    const res = await post(`/goals/${goalId}/contribute`, { transaction_id: transactionId });
    expect(res.statusCode).toBe(201);
    expect(goals.lastRequest('contribute')).toEqual({ userId, goalId, transactionId, amount: undefined });
    expect(res.json().amount).toBe('99.99');
  });

  it.each([
    ['no transaction_id', {}, ['transaction_id']],
    ['a malformed transaction_id', { transaction_id: 'abc' }, ['transaction_id']],
    ['transaction_id a number', { transaction_id: 42 }, ['transaction_id']],
    ['transaction_id null', { transaction_id: null }, ['transaction_id']],
    ['amount "0"', { transaction_id: randomUUID(), amount: '0' }, ['amount']],
    ['amount 0', { transaction_id: randomUUID(), amount: 0 }, ['amount']],
    ['amount "-5"', { transaction_id: randomUUID(), amount: '-5' }, ['amount']],
    ['amount "lots"', { transaction_id: randomUUID(), amount: 'lots' }, ['amount']],
    ['both', { transaction_id: 'x', amount: -1 }, ['amount', 'transaction_id']],
  ])('422 for %s, before any RPC', async (_name, payload, paths) => {
    await expectRefusedByGateway(() => post(`/goals/${randomUUID()}/contribute`, payload), paths);
  });

  it.each([
    ['another user’s or an unknown transaction', 'not_found', 'GOALS_TRANSACTION_NOT_FOUND', 404],
    ['another user’s or an unknown goal', 'not_found', 'GOALS_GOAL_NOT_FOUND', 404],
    ['the same transaction twice', 'already_exists', 'GOALS_ALREADY_CONTRIBUTED', 409],
    ['a cancelled goal', 'failed_precondition', 'GOALS_GOAL_CANCELLED', 409],
    ['more than the transaction’s amount over all goals', 'invalid_argument', 'GOALS_TRANSACTION_EXCEEDED', 422],
    ['no exchange rate usable on the transaction’s date', 'invalid_argument', 'RATE_UNAVAILABLE', 422],
  ] as const)('the service’s verdict on %s passes through (%s → %s)', async (_name, kind, code, status) => {
    goals.fail('contribute', stubError(kind, code, `Refused: ${code}.`));
    const body = expectProblem(await post(`/goals/${randomUUID()}/contribute`, { transaction_id: randomUUID(), amount: '10' }), status, code);
    expect(body.detail).toBe(`Refused: ${code}.`);
  });

  it.each(['LEDGER_UNAVAILABLE', 'CURRENCY_UNAVAILABLE'])('%s (the ledger or the currency service unreachable from goals) → 503 with its code and a generic detail', async (code) => {
    goals.fail('contribute', stubError('unavailable', code, 'connect ECONNREFUSED 10.1.2.3:50052'));
    const res = await post(`/goals/${randomUUID()}/contribute`, { transaction_id: randomUUID() });
    const body = expectProblem(res, 503, code);
    expect(body.detail).toBe(UNAVAILABLE_DETAIL);
    expect(res.body).not.toContain('10.1.2.3');
  });
});

describe('GET /goals/{id}/contributions', () => {
  it('a page of the goal’s contributions; limit and cursor pass through both ways', async () => {
    const goalId = randomUUID();
    const mine = [protoContribution({ goalId, amount: money('10') }), protoContribution({ goalId, amount: money('2500', 'JPY'), transactionDate: protoDate('2026-01-31') })];
    goals.on('listContributions', (req) =>
      req.page?.cursor === '' ? { items: [mine[0]!], page: { nextCursor: 'next/1' } } : { items: [mine[1]!], page: { nextCursor: '' } },
    );
    const first = await get(`/goals/${goalId}/contributions?limit=1`);
    expect(first.statusCode).toBe(200);
    expect(goals.lastRequest('listContributions')).toEqual({ userId, goalId, page: { limit: 1, cursor: '' } });
    expect(first.json()).toEqual({
      items: [
        {
          id: mine[0]!.id,
          goal_id: goalId,
          transaction_id: mine[0]!.transactionId,
          amount: '10.00',
          currency: 'USD',
          goal_amount: '10.00',
          rate: '1',
          rate_date: '2026-03-14',
          transaction_date: '2026-03-14',
          created_at: CREATED_AT.toISOString(),
        },
      ],
      next_cursor: 'next/1',
    });
    const second = await get(`/goals/${goalId}/contributions?limit=1&cursor=next%2F1`);
    expect(goals.lastRequest('listContributions')).toEqual({ userId, goalId, page: { limit: 1, cursor: 'next/1' } });
    expect(second.json()).toEqual({ items: [expect.objectContaining({ id: mine[1]!.id, amount: '2500', transaction_date: '2026-01-31' })], next_cursor: null });
  });

  it('limit defaults to 50; 422 for a bad limit before any RPC; the service’s NOT_FOUND → 404', async () => {
    goals.answer('listContributions', { items: [], page: { nextCursor: '' } });
    const goalId = randomUUID();
    expect((await get(`/goals/${goalId}/contributions`)).json()).toEqual({ items: [], next_cursor: null });
    expect(goals.lastRequest('listContributions').page).toEqual({ limit: 50, cursor: '' });
    await expectRefusedByGateway(() => get(`/goals/${goalId}/contributions?limit=500`), ['limit']);
    goals.fail('listContributions', goalNotFound());
    expectProblem(await get(`/goals/${goalId}/contributions`), 404, 'GOALS_GOAL_NOT_FOUND');
  });
});

describe('DELETE /goals/{id}/contributions/{contribution_id}', () => {
  it('sends DeleteContribution the caller, goal and contribution; 204 with no body', async () => {
    goals.answer('deleteContribution', {});
    const goalId = randomUUID();
    const id = randomUUID();
    const res = await del(`/goals/${goalId}/contributions/${id.toUpperCase()}`);
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe('');
    expect(goals.lastRequest('deleteContribution')).toEqual({ userId, goalId, id });
  });

  it('the service’s NOT_FOUND (gone, another goal’s, another user’s) → 404 with its code', async () => {
    goals.fail('deleteContribution', stubError('not_found', 'GOALS_CONTRIBUTION_NOT_FOUND', 'Contribution not found.'));
    expectProblem(await del(`/goals/${randomUUID()}/contributions/${randomUUID()}`), 404, 'GOALS_CONTRIBUTION_NOT_FOUND');
  });
});

describe('a path id that is not a UUID cannot exist: 404, and the service is not asked', () => {
  const id = randomUUID();
  const routes = [
    ['GET', '/goals/x', 'GOALS_GOAL_NOT_FOUND'],
    ['PUT', '/goals/42', 'GOALS_GOAL_NOT_FOUND'],
    ['DELETE', `/goals/${id}x`, 'GOALS_GOAL_NOT_FOUND'],
    ['GET', '/goals/not-a-uuid/progress?from=nope', 'GOALS_GOAL_NOT_FOUND'],
    ['POST', '/goals/not-a-uuid/contribute', 'GOALS_GOAL_NOT_FOUND'],
    ['GET', '/goals/not-a-uuid/contributions?limit=0', 'GOALS_GOAL_NOT_FOUND'],
    ['DELETE', `/goals/not-a-uuid/contributions/${id}`, 'GOALS_CONTRIBUTION_NOT_FOUND'],
    ['DELETE', `/goals/${id}/contributions/not-a-uuid`, 'GOALS_CONTRIBUTION_NOT_FOUND'],
  ] as const;

  it.each(routes)('%s %s → 404 %s, even with an invalid body or query', async (method, url, code) => {
    // A body that is invalid too: the missing resource is what the caller learns first.
    const res = await gw.app.inject({ method, url, headers: bearer(token), ...(method === 'PUT' || method === 'POST' ? { payload: { target_amount: true, transaction_id: 'x' } } : {}) });
    const body = expectProblem(res, 404, code);
    expect(body).not.toHaveProperty('errors');
    expect(goals.calls).toHaveLength(0);
  });

  it('the answer is the one the service gives for an id that does not exist', async () => {
    goals.fail('getGoal', goalNotFound());
    const { instance: _a, ...malformed } = expectProblem(await get('/goals/nope'), 404);
    const { instance: _b, ...missing } = expectProblem(await get(`/goals/${randomUUID()}`), 404);
    expect(malformed).toEqual(missing);
  });
});

describe('every goals route needs a bearer token', () => {
  const id = randomUUID();
  const routes = [
    ['POST', '/goals'],
    ['GET', '/goals'],
    ['GET', `/goals/${id}`],
    ['PUT', `/goals/${id}`],
    ['DELETE', `/goals/${id}`],
    ['GET', `/goals/${id}/progress`],
    ['POST', `/goals/${id}/contribute`],
    ['GET', `/goals/${id}/contributions`],
    ['DELETE', `/goals/${id}/contributions/${randomUUID()}`],
    // Checked before the id or the query: an anonymous caller learns nothing, not even a 404 or 422.
    ['GET', '/goals/not-a-uuid'],
    ['GET', `/goals/${id}/progress?from=nope`],
  ] as const;

  it.each(routes)('%s %s → 401 without a token, 401 with a bad one; the service is not asked', async (method, url) => {
    const payload = method === 'POST' || method === 'PUT' ? { payload: { target_amount: 'x' } } : {};
    const anonymous = await gw.app.inject({ method, url, ...payload });
    expectProblem(anonymous, 401, 'TOKEN_MISSING');
    expect(anonymous.headers['www-authenticate']).toBe('Bearer');
    expectProblem(await gw.app.inject({ method, url, headers: bearer('not.a.token'), ...payload }), 401, 'TOKEN_INVALID');
    expect(goals.calls).toHaveLength(0);
  });
});

describe('goals failures', () => {
  it('the service’s own UNAVAILABLE → 503 with its code and a generic detail, never its text; the request id reaches it', async () => {
    goals.outage = stubError('unavailable', 'GOALS_DATABASE_DOWN', 'connect ECONNREFUSED 10.9.8.7:5432');
    const res = await gw.app.inject({ method: 'GET', url: `/goals/${randomUUID()}`, headers: { ...bearer(token), 'x-request-id': 'goals-trace-1' } });
    const body = expectProblem(res, 503, 'GOALS_DATABASE_DOWN');
    expect(body.detail).toBe(UNAVAILABLE_DETAIL);
    expect(res.body).not.toContain('10.9.8.7');
    expect(goals.calls.at(-1)?.requestId).toBe('goals-trace-1');
    expect(goals.calls).toHaveLength(1);
  });

  it('a fault of the service (INTERNAL) → 503 GOALS_UNAVAILABLE, never its text', async () => {
    goals.outage = new Error('relation "secret_table" does not exist');
    const res = await get('/goals');
    const body = expectProblem(res, 503, 'GOALS_UNAVAILABLE');
    expect(body.detail).toBe(UNAVAILABLE_DETAIL);
    expect(res.body).not.toMatch(/secret_table|Internal error/);
  });

  it('slower than GRPC_DEADLINE_MS → 504 GOALS_DEADLINE_EXCEEDED; stopped → 503 GOALS_UNAVAILABLE on every route', async () => {
    const local = await startGoalsGateway({ GRPC_DEADLINE_MS: '300' });
    try {
      const { token: t } = await local.gw.caller();
      local.goals.answer('listGoals', { items: [], page: { nextCursor: '' } });
      const send = (method: 'GET' | 'POST', url: string) => local.gw.app.inject({ method, url, headers: bearer(t), ...(method === 'POST' ? { payload: valid } : {}) });
      // Warm up the key cache first, so only the service call can be slow.
      expect((await send('GET', '/goals')).statusCode).toBe(200);
      local.goals.delayMs = 800;
      expect(expectProblem(await send('GET', '/goals'), 504, 'GOALS_DEADLINE_EXCEEDED').detail).toBe(DEADLINE_DETAIL);
      expect(local.goals.calls.at(-1)!.remainingMs).toBeLessThanOrEqual(300);

      local.goals.delayMs = 0;
      await local.goals.stop();
      for (const [method, url] of [
        ['GET', '/goals'],
        ['GET', `/goals/${randomUUID()}`],
        ['GET', `/goals/${randomUUID()}/progress`],
        ['POST', '/goals'],
      ] as const) {
        expect([method, url, expectProblem(await send(method, url), 503, 'GOALS_UNAVAILABLE').detail]).toEqual([method, url, UNAVAILABLE_DETAIL]);
      }
    } finally {
      await local.close();
    }
  });
});
