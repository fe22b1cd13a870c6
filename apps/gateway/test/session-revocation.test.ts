import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { bearer, startTestGateway, type TestGateway } from './support/gateway.js';
import { expectProblem } from './support/problems.js';

// The replica that serves a logout refuses the ended session's access tokens at once, without
// waiting for auth.session.revoked.v1 to come back through NATS (the other replicas wait for it).

let gw: TestGateway;

beforeAll(async () => {
  gw = await startTestGateway();
});

afterAll(async () => {
  await gw.close();
});

beforeEach(() => gw.reset());

const me = (token: string) => gw.app.inject({ method: 'POST', url: '/auth/logout', headers: bearer(token), payload: { refresh_token: 'x' } });

describe('POST /auth/logout on this replica', () => {
  it('refuses the ended session’s tokens from the next request on; the caller’s other sessions keep working', async () => {
    const { userId, sessionId, token } = await gw.caller();
    const sameSession = await gw.mint({ sub: userId, sid: sessionId });
    const otherSession = await gw.mint({ sub: userId, sid: randomUUID() });
    gw.auth.answer('revokeSession', { sessionId });

    expect((await me(token)).statusCode).toBe(204);

    gw.auth.answer('revokeSession', {});
    expectProblem(await me(token), 401, 'TOKEN_REVOKED');
    expectProblem(await me(sameSession), 401, 'TOKEN_REVOKED');
    expect((await me(otherSession)).statusCode).toBe(204);
  });

  it('ends the session auth names, which may be another one of the caller’s than the token’s', async () => {
    const { userId, token } = await gw.caller();
    const phoneSession = randomUUID();
    const phone = await gw.mint({ sub: userId, sid: phoneSession });
    gw.auth.answer('revokeSession', { sessionId: phoneSession });
    expect((await me(token)).statusCode).toBe(204);
    expectProblem(await me(phone), 401, 'TOKEN_REVOKED');
    gw.auth.answer('revokeSession', {});
    expect((await me(token)).statusCode).toBe(204);
  });

  it('revokes nothing when auth ended no session (an unknown or foreign refresh token)', async () => {
    const { token } = await gw.caller();
    gw.auth.answer('revokeSession', {});
    expect((await me(token)).statusCode).toBe(204);
    expect((await me(token)).statusCode).toBe(204);
  });
});
