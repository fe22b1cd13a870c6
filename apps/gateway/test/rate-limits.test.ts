import { describe, expect, it } from '@jest/globals';
import { stubError } from '@finance/testing';
import { protoUser } from './support/builders.js';
import { bearer, startTestGateway } from './support/gateway.js';

describe('per-address rate limits', () => {
  it('the global limit answers 429 problem+json with Retry-After once exceeded', async () => {
    const gw = await startTestGateway({ RATE_LIMIT_PER_MINUTE: '3' });
    try {
      gw.auth.on('getUser', (req) => ({ user: protoUser({ id: req.userId }) }));
      const { token } = await gw.caller();
      for (let i = 0; i < 3; i++) {
        expect((await gw.app.inject({ method: 'GET', url: '/users/me', headers: bearer(token) })).statusCode).toBe(200);
      }
      const res = await gw.app.inject({ method: 'GET', url: '/users/me', headers: bearer(token) });
      expect(res.statusCode).toBe(429);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      const retryAfter = Number(res.headers['retry-after']);
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(res.json()).toMatchObject({ status: 429, code: 'RATE_LIMITED', type: 'tag:finance-tracker,2026:problems/rate-limited' });
      // Limited before authentication: even an anonymous request is 429, not 401.
      expect((await gw.app.inject({ method: 'GET', url: '/users/me' })).statusCode).toBe(429);
      // Unknown paths count too (no free probing).
      expect((await gw.app.inject({ method: 'GET', url: '/nowhere' })).statusCode).toBe(429);
    } finally {
      await gw.close();
    }
  });

  it('/auth/* routes share their own bucket, separate from the global one', async () => {
    const gw = await startTestGateway({ AUTH_RATE_LIMIT_PER_MINUTE: '2', RATE_LIMIT_PER_MINUTE: '100' });
    try {
      gw.auth.fail('loginUser', stubError('unauthenticated', 'AUTH_INVALID_CREDENTIALS', 'Invalid username or password.'));
      gw.auth.fail('refreshSession', stubError('unauthenticated', 'AUTH_INVALID_REFRESH_TOKEN', 'Invalid refresh token.'));
      const login = () => gw.app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'nobody', password: 'nothing1' } });
      expect((await login()).statusCode).toBe(401);
      expect((await gw.app.inject({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: 'x' } })).statusCode).toBe(401);
      const limited = await gw.app.inject({ method: 'POST', url: '/auth/register', payload: { email: 'a@example.com', username: 'abc', password: '12345678' } });
      expect(limited.statusCode).toBe(429);
      expect(limited.headers['retry-after']).toMatch(/^\d+$/);
      expect(limited.json()).toMatchObject({ code: 'RATE_LIMITED' });
      expect((await login()).statusCode).toBe(429);
      // Refused before auth is asked.
      expect(gw.auth.callsOf('registerUser')).toHaveLength(0);
      expect(gw.auth.callsOf('loginUser')).toHaveLength(1);
      // The rest of the API is not affected.
      expect((await gw.app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
    } finally {
      await gw.close();
    }
  });

  it('counts per client address (X-Forwarded-For when TRUST_PROXY is on)', async () => {
    const gw = await startTestGateway({ RATE_LIMIT_PER_MINUTE: '1', TRUST_PROXY: 'true' });
    try {
      const from = (ip: string) => gw.app.inject({ method: 'GET', url: '/health', headers: { 'x-forwarded-for': ip } });
      expect((await from('203.0.113.1')).statusCode).toBe(200);
      expect((await from('203.0.113.2')).statusCode).toBe(200);
      expect((await from('203.0.113.1')).statusCode).toBe(429);
    } finally {
      await gw.close();
    }
  });
});
