import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { status } from '@grpc/grpc-js';
import pg from 'pg';
import { deleteNamespaceStreams, rejected, testNatsUrl } from '@finance/testing';
import { newAccount, startAuthHarness, type AuthHarness } from './helpers.js';

// Logins racing the deletion of their account: each either lands before it (its session goes with
// the user) or is answered as an unknown user (401), and nothing of the user is left: no session, no
// refresh token, no counted failure under the user's key (it used to outlive the erasure, and a
// session insert after the delete surfaced as an internal error).

let h: AuthHarness;
let db: pg.Client;

beforeAll(async () => {
  h = await startAuthHarness();
  db = new pg.Client({ connectionString: h.db.url });
  await db.connect();
});

afterAll(async () => {
  await db.end();
  await h.close();
  await deleteNamespaceStreams(testNatsUrl(), h.config.EVENT_NAMESPACE);
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('20 rounds of deletion racing 5 logins (and 2 wrong passwords) leave nothing of the user', async () => {
  const outcomes = { ok: 0, refused: 0 };
  for (let round = 0; round < 20; round++) {
    const account = newAccount('race');
    const { user } = await h.client.registerUser(account);
    const userId = user!.id;
    const attempt = async (password: string) => {
      await sleep(Math.random() * 20);
      return h.client.loginUser({ identifier: account.username, password }).then(
        () => 'ok' as const,
        (err: unknown) => err,
      );
    };
    // How long one login takes right now (Argon2 on a loaded machine: 15 ms to well over 100 ms):
    // the deletion is fired at a random point within that, so both sides of the race keep happening
    // whatever the load. (This login's session must be erased like the others'.)
    const started = performance.now();
    await h.client.loginUser({ identifier: account.username, password: account.password });
    const loginMs = performance.now() - started;
    const logins = [...Array.from({ length: 5 }, () => attempt(account.password)), attempt('wrong password 1'), attempt('wrong password 2')];
    const deletion = sleep(Math.random() * (20 + loginMs * 1.5)).then(() => h.client.deleteUser({ userId }));
    const [results] = await Promise.all([Promise.all(logins), deletion]);
    for (const result of results) {
      if (result === 'ok') {
        outcomes.ok++;
        continue;
      }
      // Refused as any unknown user or wrong password is: never an internal error.
      expect(await rejected(Promise.reject(result))).toMatchObject({ status: status.UNAUTHENTICATED, code: 'AUTH_INVALID_CREDENTIALS' });
      outcomes.refused++;
    }
    const left = await db.query<{ sessions: number; tokens: number; failures: number; users: number }>(
      `select (select count(*)::int from auth.session where user_id = $1) as sessions,
              (select count(*)::int from auth.refresh_token t join auth.session s on s.id = t.session_id where s.user_id = $1) as tokens,
              (select count(*)::int from auth.login_failure where key = 'user:' || $1) as failures,
              (select count(*)::int from auth."user" where id = $1) as users`,
      [userId],
    );
    expect({ round, ...left.rows[0] }).toEqual({ round, sessions: 0, tokens: 0, failures: 0, users: 0 });
  }
  // Both sides of the race happened.
  expect(outcomes.ok).toBeGreaterThan(0);
  expect(outcomes.refused).toBeGreaterThan(0);
}, 60_000);
