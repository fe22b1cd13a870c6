import { money } from '@finance/money';
import { DomainError } from '@finance/platform/errors';
import { RATE_UNAVAILABLE } from '@finance/rates';
import type { DailySpending } from '../domain/analysis.js';
import type { Rates } from './context.js';

/**
 * Each day's expenses in `to` (the budget's currency): a sum in another currency is converted at
 * the rates of its own day (crossed through EUR, rounded once, half-even, to `to`'s minor units), so
 * rounding happens once per (day, currency). A currency without a usable rate that day
 * (RATE_UNAVAILABLE) stays as it was: the analysis leaves it out and lists it. The currency service
 * unavailable fails the analysis (CURRENCY_UNAVAILABLE), never a partial `spent`. Sums already in
 * `to` ask nothing; the rates of a day are cached (@finance/rates).
 */
export async function inCurrency(rates: Rates, to: string, spending: readonly DailySpending[]): Promise<DailySpending[]> {
  const results = await Promise.allSettled(
    spending.map(async (day): Promise<DailySpending> => {
      if (day.currency === to) return day;
      try {
        const { converted } = await rates.convert(money(day.minor, day.currency), to, day.date);
        return { date: day.date, currency: converted.currency, minor: converted.minor };
      } catch (err) {
        if (err instanceof DomainError && err.code === RATE_UNAVAILABLE) return day;
        throw err;
      }
    }),
  );
  // Every conversion has settled (none left running); the first failure in order is the answer.
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return results.map((r) => (r as PromiseFulfilledResult<DailySpending>).value);
}
