import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { stubError } from '@finance/testing';
import { base64url, SignJWT } from 'jose';
import { protoUser } from './support/builders.js';
import { bearer, startTestGateway, type TestGateway } from './support/gateway.js';
import { AUDIENCE, ISSUER, newSigningKey } from './support/tokens.js';

let gw: TestGateway;
let userId: string;
let token: string;

beforeAll(async () => {
  gw = await startTestGateway();
  ({ userId, token } = await gw.caller());
});
afterAll(async () => {
  await gw.close();
});
/** GetUser answers whoever is asked about: what reaches auth is the token's subject. */
const answerGetUser = (local: TestGateway) => local.auth.on('getUser', (req) => ({ user: protoUser({ id: req.userId }) }));
beforeEach(() => {
  gw.reset();
  answerGetUser(gw);
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
    expect(gw.auth.callsOf('getUser').at(-1)).toMatchObject({ request: { userId }, requestId: 'trace-me-1' });
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
    const expired = await gw.mint({ sub: userId, iat: now() - 400, exp: now() - 120 });
    const res = await getMe(bearer(expired));
    expectInvalidToken(res, 'TOKEN_EXPIRED');
  });

  it('401 for a token issued too long ago, even with a far exp', async () => {
    const ancient = await gw.mint({ sub: userId, iat: now() - 7200, exp: now() + 3600 });
    expect((await getMe(bearer(ancient))).statusCode).toBe(401);
  });

  it('401 for alg "none", with or without a signature part', async () => {
    const header = encode({ alg: 'none', typ: 'at+jwt', kid: gw.signingKey.kid });
    expectInvalidToken(await getMe(bearer(`${header}.${encode(claims())}.`)));
    expectInvalidToken(await getMe(bearer(`${header}.${encode(claims())}.${base64url.encode('sig')}`)));
  });

  it('401 for HS256, including one keyed with the published public key (algorithm confusion)', async () => {
    const kid = gw.signingKey.kid;
    for (const secret of ['secret', gw.signingKey.publicJwk.x]) {
      const hs = await new SignJWT(claims())
        .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid })
        .sign(new TextEncoder().encode(secret));
      expectInvalidToken(await getMe(bearer(hs)));
    }
  });

  it('401 for the wrong issuer or audience', async () => {
    expectInvalidToken(await getMe(bearer(await gw.mint({ sub: userId, iss: 'someone-else' }))));
    expectInvalidToken(await getMe(bearer(await gw.mint({ sub: userId, aud: 'finance-tracker/admin' }))));
  });

  it('401 for a token of another type (typ JWT, not at+jwt)', async () => {
    expectInvalidToken(await getMe(bearer(await gw.mint({ sub: userId, typ: 'JWT' }))));
  });

  it('401 for a token without jti or sub', async () => {
    const key = gw.signingKey;
    const header = { alg: 'EdDSA', kid: key.kid, typ: 'at+jwt' };
    const { jti: _jti, ...noJti } = claims();
    const { sub: _sub, ...noSub } = claims();
    for (const payload of [noJti, noSub]) {
      const jwt = await new SignJWT(payload).setProtectedHeader(header).sign(key.privateKey);
      expectInvalidToken(await getMe(bearer(jwt)));
    }
  });

  it('401 for a token signed by a key auth does not publish', async () => {
    const stranger = await newSigningKey(gw.signingKey.kid);
    expectInvalidToken(await getMe(bearer(await gw.mint({ sub: userId, key: stranger }))));
  });

  it('401 for an opaque refresh token (as auth issues them) presented as an access token', async () => {
    expectInvalidToken(await getMe(bearer(randomBytes(32).toString('base64url'))));
  });

  it('checks the token before reading the body: 401, not 422 or 415', async () => {
    const invalid = await gw.app.inject({ method: 'PUT', url: '/users/me', payload: { email: 'nope' } });
    expect(invalid.statusCode).toBe(401);
    const text = await gw.app.inject({ method: 'PUT', url: '/users/me', headers: { 'content-type': 'text/plain' }, payload: 'hello' });
    expect(text.statusCode).toBe(401);
    expect(gw.auth.callsOf('updateUser')).toHaveLength(0);
  });

  it('no bad token ever reaches a service', async () => {
    for (const authorization of ['Bearer not-a-jwt', `Bearer ${await gw.mint({ sub: userId, iss: 'someone-else' })}`]) {
      expect((await getMe({ authorization })).statusCode).toBe(401);
    }
    expect(gw.auth.callsOf('getUser')).toHaveLength(0);
  });
});

