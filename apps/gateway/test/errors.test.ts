import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { stubError } from '@finance/testing';
import { protoUser } from './support/builders.js';
import { bearer, startTestGateway, type TestGateway } from './support/gateway.js';
import { expectProblem } from './support/problems.js';
import { DEADLINE_DETAIL, UNAVAILABLE_DETAIL } from './support/upstream-failures.js';

let gw: TestGateway;
let token: string;
beforeAll(async () => {
  gw = await startTestGateway();
  ({ token } = await gw.caller());
});
afterAll(async () => {
  await gw.close();
});
beforeEach(() => {
  gw.reset();
  gw.auth.on('getUser', (req) => ({ user: protoUser({ id: req.userId }) }));
});



const register = (payload: string, contentType = 'application/json') =>
  gw.app.inject({ method: 'POST', url: '/auth/register', headers: { 'content-type': contentType }, payload });

describe('bad input is a 4xx problem, never a 500', () => {
  it.each(['{"email": "a@example.com",', '{email: 1}', 'nul', '"unterminated'])('400 MALFORMED_JSON for %p', async (payload) => {
    expectProblem(await register(payload), 400, 'MALFORMED_JSON');
  });

  it.each(['[]', '[{"email":"a@example.com"}]', '"a string"', '42', 'true', 'null'])('400 BODY_NOT_OBJECT for the JSON value %p', async (payload) => {
    expectProblem(await register(payload), 400, 'BODY_NOT_OBJECT');
  });

  it('400 when a body is required but none is sent', async () => {
    expectProblem(await gw.app.inject({ method: 'POST', url: '/auth/refresh' }), 400, 'BODY_NOT_OBJECT');
  });

  it('413 for a body over 1 MiB (and a body just under it is read)', async () => {
    const big = JSON.stringify({ email: 'a@example.com', username: 'big_one', password: 'p'.repeat(1024 * 1024) });
    expectProblem(await register(big), 413, 'BODY_TOO_LARGE');
    const underLimit = JSON.stringify({ email: 'a@example.com', username: 'big_one', password: 'short', pad: 'x'.repeat(1024 * 1024 - 200) });
    const res = await register(underLimit);
    expect(res.statusCode).toBe(422);
  });

  it.each([
    ['text/plain', '{"email":"a@example.com"}'],
    ['application/xml', '<user/>'],
    ['application/x-www-form-urlencoded', 'email=a%40example.com&username=abc&password=12345678'],
    ['multipart/form-data; boundary=x', '--x--'],
  ])('415 for %s on a JSON route', async (contentType, payload) => {
    expectProblem(await register(payload, contentType), 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('415 for an authenticated JSON route too', async () => {
    const res = await gw.app.inject({ method: 'PUT', url: '/users/me', headers: { ...bearer(token), 'content-type': 'text/plain' }, payload: 'timezone=UTC' });
    expectProblem(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('422 lists every invalid field with its path and a message', async () => {
    const res = await register(JSON.stringify({ email: 42, username: 'ok_name', password: ['x'] }));
    const body = expectProblem(res, 422, 'VALIDATION_FAILED');
    expect(body.type).toBe('tag:finance-tracker,2026:problems/validation-failed');
    expect(body.errors).toEqual([
      { path: 'email', message: expect.any(String) },
      { path: 'password', message: expect.any(String) },
    ]);
  });

  it('a "__proto__" key in a body is dropped, not merged', async () => {
    gw.auth.answer('registerUser', { user: protoUser() });
    const res = await register('{"__proto__": {"polluted": true}, "email": "proto@example.com", "username": "proto_user", "password": "long enough"}');
    expect(res.statusCode).toBe(201);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(gw.auth.lastRequest('registerUser')).toEqual({ email: 'proto@example.com', username: 'proto_user', password: 'long enough' });
  });

  it('404 problem for an unknown route, with or without a token, any method', async () => {
    const body = expectProblem(await gw.app.inject({ method: 'GET', url: '/no/such/path?x=1' }), 404, 'ROUTE_NOT_FOUND');
    expect(body.title).toBe('Not Found');
    expectProblem(await gw.app.inject({ method: 'POST', url: '/transactions/../nowhere', headers: bearer(token), payload: {} }), 404, 'ROUTE_NOT_FOUND');
    expectProblem(await gw.app.inject({ method: 'PATCH', url: '/users/me', headers: bearer(token), payload: {} }), 404, 'ROUTE_NOT_FOUND');
  });

  it('400 problem for a URL that cannot be decoded', async () => {
    expectProblem(await gw.app.inject({ method: 'GET', url: '/users/%E0%A4%A' }), 400, 'MALFORMED_REQUEST');
  });
});

describe('service failures', () => {
  it('auth’s own UNAVAILABLE → 503 with its code and a generic detail, never the service text', async () => {
    gw.auth.outage = stubError('unavailable', 'AUTH_DATABASE_DOWN', 'connection refused to 10.1.2.3:5432');
    const res = await gw.app.inject({ method: 'GET', url: '/users/me', headers: bearer(token) });
    const body = expectProblem(res, 503, 'AUTH_DATABASE_DOWN');
    expect(body.detail).toBe(UNAVAILABLE_DETAIL);
    expect(res.body).not.toContain('10.1.2.3');
    expect(body.type).toBe('tag:finance-tracker,2026:problems/service-unavailable');
  });

  it('a fault of auth (INTERNAL) → 503 AUTH_UNAVAILABLE with a generic detail, never its text', async () => {
    gw.auth.fail('loginUser', new TypeError('Cannot read properties of undefined (reading "secret_column")'));
    const res = await gw.app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'a', password: 'b' } });
    const body = expectProblem(res, 503, 'AUTH_UNAVAILABLE');
    expect(body.detail).toBe(UNAVAILABLE_DETAIL);
    expect(res.body).not.toContain('secret_column');
  });

  // A short deadline in a gateway of its own: the file's other tests keep the default, so a loaded
  // machine cannot turn their answers into timeouts.
  it('auth not answering within GRPC_DEADLINE_MS → 504 AUTH_DEADLINE_EXCEEDED', async () => {
    const local = await startTestGateway({ GRPC_DEADLINE_MS: '300' });
    try {
      const { token: t } = await local.caller();
      local.auth.delayMs = 1000;
      const res = await local.app.inject({ method: 'GET', url: '/users/me', headers: bearer(t) });
      const body = expectProblem(res, 504, 'AUTH_DEADLINE_EXCEEDED');
      expect(body.detail).toBe(DEADLINE_DETAIL);
      expect(body.type).toBe('tag:finance-tracker,2026:problems/upstream-timeout');
    } finally {
      await local.close();
    }
  });

  it('auth stopped altogether → 503 AUTH_UNAVAILABLE', async () => {
    const local = await startTestGateway();
    try {
      local.auth.on('getUser', (req) => ({ user: protoUser({ id: req.userId }) }));
      const { token: t } = await local.caller();
      expect((await local.app.inject({ method: 'GET', url: '/users/me', headers: bearer(t) })).statusCode).toBe(200);
      await local.auth.stop();
      const body = expectProblem(await local.app.inject({ method: 'GET', url: '/users/me', headers: bearer(t) }), 503, 'AUTH_UNAVAILABLE');
      expect(body.detail).toBe(UNAVAILABLE_DETAIL);
    } finally {
      await local.close();
    }
  });
});

describe('headers', () => {
  it('echoes a sane x-request-id and passes it to gRPC', async () => {
    const res = await gw.app.inject({ method: 'GET', url: '/users/me', headers: { ...bearer(token), 'x-request-id': 'client-req-42' } });
    expect(res.headers['x-request-id']).toBe('client-req-42');
    expect(gw.auth.callsOf('getUser').at(-1)?.requestId).toBe('client-req-42');
  });

  it('generates a request id when none or an insane one is given, also on errors', async () => {
    for (const given of [undefined, 'x'.repeat(500), 'bad id with spaces', '<script>']) {
      const res = await gw.app.inject({ method: 'GET', url: '/nowhere', headers: given === undefined ? {} : { 'x-request-id': given } });
      expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      expect(res.json().instance).toBe(res.headers['x-request-id']);
    }
  });

  it('sends no x-powered-by, on success or error', async () => {
    for (const res of [
      await gw.app.inject({ method: 'GET', url: '/health' }),
      await gw.app.inject({ method: 'GET', url: '/users/me', headers: bearer(token) }),
      await gw.app.inject({ method: 'GET', url: '/missing' }),
    ]) {
      expect(res.headers).not.toHaveProperty('x-powered-by');
    }
  });

  it('works over a real socket as well as inject', async () => {
    const address = await gw.app.listen({ port: 0, host: '127.0.0.1' });
    const res = await fetch(`${address}/users/me`, { headers: { ...bearer(token), 'x-request-id': 'over-the-wire' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe('over-the-wire');
    expect(res.headers.has('x-powered-by')).toBe(false);
    const bad = await fetch(`${address}/auth/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{oops' });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });
});
