import { describe, expect, test } from '@jest/globals';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, SignJWT, UnsecuredJWT } from 'jose';
import { generateSigningKey, hashRefreshToken, importSigningKey, issueAccessToken, newRefreshToken } from './tokens.js';

const settings = { issuer: 'finance-tracker/auth', audience: 'finance-tracker/api', ttlSeconds: 900 };
const verifyOptions = { algorithms: ['EdDSA'], issuer: settings.issuer, audience: settings.audience, typ: 'at+jwt' };

async function signer() {
  const material = await generateSigningKey();
  return { ...material, privateKey: await importSigningKey(material.privateJwk) };
}

async function setup() {
  const key = await signer();
  const jwks = createLocalJWKSet({ keys: [key.publicJwk] });
  return { key, jwks };
}

describe('access tokens', () => {
  test('carry kid, typ and the claims the gateway checks; verify with the published key', async () => {
    const { key, jwks } = await setup();
    const now = new Date();
    const { token, expiresIn } = await issueAccessToken(key, { userId: 'u1', sessionId: 's1' }, settings, now);
    expect(expiresIn).toBe(900);
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'EdDSA', kid: key.kid, typ: 'at+jwt' });
    const { payload } = await jwtVerify(token, jwks, verifyOptions);
    expect(payload).toMatchObject({ sub: 'u1', sid: 's1', iss: settings.issuer, aud: settings.audience });
    expect(payload.exp! - payload.iat!).toBe(900);
    expect(payload.jti).toMatch(/^[0-9a-f-]{36}$/);
  });

  test('the published key has no private part', async () => {
    const { key } = await setup();
    expect(key.publicJwk).toEqual({ kty: 'OKP', crv: 'Ed25519', x: expect.any(String), kid: key.kid, alg: 'EdDSA', use: 'sig' });
    expect(key.privateJwk.d).toEqual(expect.any(String));
  });

  test('a tampered payload fails verification', async () => {
    const { key, jwks } = await setup();
    const { token } = await issueAccessToken(key, { userId: 'u1', sessionId: 's1' }, settings);
    const [h, p, s] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p!, 'base64url').toString()), sub: 'u2' })).toString('base64url');
    await expect(jwtVerify(`${h}.${forged}.${s}`, jwks, verifyOptions)).rejects.toThrow(/signature/);
  });

  test('an expired token fails', async () => {
    const { key, jwks } = await setup();
    const { token } = await issueAccessToken(key, { userId: 'u1', sessionId: 's1' }, settings, new Date(Date.now() - 901_000));
    await expect(jwtVerify(token, jwks, verifyOptions)).rejects.toThrow(/exp/);
  });

  test('alg none is refused', async () => {
    const { jwks } = await setup();
    const unsecured = new UnsecuredJWT({ sid: 's1' }).setSubject('u1').setIssuer(settings.issuer).setAudience(settings.audience).setExpirationTime('5m').encode();
    await expect(jwtVerify(unsecured, jwks, verifyOptions)).rejects.toThrow();
  });

  test('a token signed by a key that is not published (unknown kid) fails', async () => {
    const { jwks } = await setup();
    const other = await signer();
    const { token } = await issueAccessToken(other, { userId: 'u1', sessionId: 's1' }, settings);
    await expect(jwtVerify(token, jwks, verifyOptions)).rejects.toThrow(/no applicable key/i);
  });

  test('an HS256 token made with the public key as secret is refused (algorithm confusion)', async () => {
    const { key, jwks } = await setup();
    const secret = new TextEncoder().encode(key.publicJwk.x!);
    const hs = await new SignJWT({ sid: 's1' }).setProtectedHeader({ alg: 'HS256', kid: key.kid, typ: 'at+jwt' }).setSubject('u1')
      .setIssuer(settings.issuer).setAudience(settings.audience).setExpirationTime('5m').sign(secret);
    await expect(jwtVerify(hs, jwks, verifyOptions)).rejects.toThrow();
  });

  test('a refresh token is not an access token', async () => {
    const { jwks } = await setup();
    await expect(jwtVerify(newRefreshToken(), jwks, verifyOptions)).rejects.toThrow();
  });
});

describe('refresh tokens', () => {
  test('are 256-bit random, url-safe, and stored only as a SHA-256 hex digest', () => {
    const a = newRefreshToken();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(newRefreshToken()).not.toBe(a);
    expect(hashRefreshToken(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashRefreshToken(a)).toBe(hashRefreshToken(a));
  });
});
