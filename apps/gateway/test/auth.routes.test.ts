import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { stubError } from '@finance/testing';
import { protoUser, tokenPair } from './support/builders.js';
import { bearer, startTestGateway, type TestGateway } from './support/gateway.js';
import { expectProblem } from './support/problems.js';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway();
});
afterAll(async () => {
  await gw.close();
});
beforeEach(() => gw.reset());

const USER_KEYS = ['base_currency', 'created_at', 'email', 'id', 'is_active', 'notification_preferences', 'timezone', 'updated_at', 'username'];
const PAIR = tokenPair({ accessToken: 'eyJ.access.token', refreshToken: 'refresh-token-1', tokenType: 'Bearer', expiresIn: 900 });

describe('POST /auth/register', () => {
  it('sends RegisterUser the three fields only and answers 201 with auth’s user in snake_case', async () => {
    const user = protoUser({ email: 'ada@example.com', username: 'ada.l', createdAt: new Date('2026-01-02T03:04:05.678Z') });
    gw.auth.answer('registerUser', { user });
    const res = await gw.app.inject({
      method: 'POST',
      url: '/auth/register',
      payload: { email: 'ada@example.com', username: 'ada.l', password: 'analytical-engine', is_admin: true },
    });
    expect(res.statusCode).toBe(201);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const body = res.json();
    expect(Object.keys(body).sort()).toEqual(USER_KEYS);
    expect(body).toEqual({
      id: user.id,
      email: 'ada@example.com',
      username: 'ada.l',
      is_active: true,
      base_currency: 'USD',
      timezone: 'UTC',
      notification_preferences: { email: true, budget_alerts: true, recurring_reminders: true, goal_milestones: true },
      created_at: '2026-01-02T03:04:05.678Z',
      updated_at: user.updatedAt!.toISOString(),
    });
    // The unknown field was stripped, not forwarded.
    expect(gw.auth.lastRequest('registerUser')).toEqual({ email: 'ada@example.com', username: 'ada.l', password: 'analytical-engine' });
  });

  it('auth’s ALREADY_EXISTS → 409 problem+json with its code and message', async () => {
    gw.auth.fail('registerUser', stubError('already_exists', 'AUTH_EMAIL_TAKEN', 'That email is already registered.'));
    const res = await gw.app.inject({ method: 'POST', url: '/auth/register', payload: { email: 'ADA@example.com', username: 'other', password: 'analytical-engine' } });
    expectProblem(res, 409, 'AUTH_EMAIL_TAKEN');
    expect(res.json()).toMatchObject({ title: 'Conflict', detail: 'That email is already registered.' });
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
  ])('422 names the invalid fields of %j; auth is not asked', async (payload, paths) => {
    const res = await gw.app.inject({ method: 'POST', url: '/auth/register', payload });
    const body = expectProblem(res, 422, 'VALIDATION_FAILED');
    expect(body.errors.map((e: { path: string }) => e.path).sort()).toEqual(paths);
    for (const e of body.errors) expect(typeof e.message).toBe('string');
    expect(gw.auth.callsOf('registerUser')).toHaveLength(0);
  });
});

