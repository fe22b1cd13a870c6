import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import pg from 'pg';
import { waitFor } from '@finance/testing';
import { client, newAccount, problemCore, signUp, startStack, type Reply, type Stack } from './support/stack.js';
import { USER_FIELDS } from './support/fields.js';
import { expectProblem } from './support/problems.js';

// Every row of API.md "Version 1" auth and users, through the gateway, as a client calls it.

let stack: Stack;
let api: ReturnType<typeof client>;

beforeAll(async () => {
  stack = await startStack();
  api = client(stack.baseUrl);
});

afterAll(async () => {
  await stack.close();
});


/** Changes one character in the middle of the signature (always to a different one). */
function flipSignatureChar(jwt: string): string {
  const i = jwt.length - 10;
  return `${jwt.slice(0, i)}${jwt[i] === 'A' ? 'B' : 'A'}${jwt.slice(i + 1)}`;
}


describe('POST /auth/register', () => {
  test('201 with the user, defaults applied', async () => {
    const account = newAccount();
    const reply = await api.post('/auth/register', account);
    expect(reply.status).toBe(201);
    expect(Object.keys(reply.body).sort()).toEqual(USER_FIELDS);
    expect(reply.body).toMatchObject({
      email: account.email,
      username: account.username,
      is_active: true,
      base_currency: 'USD',
      timezone: 'UTC',
      notification_preferences: { email: true, budget_alerts: true, recurring_reminders: true, goal_milestones: true },
    });
    expect(new Date(reply.body.created_at).toISOString()).toBe(reply.body.created_at);
    expect(reply.body).not.toHaveProperty('password');
  });

  test('409 for a taken email or username, whatever the case', async () => {
    const { account } = await signUp(api);
    expectProblem(await api.post('/auth/register', { ...newAccount(), email: account.email.toUpperCase() }), 409);
    expectProblem(await api.post('/auth/register', { ...newAccount(), username: account.username.toUpperCase() }), 409);
  });

  test.each([
    ['a malformed email', { email: 'nope' }, 'email'],
    ['a 7-character password', { password: 'short12' }, 'password'],
    ['a 129-character password', { password: 'p'.repeat(129) }, 'password'],
    ['a missing username', { username: undefined }, 'username'],
    ['a number as email', { email: 12 }, 'email'],
  ])('422 for %s, naming the field', async (_name, change, path) => {
    const reply = await api.post('/auth/register', { ...newAccount(), ...change });
    expectProblem(reply, 422);
    expect(reply.body.errors).toEqual(expect.arrayContaining([{ path, message: expect.any(String) }]));
  });

  test('a user_id in the body has no effect', async () => {
    const reply = await api.post('/auth/register', { ...newAccount(), id: '00000000-0000-4000-8000-000000000000', user_id: 'x' });
    expect(reply.status).toBe(201);
    expect(reply.body.id).not.toBe('00000000-0000-4000-8000-000000000000');
  });
});

describe('POST /auth/login', () => {
  test('200 with a bearer pair, by username (JSON)', async () => {
    const { account } = await signUp(api);
    const reply = await api.post('/auth/login', { username: account.username, password: account.password });
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ access_token: expect.any(String), refresh_token: expect.any(String), token_type: 'bearer', expires_in: 900 });
  });

  test('200 with a bearer pair, by email (JSON)', async () => {
    const { account } = await signUp(api);
    const reply = await api.post('/auth/login', { username: account.email, password: account.password });
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ access_token: expect.any(String), refresh_token: expect.any(String), token_type: 'bearer', expires_in: 900 });
    expect((await api.get('/users/me', reply.body.access_token)).body.email).toBe(account.email);
  });

  test('200 by email with the OAuth2 password form (what Swagger UI sends)', async () => {
    const { account } = await signUp(api);
    const form = new URLSearchParams({ grant_type: 'password', username: account.email, password: account.password, scope: '' });
    const reply = await api.request('POST', '/auth/login', { body: form });
    expect(reply.status).toBe(200);
    expect(reply.body.token_type).toBe('bearer');
  });

  test('401 with the same body for an unknown user and a wrong password', async () => {
    const { account } = await signUp(api);
    const wrong = await api.post('/auth/login', { username: account.username, password: 'not the password' });
    const unknown = await api.post('/auth/login', { username: 'no-such-user-anywhere', password: 'not the password' });
    expectProblem(wrong, 401);
    expect(problemCore(wrong.body)).toEqual(problemCore(unknown.body));
  });

  test('after 10 failures the account answers 429 with Retry-After, even with the right password', async () => {
    const { account } = await signUp(api, 'lock');
    for (let i = 0; i < 10; i++) expect((await api.post('/auth/login', { username: account.username, password: `bad ${i}` })).status).toBe(401);
    const locked = await api.post('/auth/login', { username: account.username, password: account.password });
    expectProblem(locked, 429);
    const retryAfter = Number(locked.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(900);
  });

  test('422 when a field is missing', async () => {
    expectProblem(await api.post('/auth/login', { username: 'someone' }), 422);
  });
});

