import type { IsoDate } from '@finance/calendar';
import { money } from '@finance/money';
import { DomainError } from '@finance/platform';
import { RATE_UNAVAILABLE, type RateBook } from './rate-book.js';

/** A sum of one day in one currency (and whatever else groups it: a category, a type). */
export interface DatedSum {
  day: IsoDate;
  currency: string;
  minor: bigint;
}

/**
 * Each sum in `to`, in the order given: one in another currency is converted at the rates of its own
 * day (crossed through EUR, rounded once, half-even, to `to`'s minor units), so rounding happens once
 * per sum; every other field is kept. A currency without a usable rate that day (RATE_UNAVAILABLE)
 * stays as it was, for the caller to leave out and list. Any other failure (the currency service
 * unavailable) fails the whole answer, never a partial one, but only once every conversion has
 * settled (none left running, no rejection unhandled), and it is the failure of the first failing
 * sum in order, whatever finished first. Sums already in `to` ask nothing.
 */
export async function convertSums<S extends DatedSum>(book: RateBook, to: string, sums: readonly S[]): Promise<S[]> {
  // Most sums of most users are in `to` already: they wait for nothing.
  if (sums.every((sum) => sum.currency === to)) return [...sums];
  const results = await Promise.allSettled(
    sums.map(async (sum): Promise<S> => {
      if (sum.currency === to) return sum;
      try {
        const { converted } = await book.convert(money(sum.minor, sum.currency), to, sum.day);
        return { ...sum, currency: converted.currency, minor: converted.minor };
      } catch (err) {
        if (err instanceof DomainError && err.code === RATE_UNAVAILABLE) return sum;
        throw err;
      }
    }),
  );
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return results.map((r) => (r as PromiseFulfilledResult<S>).value);
}
