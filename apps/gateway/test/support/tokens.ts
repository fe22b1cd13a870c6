import { randomUUID } from 'node:crypto';
import type { authV1 } from '@finance/proto';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from 'jose';

// What the gateway verifies by default (config JWT_ISSUER, JWT_AUDIENCE, ACCESS_TOKEN_MAX_AGE_SECONDS),
// as auth issues it.
export const ISSUER = 'finance-tracker/auth';
export const AUDIENCE = 'finance-tracker/api';
export const ACCESS_TOKEN_SECONDS = 900;

/** An Ed25519 key as auth signs with it, and its public half as ListPublicKeys publishes it. */
export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: authV1.PublicKey;
}

export async function newSigningKey(kid = `key-${randomUUID()}`): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
  const jwk = await exportJWK(publicKey);
  return { kid, privateKey, publicJwk: { kid, kty: 'OKP', crv: 'Ed25519', x: jwk.x!, alg: 'EdDSA' } };
}

/** Claims and header of an access token, overridable to forge bad ones. */
export interface MintOptions {
  sub: string;
  key?: SigningKey;
  sid?: string;
  iss?: string;
  aud?: string;
  typ?: string;
  kid?: string;
  iat?: number;
  exp?: number;
  extra?: JWTPayload;
}

/** An access token as auth issues it: EdDSA, `typ: at+jwt`, kid, iss, aud, sub, sid, jti, iat, exp. */
export async function mintAccessToken(defaultKey: SigningKey, options: MintOptions): Promise<string> {
  const key = options.key ?? defaultKey;
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ sid: options.sid ?? randomUUID(), ...options.extra })
    .setProtectedHeader({ alg: 'EdDSA', kid: options.kid ?? key.kid, typ: options.typ ?? 'at+jwt' })
    .setSubject(options.sub)
    .setIssuer(options.iss ?? ISSUER)
    .setAudience(options.aud ?? AUDIENCE)
    .setJti(randomUUID())
    .setIssuedAt(options.iat ?? now)
    .setExpirationTime(options.exp ?? (options.iat ?? now) + ACCESS_TOKEN_SECONDS)
    .sign(key.privateKey);
}
