import { z } from 'zod';
import { baseEnv } from '@finance/platform';
import { ownAddressEnv, ownMetricsEnv } from '@finance/platform/services';

/** The ECB's feed of the last 90 days (XML): a refresh after an outage of up to three months loses no day. */
export const DEFAULT_RATES_URL = 'https://www.ecb.europa.eu/stats/eurofxref/eurofxref-hist-90d.xml';

export const currencyConfigSchema = z.object({
  ...baseEnv,
  // CURRENCY_GRPC_ADDR (bind); the service calls no other.
  ...ownAddressEnv('currency'),
  // METRICS_PORT (default: the manifest's currency metricsPort) and METRICS_HOST: GET /metrics.
  ...ownMetricsEnv('currency'),
  // Where newer rates come from: an ECB XML feed (daily, 90-day or full history).
  RATES_URL: z.url({ protocol: /^https?$/ }).default(DEFAULT_RATES_URL),
  // Seconds between refreshes (the first runs at start, after the load); 0 = no refresher in this process.
  RATES_REFRESH_INTERVAL_S: z.coerce.number().int().min(0).max(604_800).default(21_600),
  // How long one fetch of RATES_URL may take.
  RATES_FETCH_TIMEOUT_MS: z.coerce.number().int().min(100).max(300_000).default(15_000),
  // A currency whose last rate is more than this many days older than the day asked (while others
  // were published after it) has no usable rate: RATE_UNAVAILABLE, never a years-old rate.
  RATES_MAX_STALE_DAYS: z.coerce.number().int().min(0).max(3_650).default(14),
});

export type CurrencyConfig = z.infer<typeof currencyConfigSchema>;
