import { createHash } from 'node:crypto';
import { CompactEncrypt, compactDecrypt, decodeProtectedHeader, type JWK } from 'jose';

// Private signing keys at rest: a compact JWE (RFC 7516) with direct encryption under the operator's
// 256-bit key (`alg: dir`, `enc: A256GCM`), so a database dump or backup alone cannot forge tokens.
// The protected header names the encryption key by fingerprint, so a wrong key is told apart from a
// damaged row; the decrypted JWK must carry the row's kid, so ciphertexts cannot be swapped between rows.

export class KeySealingError extends Error {
  override name = 'KeySealingError';
}

/** The 32 bytes of SIGNING_KEY_ENCRYPTION_KEY (base64url or base64); anything else is a configuration error. */
export function parseSealingKey(text: string): Uint8Array {
  const bytes = Buffer.from(text.trim(), 'base64url');
  if (bytes.length !== 32 || !/^[A-Za-z0-9_\-+/]+={0,2}$/.test(text.trim())) {
    throw new KeySealingError('SIGNING_KEY_ENCRYPTION_KEY must be 32 random bytes in base64url (e.g. `openssl rand -base64 32`)');
  }
  return new Uint8Array(bytes);
}

/** A short public name of a sealing key: the first 16 hex digits of its SHA-256. */
export function sealingKeyId(key: Uint8Array): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 16);
}

export async function sealPrivateJwk(jwk: JWK, key: Uint8Array): Promise<string> {
  return new CompactEncrypt(new TextEncoder().encode(JSON.stringify(jwk)))
    .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', kid: sealingKeyId(key), cty: 'jwk+json' })
    .encrypt(key);
}

export async function openPrivateJwk(jwe: string, key: Uint8Array, expectedKid: string): Promise<JWK> {
  let sealedWith: unknown;
  try {
    sealedWith = decodeProtectedHeader(jwe).kid;
  } catch {
    throw new KeySealingError(`signing key ${expectedKid} is not a readable JWE`);
  }
  if (sealedWith !== sealingKeyId(key)) {
    throw new KeySealingError(`signing key ${expectedKid} was encrypted with another SIGNING_KEY_ENCRYPTION_KEY (fingerprint ${String(sealedWith)}, this one is ${sealingKeyId(key)})`);
  }
  let jwk: JWK;
  try {
    const { plaintext } = await compactDecrypt(jwe, key, { keyManagementAlgorithms: ['dir'], contentEncryptionAlgorithms: ['A256GCM'] });
    jwk = JSON.parse(new TextDecoder().decode(plaintext)) as JWK;
  } catch {
    throw new KeySealingError(`signing key ${expectedKid} does not decrypt: the row is damaged`);
  }
  if (jwk.kid !== expectedKid) throw new KeySealingError(`signing key ${expectedKid} holds the key of ${String(jwk.kid)}`);
  return jwk;
}
