import { checkAmountSyntax as checkMoneySyntax, formatMoney, isCurrencyCode, MoneyError, parseStoredAmount, reexpressMoney, requireCurrency, type Money } from '@finance/money';
import type { FieldErrors } from './errors.js';

// Budget amounts: a decimal string, strictly positive, in the precision of the budget's currency.
// All parsing is @finance/money's; this file only decides which field an error belongs to.

export function checkCurrency(errors: FieldErrors, currency: string, path = 'currency'): boolean {
  if (isCurrencyCode(currency)) return true;
  try {
    requireCurrency(currency);
  } catch (err) {
    if (!(err instanceof MoneyError)) throw err;
    errors.add(path, err.message);
    return false;
  }
  errors.add(path, 'is not a known currency');
  return false;
}

/** Parses an amount in a known currency (> 0, the currency's precision, storable as bigint); a refusal is a field error. */
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
 * What can be checked before the currency is known (it may have to be asked from auth): syntax,
 * sign, size. The currency's precision is checked once it is known.
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
 * The same amount in another currency ("250.00" USD → "250" JPY): what a user means by changing
 * only the currency of a budget. Trailing zero decimals are dropped first, so only an amount that
 * really has more decimals than the new currency allows ("12.50" USD → JPY) is refused.
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
