import type { RateHistory } from '../domain/rate-history.js';

/** What every use case needs; built once in the composition root. */
export interface CurrencyContext {
  /** Every rate the service has, in memory (loaded at start, grown by the refresher). */
  history: RateHistory;
  /** RATES_MAX_STALE_DAYS. */
  maxStaleDays: number;
  /** The clock: "today" (UTC) is the date of a request without one. */
  now(): Date;
}
