import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { decodeJwt } from 'jose';
import { bearer, startTestGateway, type TestGateway } from './support/gateway.js';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(async () => {
  await gw.close();
});

const USER_KEYS = ['base_currency', 'created_at', 'email', 'id', 'is_active', 'notification_preferences', 'timezone', 'updated_at', 'username'];

describe('POST /auth/register', () => {
  it('creates the user and answers 201 with the user in snake_case', async () => {
    const res = await gw.app.inject({
      method: 'POST',
      url: '/auth/register',
      payload: { email: 'ada@example.com', username: 'ada.l', password: 'analytical-engine', is_admin: true },
    });
    expect(res.statusCode).toBe(201);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const body = res.json();
    expect(Object.keys(body).sort()).toEqual(USER_KEYS);
    expect(body).toMatchObject({
      email: 'ada@example.com',
      username: 'ada.l',
      is_active: true,
      base_currency: 'USD',
      timezone: 'UTC',
      notification_preferences: { email: true, budget_alerts: true, recurring_reminders: true, goal_milestones: true },
    });
    expect(body.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    expect(body.updated_at).toMatch(/Z$/);
    // The unknown field was stripped, not forwarded.
    const [call] = gw.fake.callsOf('registerUser');
    expect(call?.request).toEqual({ email: 'ada@example.com', username: 'ada.l', password: 'analytical-engine' });
  });

  it('passes the service 409 through as problem+json with its code', async () => {
    const res = await gw.app.inject({ method: 'POST', url: '/auth/register', payload: { email: 'ADA@example.com', username: 'other', password: 'analytical-engine' } });
    expect(res.statusCode).toBe(409);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({ status: 409, code: 'AUTH_EMAIL_TAKEN', title: 'Conflict', detail: 'That email is already registered.' });
  });

  it.each([
    [{ email: 'not-an-email', username: 'valid_name', password: 'long enough' }, ['email']],
    [{ email: 'x@example.com', username: 'no spaces!', password: 'long enough' }, ['username']],
    [{ email: 'x@example.com', username: 'ab', password: 'long enough' }, ['username']],
    [{ email: 'x@example.com', username: 'valid_name', password: 'short' }, ['password']],
    [{ email: 'x@example.com', username: 'valid_name', password: 'p'.repeat(129) }, ['password']],
    // characters, not UTF-16 units: four emoji are four characters
    [{ email: 'x@example.com', username: 'valid_name', password: '🔑🔑🔑🔑' }, ['password']],
    [{ email: 'x@example.com', username: 'valid_name', password: 'lone \ud800 surrogate' }, ['password']],
    [{ email: `${'a'.repeat(250)}@example.com`, username: 'valid_name', password: 'long enough' }, ['email']],
    [{ username: 'valid_name', password: 12345678 }, ['email', 'password']],
  ])('422 names the invalid fields of %j', async (payload, paths) => {
    const res = await gw.app.inject({ method: 'POST', url: '/auth/register', payload });
    expect(res.statusCode).toBe(422);
    const body = res.json();
    expect(body).toMatchObject({ status: 422, code: 'VALIDATION_FAILED' });
    expect(body.errors.map((e: { path: string }) => e.path).sort()).toEqual(paths);
    for (const e of body.errors) expect(typeof e.message).toBe('string');
  });
});

describe('POST /auth/login', () => {
  beforeAll(async () => {
    await gw.fake.seedUser({ email: 'grace@example.com', username: 'grace', password: 'cobol-forever' });
  });

  it('answers a token pair for JSON credentials', async () => {
    const res = await gw.app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'grace', password: 'cobol-forever' } });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(Object.keys(body).sort()).toEqual(['access_token', 'expires_in', 'refresh_token', 'token_type']);
    expect(body.token_type).toBe('bearer');
    expect(body.expires_in).toBe(900);
    expect(res.headers['cache-control']).toBe('no-store');
    const claims = decodeJwt(body.access_token);
    const me = await gw.app.inject({ method: 'GET', url: '/users/me', headers: bearer(body.access_token) });
    expect(me.statusCode).toBe(200);
    expect(me.json().id).toBe(claims.sub);
    expect(gw.fake.callsOf('loginUser').at(-1)?.request).toEqual({ identifier: 'grace', password: 'cobol-forever' });
  });

  it('accepts the OAuth2 password form as Swagger UI sends it, email as username', async () => {
    const res = await gw.app.inject({
      method: 'POST',
      url: '/auth/login',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: 'Basic c3dhZ2dlcjo=' },
      payload: 'grant_type=password&username=grace%40example.com&password=cobol-forever&scope=&client_id=swagger',
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().token_type).toBe('bearer');
    expect(gw.fake.callsOf('loginUser').at(-1)?.request).toEqual({ identifier: 'grace@example.com', password: 'cobol-forever' });
  });

  it('answers the same 401 for an unknown user and a wrong password', async () => {
    const unknown = await gw.app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'nobody', password: 'whatever1' } });
    const wrong = await gw.app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'grace', password: 'wrong-password' } });
    expect(unknown.statusCode).toBe(401);
    expect(wrong.statusCode).toBe(401);
    const strip = (body: Record<string, unknown>) => ({ ...body, instance: undefined });
    expect(strip(unknown.json())).toEqual(strip(wrong.json()));
    expect(unknown.json()).toMatchObject({ code: 'AUTH_INVALID_CREDENTIALS', type: expect.stringMatching(/unauthorized$/) });
  });

  it('maps the service lockout (RESOURCE_EXHAUSTED) to 429 with Retry-After', async () => {
    await gw.fake.seedUser({ username: 'locked', password: 'right-password' });
    for (let i = 0; i < 10; i++) {
      const res = await gw.app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'locked', password: `wrong-${i}` } });
      expect(res.statusCode).toBe(401);
    }
    const res = await gw.app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'locked', password: 'right-password' } });
    expect(res.statusCode).toBe(429);
    expect(res.headers['retry-after']).toBe('840');
    expect(res.json()).toMatchObject({ status: 429, code: 'AUTH_TOO_MANY_FAILED_LOGINS', type: expect.stringMatching(/rate-limited$/) });
  });

  it('415 for other media types, naming the two it accepts', async () => {
    const res = await gw.app.inject({ method: 'POST', url: '/auth/login', headers: { 'content-type': 'text/plain' }, payload: 'grace:cobol-forever' });
    expect(res.statusCode).toBe(415);
    expect(res.json().detail).toBe('This endpoint accepts application/json or application/x-www-form-urlencoded request bodies.');
  });

  it('422 for a missing password, in JSON and in a form', async () => {
    const json = await gw.app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'grace' } });
    expect(json.statusCode).toBe(422);
    expect(json.json().errors).toEqual([{ path: 'password', message: expect.any(String) }]);
    const form = await gw.app.inject({
      method: 'POST',
      url: '/auth/login',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'grant_type=password&username=grace',
    });
    expect(form.statusCode).toBe(422);
    expect(form.json().errors).toEqual([{ path: 'password', message: expect.any(String) }]);
  });
});

