import { z } from 'zod';
import { baseEnv } from '@finance/platform';
import { ownAddressEnv, ownMetricsEnv } from '@finance/platform/services';
import { KeySealingError, parseSealingKey } from './domain/key-sealing.js';

const seconds = (fallback: number) => z.coerce.number().int().positive().default(fallback);

export const authConfigSchema = z.object({
  ...baseEnv,
  ...ownAddressEnv('auth'),
  // METRICS_PORT (default: the manifest's auth metricsPort) and METRICS_HOST: GET /metrics.
  ...ownMetricsEnv('auth'),
  JWT_ISSUER: z.string().min(1).default('finance-tracker/auth'),
  JWT_AUDIENCE: z.string().min(1).default('finance-tracker/api'),
  ACCESS_TOKEN_TTL_SECONDS: seconds(15 * 60),
  REFRESH_TOKEN_TTL_SECONDS: seconds(30 * 24 * 3600),
  LOGIN_MAX_FAILURES: z.coerce.number().int().positive().default(10),
  LOGIN_FAILURE_WINDOW_SECONDS: seconds(15 * 60),
  SIGNING_KEY_ROTATION_SECONDS: seconds(30 * 24 * 3600),
  // 32 random bytes (base64url): private signing keys are stored encrypted with it. Unset, they are
  // stored as plain JWKs (a local machine); once set, it must stay set (see the README).
  SIGNING_KEY_ENCRYPTION_KEY: z
    .string()
    .transform((text, ctx) => {
      try {
        return parseSealingKey(text);
      } catch (err) {
        if (!(err instanceof KeySealingError)) throw err;
        ctx.addIssue({ code: 'custom', message: err.message });
        return z.NEVER;
      }
    })
    .optional(),
});

export type AuthConfig = z.infer<typeof authConfigSchema>;
