import { createRateBook, type CurrencyClient } from '@finance/rates';
import type { Rates } from '../../application/context.js';

/**
 * The Rates port over the currency service (a client from createServiceClient('currency', …)): its
 * ECB rates, cached for the life of the process by @finance/rates (a past day's table is asked once,
 * the latest day's again after 10 minutes). Create one per process.
 */
export function ratesPort(client: CurrencyClient): Rates {
  return createRateBook(client);
}
