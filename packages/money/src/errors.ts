/**
 * Why a money operation was refused. Stable strings: the gateway maps them to
 * API error codes, so renaming one is a breaking change.
 * - format: not a plain decimal (exponent, separators, "+", ".5", text, …)
 * - precision: more fraction digits than the currency has
 * - too_large: more than MAX_INTEGER_DIGITS integer digits, or outside int64 storage
 * - not_positive: zero (or less) where a strictly positive amount is required
 * - negative: a negative amount where negatives are not allowed
 * - unknown_currency: not an active ISO 4217 code usable for amounts
 * - currency_mismatch: arithmetic across two currencies
 */
export type MoneyErrorReason =
  | 'format'
  | 'precision'
  | 'too_large'
  | 'not_positive'
  | 'negative'
  | 'unknown_currency'
  | 'currency_mismatch';

/** The one error type of this package; `message` is plain English a user can act on. */
export class MoneyError extends Error {
  readonly reason: MoneyErrorReason;

  constructor(reason: MoneyErrorReason, message: string) {
    super(message);
    this.name = 'MoneyError';
    this.reason = reason;
  }
}
