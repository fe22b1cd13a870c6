import { z } from 'zod';
import { baseEnv, env } from '@finance/platform';

const seconds = (fallback: number) => z.coerce.number().int().positive().default(fallback);

export const authConfigSchema = z.object({
  ...baseEnv,
  AUTH_GRPC_ADDR: env.grpcAddress.default('127.0.0.1:50051'),
  JWT_ISSUER: z.string().min(1).default('finance-tracker/auth'),
  JWT_AUDIENCE: z.string().min(1).default('finance-tracker/api'),
  ACCESS_TOKEN_TTL_SECONDS: seconds(15 * 60),
  REFRESH_TOKEN_TTL_SECONDS: seconds(30 * 24 * 3600),
  LOGIN_MAX_FAILURES: z.coerce.number().int().positive().default(10),
  LOGIN_FAILURE_WINDOW_SECONDS: seconds(15 * 60),
  SIGNING_KEY_ROTATION_SECONDS: seconds(30 * 24 * 3600),
});

export type AuthConfig = z.infer<typeof authConfigSchema>;
