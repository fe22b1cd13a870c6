import { afterAll, beforeAll, expect, test } from '@jest/globals';
import { waitFor } from '@finance/testing';
import { client, signUp, startStack, type Stack } from './support/stack.js';

// DELETE /users/me: "its tokens stop working" on every gateway replica, not only the one that
// served the request. Access tokens are verified by each gateway itself, so the news travels
// as auth.user.deleted.v1 through NATS.

let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
});

afterAll(async () => {
  await stack.close();
});

test('another replica refuses the deleted user’s access token, and so does one started afterwards', async () => {
  const a = client(stack.baseUrl);
  const replica = await stack.startGatewayReplica();
  const b = client(replica.baseUrl);
  const { tokens } = await signUp(a, 'revoke');
  const keep = await signUp(a, 'keep');
  expect((await b.get('/users/me', tokens.access_token)).status).toBe(200);

  expect((await a.delete('/users/me', tokens.access_token)).status).toBe(204);

  // Replica B learns from the event. GET /users/me would be refused by auth anyway (the user is
  // gone), so ask B for something only the gateway decides: a logout needs just a valid token.
  await waitFor(async () => (await b.post('/auth/logout', { refresh_token: 'x' }, tokens.access_token)).status === 401, {
    timeoutMs: 10_000,
    message: 'replica B kept accepting the deleted user’s token',
  });
  const refused = await b.post('/auth/logout', { refresh_token: 'x' }, tokens.access_token);
  expect(refused.body.code).toBe('TOKEN_REVOKED');
  expect((await b.post('/auth/logout', { refresh_token: 'x' }, keep.tokens.access_token)).status).toBe(204);

  // A replica started after the deletion replays recent deletions on start.
  const late = client((await stack.startGatewayReplica()).baseUrl);
  await waitFor(async () => (await late.post('/auth/logout', { refresh_token: 'x' }, tokens.access_token)).status === 401, {
    timeoutMs: 10_000,
    message: 'a replica started after the deletion accepted the token',
  });
  expect((await late.post('/auth/logout', { refresh_token: 'x' }, keep.tokens.access_token)).status).toBe(204);
});
