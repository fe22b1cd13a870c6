import { describe, expect, test } from '@jest/globals';
import { hashPassword, verifyDecoy, verifyPassword } from './password.js';

describe('password hashing', () => {
  test('hashes with Argon2id at the OWASP parameters and verifies', async () => {
    const hashed = await hashPassword('correct horse battery');
    expect(hashed).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    await expect(verifyPassword(hashed, 'correct horse battery')).resolves.toBe(true);
  });

  test('rejects a wrong password, a different hash per call (salted)', async () => {
    const a = await hashPassword('s3cret-pass');
    const b = await hashPassword('s3cret-pass');
    expect(a).not.toBe(b);
    await expect(verifyPassword(a, 's3cret-Pass')).resolves.toBe(false);
  });

  test('a malformed stored hash verifies as false instead of throwing', async () => {
    await expect(verifyPassword('not-a-hash', 'whatever1')).resolves.toBe(false);
  });

  test('the decoy check always fails', async () => {
    await expect(verifyDecoy('decoy password that nobody has')).resolves.toBe(false);
  });
});
