import type { IsoDate } from '@finance/calendar';
import type { Money } from '@finance/money';
import { DomainError } from '@finance/platform/errors';
import { RATE_UNAVAILABLE } from '@finance/rates';
import type { GoalValue } from '../persistence/contribution.queries.js';
import type { Rates } from './context.js';

/**
 * What a part of a transaction adds to a goal: `amount` (the transaction's currency) in the goal's
 * currency at the ECB rates of the transaction's date (the last published day on or before it),
 * crossed through EUR and rounded once, half-even (@finance/rates). The same currency is the amount
 * itself, rate "1", on the transaction's date, without asking anyone. Throws RATE_UNAVAILABLE
 * (invalid_argument, 422) or the currency service's CURRENCY_UNAVAILABLE / _DEADLINE_EXCEEDED.
 */
export async function goalValueOf(rates: Rates, amount: Money, goalCurrency: string, transactionDate: IsoDate): Promise<GoalValue> {
  const { converted, rate, rateDate } = await rates.convert(amount, goalCurrency, transactionDate);
  return { goalAmountMinor: converted.minor, rate, rateDate };
}

/** The same, undefined when no rate is usable on that date (a verdict of the rates, not a failure to reach them). */
export async function goalValueIfRated(rates: Rates, amount: Money, goalCurrency: string, transactionDate: IsoDate): Promise<GoalValue | undefined> {
  try {
    return await goalValueOf(rates, amount, goalCurrency, transactionDate);
  } catch (err) {
    if (err instanceof DomainError && err.code === RATE_UNAVAILABLE) return undefined;
    throw err;
  }
}
