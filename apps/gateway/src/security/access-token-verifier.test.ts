import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { generateKeyPair, SignJWT } from 'jose';
import { createAccessTokenVerifier, TokenRejectedError } from './access-token-verifier.js';
import type { PublicKeyCache } from './public-key-cache.js';
import { RevocationList } from './revocation-list.js';

// The verified-token cache: a token checked once is not checked again until it expires, but its
// expiry, its maximum age and revocation still hold on every request.

const ISSUER = 'finance-tracker-auth';
const AUDIENCE = 'finance-tracker-api';
const MAX_AGE = 900;
const TOLERANCE = 30;

async function setup(cacheSize?: number) {
  const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  let clock = Date.parse('2026-11-24T12:00:00Z');
  const lookups: string[] = [];
  const keys = { get: async (kid: string) => (lookups.push(kid), kid === 'k1' ? publicKey : undefined) } as unknown as PublicKeyCache;
  const revocations = new RevocationList({ ttlMs: 3_600_000, now: () => clock });
  const verify = createAccessTokenVerifier({
    keys,
    revocations,
    issuer: ISSUER,
    audience: AUDIENCE,
    maxAgeSeconds: MAX_AGE,
    clockToleranceSeconds: TOLERANCE,
    now: () => new Date(clock),
    ...(cacheSize ? { cacheSize } : {}),
  });
  const mint = (claims: { iat?: number; exp?: number; sub?: string; sid?: string | null } = {}) => {
    const iat = claims.iat ?? clock / 1000;
    return new SignJWT(claims.sid === null ? {} : { sid: claims.sid ?? randomUUID() })
      .setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', kid: 'k1' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject(claims.sub ?? randomUUID())
      .setJti(randomUUID())
      .setIssuedAt(iat)
      .setExpirationTime(claims.exp ?? iat + 900)
      .sign(privateKey);
  };
  return { verify, mint, lookups, revocations, advance: (seconds: number) => (clock += seconds * 1000) };
}

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => 'accepted',
    (err: unknown) => (err instanceof TokenRejectedError ? err.reason : `threw ${String(err)}`),
  );

describe('access token verifier cache', () => {
  it('verifies a token once: later requests skip the key lookup and get the same caller', async () => {
    const { verify, mint, lookups } = await setup();
    const token = await mint();
    const first = await verify(token);
    const second = await verify(token);
    expect(second).toEqual(first);
    expect(lookups).toEqual(['k1']);
  });

  it('refuses a cached token once it has expired (exp + tolerance)', async () => {
    const { verify, mint, advance } = await setup();
    const token = await mint();
    await verify(token);
    advance(900 + TOLERANCE - 2);
    expect(await refusal(verify(token))).toBe('accepted');
    advance(3);
    expect(await refusal(verify(token))).toBe('expired');
  });

  it('refuses a cached token older than the maximum age even though its exp is later', async () => {
    const { verify, mint, advance } = await setup();
    const issued = Date.parse('2026-11-24T12:00:00Z') / 1000;
    const token = await mint({ iat: issued, exp: issued + 7200 });
    expect(await refusal(verify(token))).toBe('accepted');
    advance(MAX_AGE + TOLERANCE + 1);
    expect(await refusal(verify(token))).not.toBe('accepted');
  });

  it('refuses a cached token as soon as its subject is revoked', async () => {
    const { verify, mint, revocations } = await setup();
    const sub = randomUUID();
    const token = await mint({ sub });
    await verify(token);
    revocations.revoke(sub);
    expect(await refusal(verify(token))).toBe('revoked');
  });

  it('refuses the tokens of a revoked session, cached or not, and no other session of the same subject', async () => {
    const { verify, mint, revocations } = await setup();
    const sub = randomUUID();
    const [ended, kept] = [randomUUID(), randomUUID()];
    const cached = await mint({ sub, sid: ended });
    await verify(cached);
    const other = await mint({ sub, sid: kept });
    const unsessioned = await mint({ sub, sid: null });
    revocations.revokeSession(ended);
    expect(await refusal(verify(cached))).toBe('revoked');
    expect(await refusal(verify(await mint({ sub, sid: ended, iat: Date.parse('2026-11-24T12:00:00Z') / 1000 - 1 })))).toBe('revoked');
    expect(await refusal(verify(other))).toBe('accepted');
    expect(await refusal(verify(unsessioned))).toBe('accepted');
    // A session id is not a subject, nor the other way round.
    revocations.revoke(kept);
    expect(await refusal(verify(other))).toBe('accepted');
  });

  it('never caches a refusal, and a tampered copy of a cached token is checked (and refused)', async () => {
    const { verify, mint } = await setup();
    const token = await mint();
    await verify(token);
    const [h, p, s] = token.split('.');
    const tampered = `${h}.${p}.${s!.slice(0, 5)}${s![5] === 'A' ? 'B' : 'A'}${s!.slice(6)}`;
    expect(await refusal(verify(tampered))).toBe('invalid');
    expect(await refusal(verify(tampered))).toBe('invalid');
  });

  it('keeps at most cacheSize tokens: the oldest is verified again', async () => {
    const { verify, mint, lookups } = await setup(2);
    const [a, b, c] = [await mint(), await mint(), await mint()];
    for (const t of [a, b, c]) await verify(t);
    expect(lookups).toHaveLength(3);
    await verify(c);
    expect(lookups).toHaveLength(3);
    await verify(a);
    expect(lookups).toHaveLength(4);
  });
});
