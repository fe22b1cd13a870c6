import { baseEnv, loadConfig, metricsEnv, shutdownEnv } from '@finance/platform';
import { addressEnv, GATEWAY_METRICS_PORT, SERVICES } from '@finance/platform/services';
import { z } from 'zod';

/** A whole number read from an environment variable, within [min, max]. */
function integer(min: number, max: number) {
  return z
    .string()
    .trim()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));
}

/**
 * `TRUST_PROXY`: `false` (default) uses the socket address as the client address; `true` trusts every
 * `X-Forwarded-For` hop; a comma-separated list of addresses/CIDRs trusts only those proxies.
 */
const trustProxy = z
  .string()
  .trim()
  .min(1)
  .transform((value): boolean | string[] => {
    const lower = value.toLowerCase();
    if (lower === 'true' || lower === '1') return true;
    if (lower === 'false' || lower === '0') return false;
    return value
      .split(',')
      .map((part) => part.trim())
      .filter((part) => part.length > 0);
  });

/** Every environment variable the gateway reads, with the defaults of a local machine. */
export const gatewayConfigSchema = z.object({
  PORT: integer(0, 65535).default(8080),
  HOST: z.string().trim().min(1).default('0.0.0.0'),
  LOG_LEVEL: baseEnv.LOG_LEVEL,
  // Only read by the revocation feed (auth.user.deleted.v1, auth.session.revoked.v1); the gateway publishes nothing.
  NATS_URL: baseEnv.NATS_URL,
  EVENT_NAMESPACE: baseEnv.EVENT_NAMESPACE,
  // SHUTDOWN_DRAIN_MS (not ready but serving, with `Connection: close`) and SHUTDOWN_TIMEOUT_MS, as for every service.
  ...shutdownEnv,
  // <SERVICE>_GRPC_ADDR of every service in the manifest, with its default port.
  ...addressEnv(...SERVICES.map((s) => s.name)),
  // GET /metrics on a port of its own (default 9450), never on PORT: the public API does not show it.
  ...metricsEnv(GATEWAY_METRICS_PORT),
  GRPC_DEADLINE_MS: integer(1, 120_000).default(5000),
  HEALTH_CHECK_TIMEOUT_MS: integer(1, 30_000).default(1000),
  TRUST_PROXY: trustProxy.default(false),
  JWT_ISSUER: z.string().min(1).default('finance-tracker/auth'),
  JWT_AUDIENCE: z.string().min(1).default('finance-tracker/api'),
  // Tokens older than this (by `iat`) are refused whatever their `exp`; revocations last this long.
  ACCESS_TOKEN_MAX_AGE_SECONDS: integer(1, 86_400).default(900),
  // After a refetch of auth's public keys, an unknown `kid` waits this long before the next refetch.
  JWKS_REFETCH_COOLDOWN_MS: integer(0, 3_600_000).default(10_000),
  RATE_LIMIT_PER_MINUTE: integer(1, 1_000_000).default(600),
  AUTH_RATE_LIMIT_PER_MINUTE: integer(1, 1_000_000).default(300),
  // POST /import/csv: the largest file taken (413 beyond), 10 MiB by default. At most 30 MiB: the
  // file travels to reporting in one gRPC message, and reporting takes messages up to 32 MiB.
  IMPORT_MAX_BYTES: integer(1, 30 * 1024 * 1024).default(10 * 1024 * 1024),
});

export type GatewayConfig = z.output<typeof gatewayConfigSchema>;

/** Reads the gateway's configuration from `env` (default `process.env`); throws a ConfigError naming every bad variable. */
export function loadGatewayConfig(source: NodeJS.ProcessEnv = process.env): GatewayConfig {
  return loadConfig(gatewayConfigSchema, source);
}
