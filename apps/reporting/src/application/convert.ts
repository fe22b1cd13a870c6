import type { IsoDate } from '@finance/calendar';
import { money } from '@finance/money';
import { DomainError } from '@finance/platform/errors';
import { RATE_UNAVAILABLE } from '@finance/rates';
import type { Rates } from './context.js';
import { settleInOrder } from './settle.js';

/** A ledger sum of one day in one currency (and whatever else groups it: a category, a type). */
export interface DatedSum {
  day: IsoDate;
  currency: string;
  minor: bigint;
}

/**
 * Each sum in `to`: one in another currency is converted at the rates of its own day (crossed
 * through EUR, rounded once, half-even, to `to`'s minor units), so rounding happens once per ledger
 * row — per (day, currency) and, where the report splits further, per category or type. A currency
 * without a usable rate that day (RATE_UNAVAILABLE) stays as it was: the report leaves it out and
 * lists it. The currency service unavailable fails the report (CURRENCY_UNAVAILABLE), never a
 * partial answer. Sums already in `to` ask nothing; the rates of a day are cached (@finance/rates).
 * The order of the sums is not kept (the reports sort or bucket them).
 */
export async function inCurrency<S extends DatedSum>(rates: Rates, to: string, sums: readonly S[]): Promise<S[]> {
  // Only sums in another currency wait for a rate; most rows of most users are in `to` already.
  const foreign = sums.filter((sum) => sum.currency !== to);
  if (!foreign.length) return [...sums];
  const converted = await settleInOrder(
    foreign.map(async (sum): Promise<S> => {
      try {
        const { converted: m } = await rates.convert(money(sum.minor, sum.currency), to, sum.day);
        return { ...sum, currency: m.currency, minor: m.minor };
      } catch (err) {
        if (err instanceof DomainError && err.code === RATE_UNAVAILABLE) return sum;
        throw err;
      }
    }),
  );
  return [...sums.filter((sum) => sum.currency === to), ...converted];
}
