import { describe, expect, it } from '@jest/globals';
import { startTestGateway } from './support/gateway.js';

describe('GET /health', () => {
  it('200 ok while auth, ledger, budgeting and reporting serve; 503 unavailable once auth is stopped; no token needed', async () => {
    const gw = await startTestGateway({ HEALTH_CHECK_TIMEOUT_MS: '300' });
    try {
      const up = await gw.app.inject({ method: 'GET', url: '/health' });
      expect(up.statusCode).toBe(200);
      expect(up.json()).toEqual({ status: 'ok', services: { auth: 'SERVING', ledger: 'SERVING', currency: 'SERVING', budgeting: 'SERVING', reporting: 'SERVING', goals: 'SERVING', notifications: 'SERVING' } });

      await gw.auth.stop();
      const started = Date.now();
      const down = await gw.app.inject({ method: 'GET', url: '/health' });
      expect(down.statusCode).toBe(503);
      expect(down.json()).toEqual({ status: 'unavailable', services: { auth: expect.stringMatching(/^(UNREACHABLE|NOT_SERVING)$/), ledger: 'SERVING', currency: 'SERVING', budgeting: 'SERVING', reporting: 'SERVING', goals: 'SERVING', notifications: 'SERVING' } });
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      await gw.close();
    }
  });

  it('503 when the ledger is stopped, naming it', async () => {
    const gw = await startTestGateway({ HEALTH_CHECK_TIMEOUT_MS: '300' });
    try {
      expect((await gw.app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
      await gw.ledger.stop();
      const down = await gw.app.inject({ method: 'GET', url: '/health' });
      expect(down.statusCode).toBe(503);
      expect(down.json()).toEqual({ status: 'unavailable', services: { auth: 'SERVING', ledger: expect.stringMatching(/^(UNREACHABLE|NOT_SERVING)$/), currency: 'SERVING', budgeting: 'SERVING', reporting: 'SERVING', goals: 'SERVING', notifications: 'SERVING' } });
    } finally {
      await gw.close();
    }
  });

  it('503 when the budgeting service is stopped, naming it', async () => {
    const gw = await startTestGateway({ HEALTH_CHECK_TIMEOUT_MS: '300' });
    try {
      expect((await gw.app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
      await gw.budgeting.stop();
      const down = await gw.app.inject({ method: 'GET', url: '/health' });
      expect(down.statusCode).toBe(503);
      expect(down.json()).toEqual({ status: 'unavailable', services: { auth: 'SERVING', ledger: 'SERVING', currency: 'SERVING', budgeting: expect.stringMatching(/^(UNREACHABLE|NOT_SERVING)$/), reporting: 'SERVING', goals: 'SERVING', notifications: 'SERVING' } });
    } finally {
      await gw.close();
    }
  });

  it('503 when the reporting service is stopped, naming it', async () => {
    const gw = await startTestGateway({ HEALTH_CHECK_TIMEOUT_MS: '300' });
    try {
      expect((await gw.app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
      await gw.reporting.stop();
      const down = await gw.app.inject({ method: 'GET', url: '/health' });
      expect(down.statusCode).toBe(503);
      expect(down.json()).toEqual({
        status: 'unavailable',
        services: { auth: 'SERVING', ledger: 'SERVING', currency: 'SERVING', budgeting: 'SERVING', reporting: expect.stringMatching(/^(UNREACHABLE|NOT_SERVING)$/), goals: 'SERVING', notifications: 'SERVING' },
      });
    } finally {
      await gw.close();
    }
  });

  it('503 when the goals service is stopped, naming it', async () => {
    const gw = await startTestGateway({ HEALTH_CHECK_TIMEOUT_MS: '300' });
    try {
      expect((await gw.app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
      await gw.goals.stop();
      const down = await gw.app.inject({ method: 'GET', url: '/health' });
      expect(down.statusCode).toBe(503);
      expect(down.json()).toEqual({
        status: 'unavailable',
        services: { auth: 'SERVING', ledger: 'SERVING', currency: 'SERVING', budgeting: 'SERVING', reporting: 'SERVING', goals: expect.stringMatching(/^(UNREACHABLE|NOT_SERVING)$/), notifications: 'SERVING' },
      });
    } finally {
      await gw.close();
    }
  });

  it('503 when the notifications service is stopped, naming it', async () => {
    const gw = await startTestGateway({ HEALTH_CHECK_TIMEOUT_MS: '300' });
    try {
      expect((await gw.app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
      await gw.notifications.stop();
      const down = await gw.app.inject({ method: 'GET', url: '/health' });
      expect(down.statusCode).toBe(503);
      expect(down.json()).toEqual({
        status: 'unavailable',
        services: { auth: 'SERVING', ledger: 'SERVING', currency: 'SERVING', budgeting: 'SERVING', reporting: 'SERVING', goals: 'SERVING', notifications: expect.stringMatching(/^(UNREACHABLE|NOT_SERVING)$/) },
      });
    } finally {
      await gw.close();
    }
  });

  it('503 when the currency service is stopped, naming it', async () => {
    const gw = await startTestGateway({ HEALTH_CHECK_TIMEOUT_MS: '300' });
    try {
      expect((await gw.app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
      await gw.currency.stop();
      const down = await gw.app.inject({ method: 'GET', url: '/health' });
      expect(down.statusCode).toBe(503);
      expect(down.json()).toEqual({
        status: 'unavailable',
        services: { auth: 'SERVING', ledger: 'SERVING', currency: expect.stringMatching(/^(UNREACHABLE|NOT_SERVING)$/), budgeting: 'SERVING', reporting: 'SERVING', goals: 'SERVING', notifications: 'SERVING' },
      });
    } finally {
      await gw.close();
    }
  });

  it('503 when a service reports NOT_SERVING for its own name (e.g. while it drains)', async () => {
    const gw = await startTestGateway();
    try {
      gw.ledger.setHealth('NOT_SERVING');
      const res = await gw.app.inject({ method: 'GET', url: '/health' });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toEqual({ status: 'unavailable', services: { auth: 'SERVING', ledger: 'NOT_SERVING', currency: 'SERVING', budgeting: 'SERVING', reporting: 'SERVING', goals: 'SERVING', notifications: 'SERVING' } });
      gw.ledger.setHealth('SERVING');
      gw.auth.setHealth('NOT_SERVING');
      const auth = await gw.app.inject({ method: 'GET', url: '/health' });
      expect(auth.statusCode).toBe(503);
      expect(auth.json()).toEqual({ status: 'unavailable', services: { auth: 'NOT_SERVING', ledger: 'SERVING', currency: 'SERVING', budgeting: 'SERVING', reporting: 'SERVING', goals: 'SERVING', notifications: 'SERVING' } });
      gw.auth.setHealth('SERVING');
      gw.budgeting.setHealth('NOT_SERVING');
      const budgeting = await gw.app.inject({ method: 'GET', url: '/health' });
      expect(budgeting.statusCode).toBe(503);
      expect(budgeting.json()).toEqual({ status: 'unavailable', services: { auth: 'SERVING', ledger: 'SERVING', currency: 'SERVING', budgeting: 'NOT_SERVING', reporting: 'SERVING', goals: 'SERVING', notifications: 'SERVING' } });
      gw.budgeting.setHealth('SERVING');
      gw.reporting.setHealth('NOT_SERVING');
      const reporting = await gw.app.inject({ method: 'GET', url: '/health' });
      expect(reporting.statusCode).toBe(503);
      expect(reporting.json()).toEqual({ status: 'unavailable', services: { auth: 'SERVING', ledger: 'SERVING', currency: 'SERVING', budgeting: 'SERVING', reporting: 'NOT_SERVING', goals: 'SERVING', notifications: 'SERVING' } });
    } finally {
      await gw.close();
    }
  });

  it('reports every configured service by name', async () => {
    const gw = await startTestGateway({}, { healthChecks: { auth: async () => 'SERVING', ledger: async () => 'UNREACHABLE' } });
    try {
      const res = await gw.app.inject({ method: 'GET', url: '/health' });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toEqual({ status: 'unavailable', services: { auth: 'SERVING', ledger: 'UNREACHABLE' } });
    } finally {
      await gw.close();
    }
  });
});
