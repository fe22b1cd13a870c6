import { formatMoney, isCurrencyCode, listCurrencies, minorToDb, MoneyError, parseMoney, type Money } from '@finance/money';
import type { FieldErrors } from './errors.js';

// Transaction amounts: a decimal string, strictly positive, in the precision of its currency
// (the sign comes from the transaction type). All parsing is @finance/money's; this file only
// decides which field an error belongs to.

/** The currency with the most minor digits: amounts that fail syntax checks against it fail against every currency. */
const FINEST_CURRENCY = listCurrencies().reduce((a, b) => (b.minorUnits > a.minorUnits ? b : a)).code;

export function checkCurrency(errors: FieldErrors, currency: string, path = 'currency'): boolean {
  if (isCurrencyCode(currency)) return true;
  try {
    parseMoney('1', currency);
  } catch (err) {
    if (err instanceof MoneyError) {
      errors.add(path, err.message);
      return false;
    }
    throw err;
  }
  errors.add(path, 'is not a known currency');
  return false;
}

/**
 * Parses a transaction amount in a known currency; a refusal becomes a field error on `path`.
 * Also refuses what PostgreSQL bigint cannot store (15 integer digits of a 4-decimal currency).
 */
export function parseAmount(errors: FieldErrors, amount: string, currency: string, path = 'amount'): Money | undefined {
  try {
    const parsed = parseMoney(amount, currency, { requirePositive: true });
    minorToDb(parsed.minor);
    return parsed;
  } catch (err) {
    if (!(err instanceof MoneyError)) throw err;
    errors.add(path, err.message);
    return undefined;
  }
}

/**
 * Checks what can be checked before the currency is known (it may have to be asked for):
 * syntax, sign, size. The currency's precision is checked once it is known.
 */
export function checkAmountSyntax(errors: FieldErrors, amount: string, path = 'amount'): boolean {
  try {
    parseMoney(amount, FINEST_CURRENCY, { requirePositive: true });
    return true;
  } catch (err) {
    if (!(err instanceof MoneyError)) throw err;
    if (err.reason === 'precision') return true; // too many decimals for any currency; the real currency's message says so
    errors.add(path, err.message);
    return false;
  }
}

/**
 * The same decimal amount in another currency ("12.50" USD → "12.50" EUR): what a user means by
 * changing only the currency of a transaction. Refused when that currency has too few decimals.
 */
export function reexpressAmount(errors: FieldErrors, amount: Money, currency: string): Money | undefined {
  const text = formatMoney(amount);
  try {
    const parsed = parseMoney(text, currency, { requirePositive: true });
    minorToDb(parsed.minor);
    return parsed;
  } catch (err) {
    if (!(err instanceof MoneyError)) throw err;
    errors.add('currency', `the amount ${text} cannot be expressed in ${currency} (${err.message}); send the amount with the currency`);
    return undefined;
  }
}
