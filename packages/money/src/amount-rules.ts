import { listCurrencies, requireCurrency } from './currencies.js';
import { MoneyError } from './errors.js';
import { formatMoney, minorToDb, parseMoney, type Money } from './money.js';

// The rules every service applies to an amount a user sends (a transaction, a budget, a goal):
// strictly positive, within the currency's precision, and storable in a PostgreSQL bigint.

/** The currency with the most minor digits: an amount that fails the syntax checks against it fails against every currency. */
const FINEST_CURRENCY = listCurrencies().reduce((a, b) => (b.minorUnits > a.minorUnits ? b : a)).code;

/** parseMoney(…, {requirePositive}) that also refuses what a bigint column cannot hold (15 integer digits of a 4-decimal currency). */
export function parseStoredAmount(input: unknown, currency: string): Money {
  const parsed = parseMoney(input, currency, { requirePositive: true });
  minorToDb(parsed.minor); // throws MoneyError('too_large') past int64
  return parsed;
}

/**
 * What can be checked before the currency is known (it may still have to be asked for): format,
 * sign and size. Throws the MoneyError; too many decimals is left to the currency's own check.
 */
export function checkAmountSyntax(input: unknown): void {
  try {
    parseMoney(input, FINEST_CURRENCY, { requirePositive: true });
  } catch (err) {
    if (err instanceof MoneyError && err.reason === 'precision') return;
    throw err;
  }
}

/**
 * The same value in another currency ("250.00" USD → 250 JPY): what a user means by changing only
 * the currency of a stored amount. Refused ('precision') when the value has more decimals than the
 * currency allows ("12.50" USD → JPY).
 */
export function reexpressMoney(m: Money, currency: string): Money {
  requireCurrency(currency);
  const text = formatMoney(m).replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
  return parseStoredAmount(text, currency);
}
