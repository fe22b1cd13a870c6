import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DomainError } from '@finance/platform';
import { base64url, SignJWT } from 'jose';
import { AUDIENCE, ISSUER, newSigningKey } from './support/fake-auth-service.js';
import { bearer, startTestGateway, type TestGateway } from './support/gateway.js';

let gw: TestGateway;
let userId: string;
let token: string;

beforeAll(async () => {
  gw = await startTestGateway();
  ({ user: { id: userId }, token } = await gw.fake.seedUser());
});
afterAll(async () => {
  await gw.close();
});

const getMe = (headers: Record<string, string> = {}) => gw.app.inject({ method: 'GET', url: '/users/me', headers });

function expectInvalidToken(res: Awaited<ReturnType<typeof getMe>>, code = 'TOKEN_INVALID') {
  expect(res.statusCode).toBe(401);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.headers['www-authenticate']).toMatch(/^Bearer error="invalid_token"/);
  expect(res.json()).toMatchObject({ status: 401, code, title: 'Unauthorized', type: expect.stringMatching(/unauthorized$/) });
}

const now = () => Math.floor(Date.now() / 1000);
const encode = (value: object) => base64url.encode(JSON.stringify(value));
const claims = (overrides: object = {}) => ({ sub: userId, iss: ISSUER, aud: AUDIENCE, jti: randomUUID(), sid: randomUUID(), iat: now(), exp: now() + 900, ...overrides });

describe('bearer token verification', () => {
  it('accepts a valid token and passes its subject to the service as userId', async () => {
    const res = await getMe({ ...bearer(token), 'x-request-id': 'trace-me-1' });
    expect(res.statusCode).toBe(200);
    expect(res.json().id).toBe(userId);
    expect(gw.fake.callsOf('getUser').at(-1)).toMatchObject({ request: { userId }, requestId: 'trace-me-1' });
  });

  it('accepts the scheme name in any case', async () => {
    expect((await getMe({ authorization: `bearer ${token}` })).statusCode).toBe(200);
  });

  it('401 with a bare Bearer challenge when the header is missing', async () => {
    const res = await getMe();
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer');
    expect(res.json()).toMatchObject({ code: 'TOKEN_MISSING' });
  });

  it.each([
    ['scheme only', 'Bearer'],
    ['empty token', 'Bearer '],
    ['Basic credentials', 'Basic dXNlcjpwYXNz'],
    ['unknown scheme', `Token ${'x'.repeat(20)}`],
    ['two tokens', 'Bearer a b'],
    ['not a JWT', 'Bearer not-a-jwt'],
    ['two segments', 'Bearer a.b'],
    ['oversized token', `Bearer ${'a'.repeat(5000)}.b.c`],
  ])('401 invalid_token for a malformed header (%s)', async (_label, authorization) => {
    expectInvalidToken(await getMe({ authorization }));
  });

  it('401 for a token whose payload was altered after signing', async () => {
    const [header, , signature] = token.split('.');
    const forged = `${header}.${encode(claims({ sub: randomUUID() }))}.${signature}`;
    expectInvalidToken(await getMe(bearer(forged)));
  });

  it('401 for a token with a damaged signature', async () => {
    const [header, payload, signature] = token.split('.');
    const flipped = signature!.slice(0, 10) + (signature![10] === 'A' ? 'B' : 'A') + signature!.slice(11);
    expectInvalidToken(await getMe(bearer(`${header}.${payload}.${flipped}`)));
  });

  it('401 TOKEN_EXPIRED for an expired token', async () => {
    const expired = await gw.fake.mint({ sub: userId, iat: now() - 400, exp: now() - 120 });
    const res = await getMe(bearer(expired));
    expectInvalidToken(res, 'TOKEN_EXPIRED');
  });

  it('401 for a token issued too long ago, even with a far exp', async () => {
    const ancient = await gw.fake.mint({ sub: userId, iat: now() - 7200, exp: now() + 3600 });
    expect((await getMe(bearer(ancient))).statusCode).toBe(401);
  });

  it('401 for alg "none", with or without a signature part', async () => {
    const header = encode({ alg: 'none', typ: 'at+jwt', kid: gw.fake.signingKey.kid });
    expectInvalidToken(await getMe(bearer(`${header}.${encode(claims())}.`)));
    expectInvalidToken(await getMe(bearer(`${header}.${encode(claims())}.${base64url.encode('sig')}`)));
  });

  it('401 for HS256, including one keyed with the published public key (algorithm confusion)', async () => {
    const kid = gw.fake.signingKey.kid;
    for (const secret of ['secret', gw.fake.signingKey.publicJwk.x]) {
      const hs = await new SignJWT(claims())
        .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid })
        .sign(new TextEncoder().encode(secret));
      expectInvalidToken(await getMe(bearer(hs)));
    }
  });

  it('401 for the wrong issuer or audience', async () => {
    expectInvalidToken(await getMe(bearer(await gw.fake.mint({ sub: userId, iss: 'someone-else' }))));
    expectInvalidToken(await getMe(bearer(await gw.fake.mint({ sub: userId, aud: 'finance-tracker/admin' }))));
  });

  it('401 for a token of another type (typ JWT, not at+jwt)', async () => {
    expectInvalidToken(await getMe(bearer(await gw.fake.mint({ sub: userId, typ: 'JWT' }))));
  });

  it('401 for a token without jti or sub', async () => {
    const key = gw.fake.signingKey;
    const header = { alg: 'EdDSA', kid: key.kid, typ: 'at+jwt' };
    const { jti: _jti, ...noJti } = claims();
    const { sub: _sub, ...noSub } = claims();
    for (const payload of [noJti, noSub]) {
      const jwt = await new SignJWT(payload).setProtectedHeader(header).sign(key.privateKey);
      expectInvalidToken(await getMe(bearer(jwt)));
    }
  });

  it('401 for a token signed by a key auth does not publish', async () => {
    const stranger = await newSigningKey(gw.fake.signingKey.kid);
    expectInvalidToken(await getMe(bearer(await gw.fake.mint({ sub: userId, key: stranger }))));
  });

  it('401 for an opaque refresh token presented as an access token', async () => {
    await gw.fake.seedUser({ username: 'refresher', password: 'refresh-me-please' });
    const login = (await gw.app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'refresher', password: 'refresh-me-please' } })).json();
    expectInvalidToken(await getMe(bearer(login.refresh_token)));
  });

  it('checks the token before reading the body: 401, not 422 or 415', async () => {
    const invalid = await gw.app.inject({ method: 'PUT', url: '/users/me', payload: { email: 'nope' } });
    expect(invalid.statusCode).toBe(401);
    const text = await gw.app.inject({ method: 'PUT', url: '/users/me', headers: { 'content-type': 'text/plain' }, payload: 'hello' });
    expect(text.statusCode).toBe(401);
  });
});

