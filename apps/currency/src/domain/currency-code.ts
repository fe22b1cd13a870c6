import { getCurrency, type Currency } from '@finance/money';
import { errors } from './errors.js';

/**
 * The active ISO 4217 currency of field `path` (upper case, as amounts are stored), or
 * CURRENCY_UNKNOWN naming the field: "usd" is refused with a hint, not folded, since codes are
 * compared as they are everywhere else.
 */
export function requireCurrencyCode(code: string, path: string): Currency {
  const currency = getCurrency(code);
  if (currency) return currency;
  if (code === '') throw errors.currencyUnknown(path, 'is required: an ISO 4217 code in upper case, like "USD"');
  if (/^[a-z]{3}$/i.test(code) && getCurrency(code.toUpperCase())) {
    throw errors.currencyUnknown(path, `must be upper case: use "${code.toUpperCase()}" instead of "${code}"`);
  }
  throw errors.currencyUnknown(path, `${JSON.stringify(code.slice(0, 20))} is not an active ISO 4217 currency code (like "USD" or "EUR")`);
}
