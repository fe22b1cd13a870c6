import { describe, expect, it } from '@jest/globals';
import { loadGatewayConfig } from './config.js';

describe('gateway config', () => {
  it('has the documented defaults', () => {
    expect(loadGatewayConfig({})).toEqual({
      PORT: 8080,
      HOST: '0.0.0.0',
      LOG_LEVEL: 'info',
      NATS_URL: 'nats://127.0.0.1:4222',
      EVENT_NAMESPACE: '',
      SHUTDOWN_DRAIN_MS: 0,
      SHUTDOWN_TIMEOUT_MS: 25000,
      AUTH_GRPC_ADDR: '127.0.0.1:50051',
      LEDGER_GRPC_ADDR: '127.0.0.1:50052',
      BUDGETING_GRPC_ADDR: '127.0.0.1:50053',
      REPORTING_GRPC_ADDR: '127.0.0.1:50054',
      GOALS_GRPC_ADDR: '127.0.0.1:50055',
      CURRENCY_GRPC_ADDR: '127.0.0.1:50056',
      NOTIFICATIONS_GRPC_ADDR: '127.0.0.1:50057',
      METRICS_PORT: 9450,
      METRICS_HOST: '127.0.0.1',
      GRPC_DEADLINE_MS: 5000,
      HEALTH_CHECK_TIMEOUT_MS: 1000,
      TRUST_PROXY: false,
      JWT_ISSUER: 'finance-tracker/auth',
      JWT_AUDIENCE: 'finance-tracker/api',
      ACCESS_TOKEN_MAX_AGE_SECONDS: 900,
      JWKS_REFETCH_COOLDOWN_MS: 10000,
      RATE_LIMIT_PER_MINUTE: 600,
      AUTH_RATE_LIMIT_PER_MINUTE: 300,
      IMPORT_MAX_BYTES: 10 * 1024 * 1024,
    });
  });

  it('reads numbers, flags and proxy lists from strings', () => {
    const config = loadGatewayConfig({ PORT: '9090', TRUST_PROXY: 'true', RATE_LIMIT_PER_MINUTE: '5', AUTH_GRPC_ADDR: 'auth:50051', LEDGER_GRPC_ADDR: 'ledger:50052', BUDGETING_GRPC_ADDR: 'budgeting:50053', REPORTING_GRPC_ADDR: 'reporting:50054' });
    expect(config).toMatchObject({
      PORT: 9090,
      TRUST_PROXY: true,
      RATE_LIMIT_PER_MINUTE: 5,
      AUTH_GRPC_ADDR: 'auth:50051',
      LEDGER_GRPC_ADDR: 'ledger:50052',
      BUDGETING_GRPC_ADDR: 'budgeting:50053',
      REPORTING_GRPC_ADDR: 'reporting:50054',
    });
    expect(loadGatewayConfig({ TRUST_PROXY: '10.0.0.0/8, 127.0.0.1' }).TRUST_PROXY).toEqual(['10.0.0.0/8', '127.0.0.1']);
    expect(loadGatewayConfig({ TRUST_PROXY: '0' }).TRUST_PROXY).toBe(false);
  });

  it('fails fast naming every bad variable', () => {
    expect(() => loadGatewayConfig({ PORT: 'eighty', RATE_LIMIT_PER_MINUTE: '0', AUTH_GRPC_ADDR: 'no-port', PORT_EXTRA: 'x' })).toThrow(
      /PORT[\s\S]*RATE_LIMIT_PER_MINUTE|RATE_LIMIT_PER_MINUTE[\s\S]*PORT/,
    );
    expect(() => loadGatewayConfig({ AUTH_GRPC_ADDR: 'no-port' })).toThrow(/AUTH_GRPC_ADDR/);
    expect(() => loadGatewayConfig({ LEDGER_GRPC_ADDR: 'ledger' })).toThrow(/LEDGER_GRPC_ADDR/);
    expect(() => loadGatewayConfig({ BUDGETING_GRPC_ADDR: 'budgeting' })).toThrow(/BUDGETING_GRPC_ADDR/);
    expect(() => loadGatewayConfig({ REPORTING_GRPC_ADDR: 'reporting' })).toThrow(/REPORTING_GRPC_ADDR/);
    expect(() => loadGatewayConfig({ PORT: '' })).toThrow(/PORT/);
    expect(() => loadGatewayConfig({ PORT: '70000' })).toThrow(/PORT/);
  });
});
