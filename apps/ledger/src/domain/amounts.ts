import { checkAmountSyntax as checkMoneySyntax, formatMoney, isCurrencyCode, MoneyError, parseMoney, parseStoredAmount, reexpressMoney, type Money } from '@finance/money';
import type { FieldErrors } from './errors.js';

// Transaction amounts: a decimal string, strictly positive, in the precision of its currency
// (the sign comes from the transaction type). All parsing is @finance/money's; this file only
// decides which field an error belongs to.

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
    return parseStoredAmount(amount, currency);
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
    checkMoneySyntax(amount);
    return true;
  } catch (err) {
    if (!(err instanceof MoneyError)) throw err;
    errors.add(path, err.message);
    return false;
  }
}

/**
 * The same value in another currency ("12.50" USD → "12.50" EUR, "250.00" USD → "250" JPY): what a user means by
 * changing only the currency of a transaction. Refused when that currency has too few decimals.
 */
export function reexpressAmount(errors: FieldErrors, amount: Money, currency: string): Money | undefined {
  try {
    return reexpressMoney(amount, currency);
  } catch (err) {
    if (!(err instanceof MoneyError)) throw err;
    errors.add('currency', `the amount ${formatMoney(amount)} cannot be expressed in ${currency} (${err.message}); send the amount with the currency`);
    return undefined;
  }
}
