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

/** Environment variables every service reads, with the defaults of a local machine. */
export const baseEnv = {
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).default(DEFAULT_DATABASE_URL),
  NATS_URL: z.string().min(1).default(DEFAULT_NATS_URL),
  // Prefix for event subjects, streams and durable consumers; tests use it to stay apart.
  EVENT_NAMESPACE: z.string().regex(/^[a-z0-9]*$/, 'lower-case letters and digits only').default(''),
};

export const env = { grpcAddress };
