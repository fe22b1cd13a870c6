import { randomBytes } from 'node:crypto';
import { describe, expect, test } from '@jest/globals';
import { generateSigningKey } from './tokens.js';
import { KeySealingError, openPrivateJwk, parseSealingKey, sealingKeyId, sealPrivateJwk } from './key-sealing.js';

const key = () => new Uint8Array(randomBytes(32));

describe('sealing private signing keys', () => {
  test('a sealed key opens to the same JWK, and the JWE hides it', async () => {
    const k = key();
    const { kid, privateJwk } = await generateSigningKey();
    const jwe = await sealPrivateJwk(privateJwk, k);
    expect(jwe.split('.')).toHaveLength(5);
    expect(jwe).not.toContain(String(privateJwk.d));
    await expect(openPrivateJwk(jwe, k, kid)).resolves.toEqual(privateJwk);
  });

  test('another encryption key, a tampered ciphertext or a swapped row is refused', async () => {
    const k = key();
    const a = await generateSigningKey();
    const b = await generateSigningKey();
    const jwe = await sealPrivateJwk(a.privateJwk, k);
    await expect(openPrivateJwk(jwe, key(), a.kid)).rejects.toThrow(/another SIGNING_KEY_ENCRYPTION_KEY/);
    const parts = jwe.split('.');
    parts[3] = `${parts[3]!.slice(0, -2)}${parts[3]!.endsWith('AA') ? 'BB' : 'AA'}`;
    await expect(openPrivateJwk(parts.join('.'), k, a.kid)).rejects.toThrow(/damaged/);
    await expect(openPrivateJwk(jwe, k, b.kid)).rejects.toThrow(KeySealingError);
    await expect(openPrivateJwk('not a jwe', k, a.kid)).rejects.toThrow(/not a readable JWE/);
  });

  test('the configured key is exactly 32 bytes of base64url or base64', () => {
    const bytes = randomBytes(32);
    expect(parseSealingKey(bytes.toString('base64url'))).toEqual(new Uint8Array(bytes));
    expect(parseSealingKey(bytes.toString('base64'))).toEqual(new Uint8Array(bytes));
    for (const bad of ['', 'short', randomBytes(16).toString('base64url'), randomBytes(48).toString('base64url'), `${bytes.toString('base64url')}!`]) {
      expect(() => parseSealingKey(bad)).toThrow(KeySealingError);
    }
    expect(sealingKeyId(new Uint8Array(bytes))).toMatch(/^[0-9a-f]{16}$/);
  });
});