describe('refresh and logout', () => {
  it('rotates the refresh token; the old one then answers 401', async () => {
    await gw.fake.seedUser({ username: 'linus', password: 'penguin-power' });
    const login = (await gw.app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'linus', password: 'penguin-power' } })).json();
    const refreshed = await gw.app.inject({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: login.refresh_token } });
    expect(refreshed.statusCode).toBe(200);
    const pair = refreshed.json();
    expect(pair).toMatchObject({ token_type: 'bearer', expires_in: 900 });
    expect(pair.refresh_token).not.toBe(login.refresh_token);
    expect(gw.fake.callsOf('refreshSession').at(-1)?.request).toEqual({ refreshToken: login.refresh_token });

    const reused = await gw.app.inject({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: login.refresh_token } });
    expect(reused.statusCode).toBe(401);
    expect(reused.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('logout needs a bearer token and answers 204, revoking the refresh token for that user', async () => {
    await gw.fake.seedUser({ username: 'margaret', password: 'apollo-eleven' });
    const login = (await gw.app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'margaret', password: 'apollo-eleven' } })).json();

    const anonymous = await gw.app.inject({ method: 'POST', url: '/auth/logout', payload: { refresh_token: login.refresh_token } });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.headers['www-authenticate']).toBe('Bearer');

    const res = await gw.app.inject({ method: 'POST', url: '/auth/logout', headers: bearer(login.access_token), payload: { refresh_token: login.refresh_token } });
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe('');
    expect(gw.fake.callsOf('revokeSession').at(-1)?.request).toEqual({ userId: decodeJwt(login.access_token).sub, refreshToken: login.refresh_token });

    const after = await gw.app.inject({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: login.refresh_token } });
    expect(after.statusCode).toBe(401);
  });

  it('422 when refresh_token is missing', async () => {
    const res = await gw.app.inject({ method: 'POST', url: '/auth/refresh', payload: {} });
    expect(res.statusCode).toBe(422);
    expect(res.json().errors).toEqual([{ path: 'refresh_token', message: expect.any(String) }]);
  });
});