describe('POST /auth/login', () => {
  it('sends LoginUser the identifier and password; answers auth’s pair, token_type "bearer", no-store', async () => {
    gw.auth.answer('loginUser', { tokens: PAIR });
    const res = await gw.app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'grace', password: 'cobol-forever' } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ access_token: 'eyJ.access.token', refresh_token: 'refresh-token-1', token_type: 'bearer', expires_in: 900 });
    expect(res.headers['cache-control']).toBe('no-store');
    expect(gw.auth.lastRequest('loginUser')).toEqual({ identifier: 'grace', password: 'cobol-forever' });
  });

  it('accepts the OAuth2 password form as Swagger UI sends it, email as username', async () => {
    gw.auth.answer('loginUser', { tokens: PAIR });
    const res = await gw.app.inject({
      method: 'POST',
      url: '/auth/login',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: 'Basic c3dhZ2dlcjo=' },
      payload: 'grant_type=password&username=grace%40example.com&password=cobol-forever&scope=&client_id=swagger',
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().token_type).toBe('bearer');
    expect(gw.auth.lastRequest('loginUser')).toEqual({ identifier: 'grace@example.com', password: 'cobol-forever' });
  });

  it('auth’s UNAUTHENTICATED → 401 with its code and message', async () => {
    gw.auth.fail('loginUser', stubError('unauthenticated', 'AUTH_INVALID_CREDENTIALS', 'Invalid username or password.'));
    const res = await gw.app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'nobody', password: 'whatever1' } });
    const body = expectProblem(res, 401, 'AUTH_INVALID_CREDENTIALS');
    expect(body).toMatchObject({ detail: 'Invalid username or password.', type: expect.stringMatching(/unauthorized$/) });
  });

  it('auth’s lockout (RESOURCE_EXHAUSTED) → 429 with its Retry-After', async () => {
    gw.auth.fail('loginUser', stubError('resource_exhausted', 'AUTH_TOO_MANY_FAILED_LOGINS', 'Too many failed logins; try again later.', { retryAfterSeconds: 840 }));
    const res = await gw.app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'locked', password: 'right-password' } });
    const body = expectProblem(res, 429, 'AUTH_TOO_MANY_FAILED_LOGINS');
    expect(res.headers['retry-after']).toBe('840');
    expect(body.type).toMatch(/rate-limited$/);
  });

  it('415 for other media types, naming the two it accepts', async () => {
    const res = await gw.app.inject({ method: 'POST', url: '/auth/login', headers: { 'content-type': 'text/plain' }, payload: 'grace:cobol-forever' });
    expectProblem(res, 415);
    expect(res.json().detail).toBe('This endpoint accepts application/json or application/x-www-form-urlencoded request bodies.');
    expect(gw.auth.callsOf('loginUser')).toHaveLength(0);
  });

  it('422 for a missing password, in JSON and in a form; auth is not asked', async () => {
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
    expect(gw.auth.callsOf('loginUser')).toHaveLength(0);
  });
});

describe('refresh and logout', () => {
  it('refresh sends RefreshSession the token and answers auth’s new pair, no-store', async () => {
    gw.auth.answer('refreshSession', { tokens: tokenPair({ accessToken: 'eyJ.new.access', refreshToken: 'refresh-token-2' }) });
    const res = await gw.app.inject({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: 'refresh-token-1' } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ access_token: 'eyJ.new.access', refresh_token: 'refresh-token-2', token_type: 'bearer', expires_in: 900 });
    expect(res.headers['cache-control']).toBe('no-store');
    expect(gw.auth.lastRequest('refreshSession')).toEqual({ refreshToken: 'refresh-token-1' });
  });

  it('a rotated-out refresh token: auth’s UNAUTHENTICATED → 401 problem+json', async () => {
    gw.auth.fail('refreshSession', stubError('unauthenticated', 'AUTH_REFRESH_TOKEN_REUSED', 'Invalid refresh token.'));
    const res = await gw.app.inject({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: 'refresh-token-1' } });
    expectProblem(res, 401, 'AUTH_REFRESH_TOKEN_REUSED');
  });

  it('logout needs a bearer token, then sends RevokeSession the caller and the refresh token and answers 204', async () => {
    gw.auth.answer('revokeSession', {});
    const anonymous = await gw.app.inject({ method: 'POST', url: '/auth/logout', payload: { refresh_token: 'refresh-token-1' } });
    expectProblem(anonymous, 401, 'TOKEN_MISSING');
    expect(anonymous.headers['www-authenticate']).toBe('Bearer');
    expect(gw.auth.callsOf('revokeSession')).toHaveLength(0);

    const { userId, token } = await gw.caller();
    const res = await gw.app.inject({ method: 'POST', url: '/auth/logout', headers: bearer(token), payload: { refresh_token: 'refresh-token-1' } });
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe('');
    expect(gw.auth.lastRequest('revokeSession')).toEqual({ userId, refreshToken: 'refresh-token-1' });
  });

  it('422 when refresh_token is missing; auth is not asked', async () => {
    const res = await gw.app.inject({ method: 'POST', url: '/auth/refresh', payload: {} });
    expect(res.statusCode).toBe(422);
    expect(res.json().errors).toEqual([{ path: 'refresh_token', message: expect.any(String) }]);
    expect(gw.auth.callsOf('refreshSession')).toHaveLength(0);
  });
});
