import { createHash, randomBytes, randomUUID, type webcrypto } from 'node:crypto';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';

type CryptoKey = webcrypto.CryptoKey;

export const ACCESS_TOKEN_TYPE = 'at+jwt';
export const SIGNING_ALGORITHM = 'EdDSA';

export interface SigningKeyMaterial {
  kid: string;
  privateJwk: JWK;
  publicJwk: JWK;
}

/** A new Ed25519 key pair as JWKs; `kid` is random so keys from different installs never clash. */
export async function generateSigningKey(): Promise<SigningKeyMaterial> {
  const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const kid = randomUUID();
  const meta = { kid, alg: SIGNING_ALGORITHM, use: 'sig' };
  return { kid, privateJwk: { ...(await exportJWK(privateKey)), ...meta }, publicJwk: { ...(await exportJWK(publicKey)), ...meta } };
}

export interface AccessTokenSettings {
  issuer: string;
  audience: string;
  ttlSeconds: number;
}

export interface IssuedAccessToken {
  token: string;
  expiresIn: number;
}

/** Signs a short-lived access token (RFC 9068 style `at+jwt`) for a user's session. */
export type { CryptoKey };

export async function issueAccessToken(
  key: { kid: string; privateKey: CryptoKey },
  subject: { userId: string; sessionId: string },
  settings: AccessTokenSettings,
  now: Date = new Date(),
): Promise<IssuedAccessToken> {
  const iat = Math.floor(now.getTime() / 1000);
  const token = await new SignJWT({ sid: subject.sessionId })
    .setProtectedHeader({ alg: SIGNING_ALGORITHM, kid: key.kid, typ: ACCESS_TOKEN_TYPE })
    .setSubject(subject.userId)
    .setJti(randomUUID())
    .setIssuedAt(iat)
    .setExpirationTime(iat + settings.ttlSeconds)
    .setIssuer(settings.issuer)
    .setAudience(settings.audience)
    .sign(key.privateKey);
  return { token, expiresIn: settings.ttlSeconds };
}

export function importSigningKey(privateJwk: JWK): Promise<CryptoKey> {
  return importJWK(privateJwk, SIGNING_ALGORITHM) as Promise<CryptoKey>;
}

/** Refresh tokens are opaque: 256 random bits. Only their SHA-256 is stored. */
export function newRefreshToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
