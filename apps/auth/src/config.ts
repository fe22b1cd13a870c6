import { z } from 'zod';
import { baseEnv } from '@finance/platform';
import { ownAddressEnv } from '@finance/platform/services';

const seconds = (fallback: number) => z.coerce.number().int().positive().default(fallback);

export const authConfigSchema = z.object({
  ...baseEnv,
  ...ownAddressEnv('auth'),
  JWT_ISSUER: z.string().min(1).default('finance-tracker/auth'),
  JWT_AUDIENCE: z.string().min(1).default('finance-tracker/api'),
  ACCESS_TOKEN_TTL_SECONDS: seconds(15 * 60),
  REFRESH_TOKEN_TTL_SECONDS: seconds(30 * 24 * 3600),
  LOGIN_MAX_FAILURES: z.coerce.number().int().positive().default(10),
  LOGIN_FAILURE_WINDOW_SECONDS: seconds(15 * 60),
  SIGNING_KEY_ROTATION_SECONDS: seconds(30 * 24 * 3600),
});

export type AuthConfig = z.infer<typeof authConfigSchema>;
