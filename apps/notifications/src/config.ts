import { z } from 'zod';
import { baseEnv } from '@finance/platform';
import { ownAddressEnv, ownMetricsEnv } from '@finance/platform/services';

export const DEFAULT_MAIL_FROM = 'Finance Tracker <no-reply@finance-tracker.local>';

export const notificationsConfigSchema = z.object({
  ...baseEnv,
  // NOTIFICATIONS_GRPC_ADDR (bind) and AUTH_GRPC_ADDR (a user's snapshot when none is stored: GetUser).
  ...ownAddressEnv('notifications'),
  // METRICS_PORT (default: the manifest's notifications metricsPort) and METRICS_HOST: GET /metrics.
  ...ownMetricsEnv('notifications'),
  // Where e-mails go: smtp://host:port (smtps:// for TLS; user:password@ when the server wants them).
  // Compose points it at Mailpit (smtp://mailpit:1025).
  SMTP_URL: z.url({ protocol: /^smtps?$/ }).default('smtp://127.0.0.1:1025'),
  // The From header of every e-mail; its domain also names the Message-IDs.
  MAIL_FROM: z.string().trim().min(3).default(DEFAULT_MAIL_FROM),
  // The longest pause between two scans of the e-mail outbox (a queued e-mail wakes the worker at
  // once; a retry wakes it when due). 0 = no worker (tests that drive it by hand).
  MAIL_SCAN_INTERVAL_MS: z.coerce.number().int().min(0).max(3_600_000).default(5_000),
  // Retries while SMTP fails: the first after MAIL_RETRY_BASE_MS, doubling to at most MAIL_RETRY_MAX_MS.
  MAIL_RETRY_BASE_MS: z.coerce.number().int().min(1).max(3_600_000).default(5_000),
  MAIL_RETRY_MAX_MS: z.coerce.number().int().min(1).max(86_400_000).default(900_000),
  // Connect, greeting and socket timeouts of one SMTP attempt.
  SMTP_TIMEOUT_MS: z.coerce.number().int().min(100).max(300_000).default(10_000),
});

export type NotificationsConfig = z.infer<typeof notificationsConfigSchema>;