describe('public keys', () => {
  it('unknown kid → 401, and garbage kids within the cooldown do not make the gateway refetch', async () => {
    const local = await startTestGateway({ JWKS_REFETCH_COOLDOWN_MS: '60000' });
    try {
      const { token: valid } = await local.fake.seedUser();
      expect((await local.app.inject({ method: 'GET', url: '/users/me', headers: bearer(valid) })).statusCode).toBe(200);
      expect(local.fake.callsOf('listPublicKeys')).toHaveLength(1);
      for (let i = 0; i < 20; i++) {
        const garbage = await local.fake.mint({ sub: randomUUID(), kid: `garbage-${i}` });
        const res = await local.app.inject({ method: 'GET', url: '/users/me', headers: bearer(garbage) });
        expect(res.statusCode).toBe(401);
      }
      expect(local.fake.callsOf('listPublicKeys')).toHaveLength(1);
    } finally {
      await local.close();
    }
  });

  it('a key rotated in at auth is picked up by one refetch', async () => {
    const local = await startTestGateway({ JWKS_REFETCH_COOLDOWN_MS: '0' });
    try {
      const { user, token: before } = await local.fake.seedUser();
      expect((await local.app.inject({ method: 'GET', url: '/users/me', headers: bearer(before) })).statusCode).toBe(200);
      expect(local.fake.callsOf('listPublicKeys')).toHaveLength(1);

      await local.fake.rotateKey();
      const after = await local.fake.mint({ sub: user.id });
      const res = await local.app.inject({ method: 'GET', url: '/users/me', headers: bearer(after) });
      expect(res.statusCode).toBe(200);
      expect(local.fake.callsOf('listPublicKeys')).toHaveLength(2);
      // Tokens signed with the earlier (still published) key keep working, from the cache.
      expect((await local.app.inject({ method: 'GET', url: '/users/me', headers: bearer(before) })).statusCode).toBe(200);
      expect(local.fake.callsOf('listPublicKeys')).toHaveLength(2);
    } finally {
      await local.close();
    }
  });

  it('503, not 401, when the keys cannot be fetched because auth is unavailable', async () => {
    const local = await startTestGateway();
    try {
      const { token: valid } = await local.fake.seedUser();
      local.fake.outage = new DomainError('unavailable', 'AUTH_UNAVAILABLE', 'down for maintenance');
      const res = await local.app.inject({ method: 'GET', url: '/users/me', headers: bearer(valid) });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({ status: 503, code: 'AUTH_UNAVAILABLE' });
    } finally {
      await local.close();
    }
  });
});

describe('revocation', () => {
  it('after DELETE /users/me every token of that subject is refused at once; others are not', async () => {
    const victim = await gw.fake.seedUser();
    const secondToken = await gw.fake.mint({ sub: victim.user.id });
    const bystander = await gw.fake.seedUser();

    const del = await gw.app.inject({ method: 'DELETE', url: '/users/me', headers: bearer(victim.token) });
    expect(del.statusCode).toBe(204);
    expect(gw.fake.callsOf('deleteUser').at(-1)?.request).toEqual({ userId: victim.user.id });

    const getUserCalls = gw.fake.callsOf('getUser').length;
    for (const t of [victim.token, secondToken]) {
      const res = await getMe(bearer(t));
      expectInvalidToken(res, 'TOKEN_REVOKED');
    }
    // Refused by the gateway itself: auth was not even asked.
    expect(gw.fake.callsOf('getUser')).toHaveLength(getUserCalls);
    expect(gw.app.revocations.isRevoked(victim.user.id)).toBe(true);

    expect((await getMe(bearer(bystander.token))).statusCode).toBe(200);
  });

  it('a failed DELETE revokes nothing', async () => {
    const { user, token: t } = await gw.fake.seedUser();
    gw.fake.outage = new DomainError('unavailable', 'AUTH_UNAVAILABLE', 'down');
    try {
      expect((await gw.app.inject({ method: 'DELETE', url: '/users/me', headers: bearer(t) })).statusCode).toBe(503);
    } finally {
      gw.fake.outage = undefined;
    }
    expect(gw.app.revocations.isRevoked(user.id)).toBe(false);
    expect((await getMe(bearer(t))).statusCode).toBe(200);
  });
});