describe('POST /auth/refresh', () => {
  test('200 with a new pair; the old refresh token then fails and revokes the family', async () => {
    const { tokens } = await signUp(api);
    const first = await api.post('/auth/refresh', { refresh_token: tokens.refresh_token });
    expect(first.status).toBe(200);
    expect(first.body.refresh_token).not.toBe(tokens.refresh_token);
    expect((await api.get('/users/me', first.body.access_token)).status).toBe(200);

    expectProblem(await api.post('/auth/refresh', { refresh_token: tokens.refresh_token }), 401);
    expectProblem(await api.post('/auth/refresh', { refresh_token: first.body.refresh_token }), 401);
  });

  test('401 for a made-up token, 422 without one', async () => {
    expectProblem(await api.post('/auth/refresh', { refresh_token: 'made-up' }), 401);
    expectProblem(await api.post('/auth/refresh', {}), 422);
  });
});

describe('POST /auth/logout', () => {
  test('204, and that refresh family stops working; other sessions keep working', async () => {
    const { account, tokens } = await signUp(api);
    const other = (await api.post('/auth/login', { username: account.username, password: account.password })).body;
    const reply = await api.post('/auth/logout', { refresh_token: tokens.refresh_token }, tokens.access_token);
    expect(reply.status).toBe(204);
    expect(reply.body).toBe('');
    expectProblem(await api.post('/auth/refresh', { refresh_token: tokens.refresh_token }), 401);
    expect((await api.post('/auth/refresh', { refresh_token: other.refresh_token })).status).toBe(200);
  });

  test('401 without a bearer token', async () => {
    const { tokens } = await signUp(api);
    expectProblem(await api.post('/auth/logout', { refresh_token: tokens.refresh_token }), 401);
  });
});

