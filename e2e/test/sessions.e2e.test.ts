import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { waitFor } from '@finance/testing';
import { client, signUp, startStack, type Stack } from './support/stack.js';

// Sessions end when the user ends them: after a logout, a detected refresh-token reuse or a
// password change, the access tokens of the ended sessions are refused at once by every gateway
// replica, not after their 15 minutes. Access tokens are verified by each gateway itself, so the
// news travels as auth.session.revoked.v1 through NATS; the replica that served a logout also
// refuses at once by itself.

let stack: Stack;
let a: ReturnType<typeof client>;
let b: ReturnType<typeof client>;

beforeAll(async () => {
  stack = await startStack();
  a = client(stack.baseUrl);
  b = client((await stack.startGatewayReplica()).baseUrl);
});

afterAll(async () => {
  await stack.close();
});

async function login(api: ReturnType<typeof client>, account: { username: string; password: string }) {
  const res = await api.post('/auth/login', { username: account.username, password: account.password });
  expect(res.status).toBe(200);
  return res.body as { access_token: string; refresh_token: string };
}

/** Waits until `api` refuses `token` with 401 TOKEN_REVOKED. */
async function refusedBy(api: ReturnType<typeof client>, token: string, what: string) {
  await waitFor(async () => (await api.get('/users/me', token)).status === 401, { timeoutMs: 10_000, message: `${what} kept being accepted` });
  expect((await api.get('/users/me', token)).body.code).toBe('TOKEN_REVOKED');
}

const works = async (api: ReturnType<typeof client>, token: string) => expect((await api.get('/users/me', token)).status).toBe(200);

describe('the access tokens of an ended session are refused on every replica', () => {
  test('logout: at once on the replica that served it, shortly on the other, and on one started afterwards', async () => {
    const { account, tokens } = await signUp(a, 'logout');
    const other = await login(b, account);
    await works(a, tokens.access_token);
    await works(b, tokens.access_token);

    expect((await a.post('/auth/logout', { refresh_token: tokens.refresh_token }, tokens.access_token)).status).toBe(204);

    // No wait: the replica that served the logout refuses the very next request.
    const next = await a.get('/users/me', tokens.access_token);
    expect(next.status).toBe(401);
    expect(next.body.code).toBe('TOKEN_REVOKED');
    await refusedBy(b, tokens.access_token, 'replica B: the logged-out token');
    // The user's other session is untouched, on both replicas.
    await works(a, other.access_token);
    await works(b, other.access_token);
    expect((await b.post('/auth/refresh', { refresh_token: other.refresh_token })).status).toBe(200);

    // A replica started after the logout replays recent revocations on start.
    const late = client((await stack.startGatewayReplica()).baseUrl);
    await refusedBy(late, tokens.access_token, 'a replica started after the logout');
    await works(late, other.access_token);
  });

  test('logging out another session of one’s own ends that session, not the caller’s', async () => {
    const { account, tokens } = await signUp(a, 'logoutother');
    const phone = await login(a, account);
    expect((await b.post('/auth/logout', { refresh_token: phone.refresh_token }, tokens.access_token)).status).toBe(204);
    await refusedBy(a, phone.access_token, 'replica A: the logged-out session');
    await refusedBy(b, phone.access_token, 'replica B: the logged-out session');
    await works(a, tokens.access_token);
    await works(b, tokens.access_token);
  });

  test('refresh-token reuse: every access token of the family, the thief’s and the owner’s', async () => {
    const { account, tokens } = await signUp(a, 'reuse');
    const other = await login(a, account);
    const rotated = await a.post('/auth/refresh', { refresh_token: tokens.refresh_token });
    expect(rotated.status).toBe(200);
    await works(b, rotated.body.access_token);

    // The spent token comes back (a thief replaying it): the family is revoked.
    expect((await b.post('/auth/refresh', { refresh_token: tokens.refresh_token })).status).toBe(401);

    for (const api of [a, b]) {
      await refusedBy(api, rotated.body.access_token, 'the rotated access token');
      await refusedBy(api, tokens.access_token, 'the first access token of the family');
      await works(api, other.access_token);
    }
    expect((await a.post('/auth/refresh', { refresh_token: rotated.body.refresh_token })).status).toBe(401);
  });

  test('password change: every other session ends at once; the one that changed it stays', async () => {
    const { account, tokens } = await signUp(a, 'password');
    const laptop = await login(a, account);
    const phone = await login(b, account);

    const changed = await a.put('/users/me', { password: 'a new password 1', current_password: account.password }, tokens.access_token);
    expect(changed.status).toBe(200);

    for (const api of [a, b]) {
      await refusedBy(api, laptop.access_token, 'another session’s access token');
      await refusedBy(api, phone.access_token, 'another session’s access token');
      await works(api, tokens.access_token);
    }
    // Their refresh tokens were issued before the change and end with their sessions; the caller's keeps working.
    expect((await b.post('/auth/refresh', { refresh_token: laptop.refresh_token })).status).toBe(401);
    expect((await b.post('/auth/refresh', { refresh_token: phone.refresh_token })).status).toBe(401);
    const mine = await b.post('/auth/refresh', { refresh_token: tokens.refresh_token });
    expect(mine.status).toBe(200);
    await works(a, mine.body.access_token);

    // A login with the new password afterwards is a new session: it works everywhere.
    const fresh = await login(b, { username: account.username, password: 'a new password 1' });
    await works(a, fresh.access_token);
    await works(b, fresh.access_token);
  });
});
