import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { deleteNamespaceStreams, rejected, testNatsUrl } from '@finance/testing';
import { newAccount, startAuthHarness, type AuthHarness } from './helpers.js';

// Text PostgreSQL cannot hold (U+0000) must never reach a query: an identifier with NUL cannot
// name a user, so login answers as for any unknown name (issue 9.2); other fields are 422.

let h: AuthHarness;
beforeAll(async () => {
  h = await startAuthHarness();
});
afterAll(async () => {
  await h.close();
  await deleteNamespaceStreams(testNatsUrl(), h.config.EVENT_NAMESPACE);
});

describe('login with NUL in the identifier', () => {
  test.each([
    ['a username', 'a\u0000b'],
    ['an email', 'a\u0000b@example.com'],
    ['only NUL', '\u0000'],
  ])('%s answers exactly as an unknown user', async (_name, identifier) => {
    const unknown = await rejected(h.client.loginUser({ identifier: 'nobody-at-all', password: 'whatever1' }));
    const withNul = await rejected(h.client.loginUser({ identifier, password: 'whatever1' }));
    expect(withNul).toEqual(unknown);
    expect(withNul).toMatchObject({ httpStatus: 401, code: 'AUTH_INVALID_CREDENTIALS' });
  });

  test('a real user’s name with a NUL appended is not that user', async () => {
    const account = newAccount('nul');
    await h.client.registerUser(account);
    const err = await rejected(h.client.loginUser({ identifier: `${account.username}\u0000`, password: account.password }));
    expect(err).toMatchObject({ httpStatus: 401, code: 'AUTH_INVALID_CREDENTIALS' });
    // and its failures do not count against the real account
    for (let i = 0; i < 10; i++) await rejected(h.client.loginUser({ identifier: `${account.username}\u0000`, password: 'x' }));
    await expect(h.client.loginUser({ identifier: account.username, password: account.password })).resolves.toBeTruthy();
  });

  test('failures are counted for the lockout, as for unknown names (case-insensitively)', async () => {
    for (let i = 0; i < 10; i++) {
      expect((await rejected(h.client.loginUser({ identifier: 'Ghost\u0000Name', password: 'nope nope' }))).code).toBe('AUTH_INVALID_CREDENTIALS');
    }
    expect(await rejected(h.client.loginUser({ identifier: 'ghost\u0000name', password: 'nope nope' }))).toMatchObject({ httpStatus: 429, code: 'AUTH_TOO_MANY_ATTEMPTS' });
    // a different name is its own count
    expect((await rejected(h.client.loginUser({ identifier: 'ghost\u0000other', password: 'nope nope' }))).code).toBe('AUTH_INVALID_CREDENTIALS');
  });

  test('a NUL in the password is just a wrong password', async () => {
    const account = newAccount('nulpw');
    await h.client.registerUser(account);
    expect(await rejected(h.client.loginUser({ identifier: account.username, password: 'correct\u0000horse' }))).toMatchObject({ httpStatus: 401, code: 'AUTH_INVALID_CREDENTIALS' });
  });
});

describe('NUL in fields that are stored → 422 naming the field', () => {
  test('register: email', async () => {
    const err = await rejected(h.client.registerUser({ ...newAccount('nulreg'), email: 'a\u0000b@example.com' }));
    expect(err).toMatchObject({ httpStatus: 422, code: 'AUTH_INVALID_FIELDS' });
    expect(err.errors).toEqual([{ path: 'email', message: expect.any(String) }]);
  });

  test('register: username and password', async () => {
    const err = await rejected(h.client.registerUser({ ...newAccount('nulreg'), username: 'ab\u0000cd', password: 'pass\u0000word1' }));
    expect(err).toMatchObject({ httpStatus: 422, code: 'AUTH_INVALID_FIELDS' });
    expect(err.errors!.map((e) => e.path).sort()).toEqual(['password', 'username']);
  });

  test('update: email, username, timezone, base_currency', async () => {
    const account = newAccount('nulupd');
    const { user } = await h.client.registerUser(account);
    const err = await rejected(
      h.client.updateUser({ userId: user!.id, email: 'x\u0000@example.com', username: 'a\u0000bc', timezone: 'UTC\u0000', baseCurrency: 'US\u0000', notificationPreferences: undefined }),
    );
    expect(err).toMatchObject({ httpStatus: 422, code: 'AUTH_INVALID_FIELDS' });
    expect(err.errors!.map((e) => e.path).sort()).toEqual(['base_currency', 'email', 'timezone', 'username']);
  });
});
