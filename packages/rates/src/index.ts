// @finance/rates: the ECB euro reference rates of the currency service, cached in each service that
// converts (reporting, budgeting, goals). An amount is converted at the rates usable on its date (the
// last published day on or before it), crossed through EUR, rounded once half-even to the target's
// minor units; a currency without a usable rate is RATE_UNAVAILABLE, never 1:1.
export { createRateBook, rateUnavailable, RATE_UNAVAILABLE, DEFAULT_LATEST_TTL_MS, RATE_BOOK_CAPACITY, type Converted, type RateBook, type RateBookOptions, type CurrencyClient } from './rate-book.js';
export { convertSums, type DatedSum } from './convert-sums.js';
