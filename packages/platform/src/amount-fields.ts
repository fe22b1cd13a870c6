import { checkAmountSyntax as checkMoneySyntax, formatMoney, isCurrencyCode, MoneyError, parseStoredAmount, reexpressMoney, requireCurrency, type Money } from '@finance/money';
import type { FieldErrors } from './errors.js';

// An amount a user sends (a transaction, a budget): a decimal string, strictly positive, in the
// precision of its currency. All parsing is @finance/money's; these only decide which field a
// MoneyError belongs to and record it there instead of throwing.

/** A known currency code; otherwise a field error on `path` saying why (e.g. lower case). */
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

/**
 * Parses an amount in a known currency (> 0, the currency's precision, storable as a PostgreSQL
 * bigint); a refusal becomes a field error on `path`.
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
 * What can be checked before the currency is known (it may have to be asked for): syntax, sign,
 * size. The currency's precision is checked once it is known.
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
 * The same value in another currency ("12.50" USD → "12.50" EUR, "250.00" USD → "250" JPY): what a
 * user means by changing only the currency. Trailing zero decimals are dropped first, so only an
 * amount that really has more decimals than the new currency allows ("12.50" USD → JPY) is refused,
 * as a field error on `currency`.
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

/**
 * The amount after an update that may change the amount, the currency, or both: a new amount is
 * parsed in the (new) currency; a new currency alone keeps the value (`reexpressAmount`). Errors go
 * to `amount` or `currency`; undefined when nothing changes the amount or a field is refused.
 */
export function changedAmount(errors: FieldErrors, current: Money, input: { amount?: string | undefined; currency?: string | undefined }): Money | undefined {
  const currencyOk = input.currency === undefined || checkCurrency(errors, input.currency);
  const currency = input.currency ?? current.currency;
  if (input.amount !== undefined) {
    if (currencyOk) return parseAmount(errors, input.amount, currency);
    checkAmountSyntax(errors, input.amount);
    return undefined;
  }
  if (input.currency !== undefined && currencyOk && currency !== current.currency) return reexpressAmount(errors, current, currency);
  return undefined;
}
