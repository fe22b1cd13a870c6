import { z } from 'zod';

/** Thrown when the environment does not describe a runnable service; the message names every bad variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses `env` once with a zod object schema; fails fast with one line per problem. */
export function loadConfig<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const parsed = schema.safeParse(env);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((issue) => {
    const name = issue.path.join('.') || '(environment)';
    return `  ${name}: ${issue.message}${name in env ? ` (got ${JSON.stringify(env[name])})` : ''}`;
  });
  throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
}

export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/finance';
export const DEFAULT_NATS_URL = 'nats://127.0.0.1:4222';

const grpcAddress = z
  .string()
  .regex(/^[\w.-]+:\d{1,5}$|^\[[0-9a-fA-F:]+\]:\d{1,5}$/, 'must be host:port');

/** A whole number of milliseconds read from an environment variable, within [0, max]. */
const milliseconds = (max: number) => z.coerce.number().int().min(0).max(max);

/**
 * How a process stops on SIGTERM (onShutdown, shutdown.ts): it keeps serving while reporting not
 * ready for SHUTDOWN_DRAIN_MS (load balancers and Kubernetes endpoints stop sending it work), then
 * stops taking work and finishes what is in flight; everything must be over within
 * SHUTDOWN_TIMEOUT_MS of the signal (below Kubernetes' 30 s terminationGracePeriodSeconds) or the
 * process exits 1.
 */
export const shutdownEnv = {
  SHUTDOWN_DRAIN_MS: milliseconds(300_000).default(0),
  SHUTDOWN_TIMEOUT_MS: milliseconds(600_000).default(25_000),
};

/** Environment variables every service reads, with the defaults of a local machine. */
export const baseEnv = {
  ...shutdownEnv,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).default(DEFAULT_DATABASE_URL),
  NATS_URL: z.string().min(1).default(DEFAULT_NATS_URL),
  // Prefix for event subjects, streams and durable consumers; tests use it to stay apart.
  EVENT_NAMESPACE: z.string().regex(/^[a-z0-9]*$/, 'lower-case letters and digits only').default(''),
  // false: the service applies no migrations at start and refuses to start while any is pending
  // (migrateOnStart), because a migration run per release applies them (the Kubernetes Job).
  MIGRATE_ON_START: z.stringbool().default(true),
};

/**
 * METRICS_PORT and METRICS_HOST: where a process serves GET /metrics (startMetricsServer), on a port
 * of its own. `defaultPort` is the manifest's `metricsPort` (the gateway's 9450); 0 = any free port
 * (tests). The host defaults to loopback: containers set 0.0.0.0 so the scraper reaches it.
 */
export function metricsEnv(defaultPort: number) {
  return {
    METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(defaultPort),
    METRICS_HOST: z.string().trim().min(1).default('127.0.0.1'),
  };
}

export const env = { grpcAddress };