describe('public keys', () => {
  it('unknown kid → 401, and garbage kids within the cooldown do not make the gateway refetch', async () => {
    const local = await startTestGateway({ JWKS_REFETCH_COOLDOWN_MS: '60000' });
    try {
      answerGetUser(local);
      const { token: valid } = await local.caller();
      expect((await local.app.inject({ method: 'GET', url: '/users/me', headers: bearer(valid) })).statusCode).toBe(200);
      expect(local.auth.callsOf('listPublicKeys')).toHaveLength(1);
      for (let i = 0; i < 20; i++) {
        const garbage = await local.mint({ sub: randomUUID(), kid: `garbage-${i}` });
        const res = await local.app.inject({ method: 'GET', url: '/users/me', headers: bearer(garbage) });
        expect(res.statusCode).toBe(401);
      }
      expect(local.auth.callsOf('listPublicKeys')).toHaveLength(1);
    } finally {
      await local.close();
    }
  });

  it('a key rotated in at auth is picked up by one refetch', async () => {
    const local = await startTestGateway({ JWKS_REFETCH_COOLDOWN_MS: '0' });
    try {
      answerGetUser(local);
      const { userId: id, token: before } = await local.caller();
      expect((await local.app.inject({ method: 'GET', url: '/users/me', headers: bearer(before) })).statusCode).toBe(200);
      expect(local.auth.callsOf('listPublicKeys')).toHaveLength(1);

      await local.rotateKey();
      const after = await local.mint({ sub: id });
      const res = await local.app.inject({ method: 'GET', url: '/users/me', headers: bearer(after) });
      expect(res.statusCode).toBe(200);
      expect(local.auth.callsOf('listPublicKeys')).toHaveLength(2);
      // Tokens signed with the earlier (still published) key keep working, from the cache.
      expect((await local.app.inject({ method: 'GET', url: '/users/me', headers: bearer(before) })).statusCode).toBe(200);
      expect(local.auth.callsOf('listPublicKeys')).toHaveLength(2);
    } finally {
      await local.close();
    }
  });

  it('503, not 401, when the keys cannot be fetched because auth is unavailable', async () => {
    const local = await startTestGateway();
    try {
      answerGetUser(local);
      const { token: valid } = await local.caller();
      local.auth.outage = stubError('unavailable', 'AUTH_UNAVAILABLE', 'down for maintenance');
      const res = await local.app.inject({ method: 'GET', url: '/users/me', headers: bearer(valid) });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({ status: 503, code: 'AUTH_UNAVAILABLE' });
      expect(local.auth.callsOf('getUser')).toHaveLength(0);
    } finally {
      await local.close();
    }
  });
});

describe('revocation', () => {
  it('after DELETE /users/me every token of that subject is refused at once; others are not', async () => {
    gw.auth.answer('deleteUser', {});
    const victim = await gw.caller();
    const secondToken = await gw.mint({ sub: victim.userId });
    const bystander = await gw.caller();

    const del = await gw.app.inject({ method: 'DELETE', url: '/users/me', headers: bearer(victim.token) });
    expect(del.statusCode).toBe(204);
    expect(gw.auth.lastRequest('deleteUser')).toEqual({ userId: victim.userId });

    const getUserCalls = gw.auth.callsOf('getUser').length;
    for (const t of [victim.token, secondToken]) {
      const res = await getMe(bearer(t));
      expectInvalidToken(res, 'TOKEN_REVOKED');
    }
    // Refused by the gateway itself: auth was not even asked.
    expect(gw.auth.callsOf('getUser')).toHaveLength(getUserCalls);
    expect(gw.app.revocations.isRevoked(victim.userId)).toBe(true);

    expect((await getMe(bearer(bystander.token))).statusCode).toBe(200);
  });

  it('a failed DELETE revokes nothing', async () => {
    const { userId: id, token: t } = await gw.caller();
    gw.auth.fail('deleteUser', stubError('unavailable', 'AUTH_DATABASE_DOWN', 'down'));
    expect((await gw.app.inject({ method: 'DELETE', url: '/users/me', headers: bearer(t) })).statusCode).toBe(503);
    expect(gw.app.revocations.isRevoked(id)).toBe(false);
    expect((await getMe(bearer(t))).statusCode).toBe(200);
  });
});