describe('GET /users/me', () => {
  test('200 with exactly the documented fields', async () => {
    const { user, tokens } = await signUp(api);
    const reply = await api.get('/users/me', tokens.access_token);
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual(user);
  });

  test.each([
    ['no Authorization header', undefined],
    ['a garbage token', 'garbage'],
    ['a refresh token', 'REFRESH'],
    ['a token with a flipped signature byte', 'TAMPERED'],
  ])('401 with %s', async (_name, token) => {
    const { tokens } = await signUp(api);
    const given = token === 'REFRESH' ? tokens.refresh_token : token === 'TAMPERED' ? flipSignatureChar(tokens.access_token) : token;
    const reply = await api.get('/users/me', given);
    expectProblem(reply, 401);
    expect(reply.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });
});

describe('PUT /users/me', () => {
  test('changes only the fields given', async () => {
    const { user, tokens } = await signUp(api);
    const reply = await api.put('/users/me', { base_currency: 'JPY', timezone: 'Asia/Tokyo', notification_preferences: { budget_alerts: false } }, tokens.access_token);
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      email: user.email,
      username: user.username,
      base_currency: 'JPY',
      timezone: 'Asia/Tokyo',
      notification_preferences: { email: true, budget_alerts: false, recurring_reminders: true, goal_milestones: true },
    });
    expect((await api.get('/users/me', tokens.access_token)).body).toEqual(reply.body);
  });

  test('422 for an unknown currency, a bad time zone or a non-boolean preference; nothing changes', async () => {
    const { user, tokens } = await signUp(api);
    for (const body of [{ base_currency: 'ABC' }, { timezone: 'Nowhere/Special' }, { notification_preferences: { email: 'yes' } }, { base_currency: 'usd' }]) {
      expectProblem(await api.put('/users/me', body, tokens.access_token), 422);
    }
    expect((await api.get('/users/me', tokens.access_token)).body).toEqual(user);
  });

  test('email and username can change; login then works with the new username or email, no longer with the old ones', async () => {
    const { account, user, tokens } = await signUp(api);
    const renamed = newAccount('renamed');
    const reply = await api.put('/users/me', { email: renamed.email, username: renamed.username }, tokens.access_token);
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ ...user, email: renamed.email, username: renamed.username, updated_at: expect.any(String) });
    expect((await api.get('/users/me', tokens.access_token)).body).toEqual(reply.body);

    for (const username of [renamed.username, renamed.email]) {
      const login = await api.post('/auth/login', { username, password: account.password });
      expect(login.status).toBe(200);
      expect((await api.get('/users/me', login.body.access_token)).body.id).toBe(user.id);
    }
    expectProblem(await api.post('/auth/login', { username: account.username, password: account.password }), 401);
    expectProblem(await api.post('/auth/login', { username: account.email, password: account.password }), 401);
  });

  test("409 for another user's email or username", async () => {
    const a = await signUp(api);
    const b = await signUp(api);
    expectProblem(await api.put('/users/me', { email: a.account.email }, b.tokens.access_token), 409);
    expectProblem(await api.put('/users/me', { username: a.account.username.toUpperCase() }, b.tokens.access_token), 409);
  });

  test('password: needs current_password (422 without or wrong), then works and other sessions end', async () => {
    const { account, tokens } = await signUp(api);
    const other = (await api.post('/auth/login', { username: account.username, password: account.password })).body;
    expectProblem(await api.put('/users/me', { password: 'brand new pass' }, tokens.access_token), 422);
    expectProblem(await api.put('/users/me', { password: 'brand new pass', current_password: 'wrong one' }, tokens.access_token), 422);
    expect((await api.put('/users/me', { password: 'brand new pass', current_password: account.password }, tokens.access_token)).status).toBe(200);

    expectProblem(await api.post('/auth/refresh', { refresh_token: other.refresh_token }), 401);
    expect((await api.post('/auth/refresh', { refresh_token: tokens.refresh_token })).status).toBe(200);
    expect((await api.post('/auth/login', { username: account.username, password: account.password })).status).toBe(401);
    expect((await api.post('/auth/login', { username: account.username, password: 'brand new pass' })).status).toBe(200);
  });
});

describe('DELETE /users/me', () => {
  test('204; the access token, refresh token and password stop working at once', async () => {
    const { account, tokens } = await signUp(api);
    const reply = await api.delete('/users/me', tokens.access_token);
    expect(reply.status).toBe(204);
    expectProblem(await api.get('/users/me', tokens.access_token), 401);
    expectProblem(await api.put('/users/me', { timezone: 'UTC' }, tokens.access_token), 401);
    expectProblem(await api.post('/auth/refresh', { refresh_token: tokens.refresh_token }), 401);
    expectProblem(await api.post('/auth/login', { username: account.username, password: account.password }), 401);
  });

  test('all of its data in every service is erased: nobody can reach it, and its rows are gone from the database', async () => {
    const { user, tokens } = await signUp(api, 'erase');
    const token = tokens.access_token;
    const created = (reply: Reply) => {
      expect(reply.status).toBe(201);
      return reply.body as { id: string };
    };
    const food = created(await api.post('/categories', { name: 'Food', color: '#336699' }, token));
    const rent = created(await api.post('/categories', { name: 'Rent', color: '#993366' }, token));
    const transactions = [
      created(await api.post('/transactions', { amount: '12.50', transaction_type: 'expense', date: '2026-03-10', category_id: food.id }, token)),
      created(await api.post('/transactions', { amount: '7.25', transaction_type: 'expense', date: '2026-03-10', category_id: food.id }, token)),
      created(await api.request('POST', '/transactions', { token, json: { amount: '2000', transaction_type: 'income', date: '2026-03-11' }, headers: { 'idempotency-key': 'salary-march' } })),
    ];
    const budgets = [
      created(await api.post('/budgets', { amount: '300.00', period: 'monthly', start_date: '2026-03-01', category_id: food.id }, token)),
      created(await api.post('/budgets', { amount: '900.00', period: 'monthly', start_date: '2026-03-01' }, token)),
    ];

    const db = new pg.Client({ connectionString: stack.databaseUrl });
    await db.connect();
    try {
      const rowsOf = async (userId: string) =>
        (
          await db.query<Record<string, number>>(
            `select (select count(*) from ledger.transaction where user_id = $1)::int as transactions,
                    (select count(*) from ledger.category where user_id = $1)::int as categories,
                    (select count(*) from ledger.daily_total where user_id = $1)::int as daily_totals,
                    (select count(*) from ledger.idempotency_key where user_id = $1)::int as idempotency_keys,
                    (select count(*) from budgeting.budget where user_id = $1)::int as budgets,
                    (select count(*) from auth."user" where id = $1)::int as users`,
            [userId],
          )
        ).rows[0]!;
      // Two expenses share a day, a category and a currency: one daily total for them, one for the income.
      expect(await rowsOf(user.id)).toEqual({ transactions: 3, categories: 2, daily_totals: 2, idempotency_keys: 1, budgets: 2, users: 1 });

      expect((await api.delete('/users/me', token)).status).toBe(204);

      const nobody = { transactions: 0, categories: 0, daily_totals: 0, idempotency_keys: 0, budgets: 0, users: 0 };
      // Auth deletes at once; the ledger and budgeting erase on auth.user.deleted.v1.
      await waitFor(async () => Object.values(await rowsOf(user.id)).every((n) => n === 0), { timeoutMs: 10_000, intervalMs: 100, message: 'the deleted user’s rows to be erased' });
      expect(await rowsOf(user.id)).toEqual(nobody);
    } finally {
      await db.end();
    }

    const other = (await signUp(api, 'after')).tokens.access_token;
    for (const path of ['/transactions', '/categories', '/budgets']) expect((await api.get(path, other)).body).toEqual({ items: [], next_cursor: null });
    for (const t of transactions) expectProblem(await api.get(`/transactions/${t.id}`, other), 404);
    for (const c of [food, rent]) expectProblem(await api.get(`/categories/${c.id}`, other), 404);
    for (const b of budgets) expectProblem(await api.get(`/budgets/${b.id}`, other), 404);
  });
});

describe('bad input never gets a 500', () => {
  test('400 for malformed JSON and for a JSON body that is not an object', async () => {
    expectProblem(await api.request('POST', '/auth/register', { body: '{"email": ', headers: { 'content-type': 'application/json' } }), 400);
    expectProblem(await api.request('POST', '/auth/register', { body: '[1,2]', headers: { 'content-type': 'application/json' } }), 400);
  });

  test('415 for a wrong media type', async () => {
    expectProblem(await api.request('POST', '/auth/register', { body: 'email=x', headers: { 'content-type': 'text/plain' } }), 415);
  });

  test('413 for a body over 1 MiB', async () => {
    const reply = await api.post('/auth/register', { ...newAccount(), padding: 'x'.repeat(1024 * 1024 + 10) });
    expectProblem(reply, 413);
  });

  test('404 problem for an unknown route', async () => {
    expectProblem(await api.get('/no/such/route'), 404);
  });
});

describe('operations', () => {
  test('GET /health is 200 ok when auth answers', async () => {
    const reply = await api.get('/health');
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ status: 'ok', services: { auth: 'SERVING' } });
  });

  test('GET /docs/json documents every V1 auth and users path; /docs serves the UI', async () => {
    const doc = (await api.get('/docs/json')).body;
    expect(doc.openapi).toMatch(/^3\./);
    for (const path of ['/auth/register', '/auth/login', '/auth/refresh', '/auth/logout', '/users/me']) expect(doc.paths).toHaveProperty([path]);
    expect(Object.keys(doc.paths['/users/me']).sort()).toEqual(['delete', 'get', 'put']);
    const ui = await api.get('/docs');
    expect([200, 302]).toContain(ui.status);
  });

  test('responses carry no x-powered-by and echo the request id', async () => {
    const reply = await api.request('GET', '/health', { headers: { 'x-request-id': 'e2e-req-1' } });
    expect(reply.headers.get('x-powered-by')).toBeNull();
    expect(reply.headers.get('x-request-id')).toBe('e2e-req-1');
  });
});
