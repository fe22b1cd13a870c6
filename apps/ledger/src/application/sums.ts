import { MAX_STORED_MINOR } from '@finance/money';
import { errors } from '../domain/errors.js';
import { validateSumRequest, type SumRequestInput } from '../domain/sums.js';
import { sumTransactionsInSql, type SumRowData } from '../persistence/sum.queries.js';
import type { LedgerContext } from './context.js';
import { requireUserId } from './users.js';

/**
 * Sums of the user's transactions over an inclusive date range, by category or by period, per
 * currency and type (amounts in different currencies are never added together).
 */
export async function sumTransactions(ctx: LedgerContext, input: SumRequestInput & { userId: string }): Promise<SumRowData[]> {
  const userId = requireUserId(input.userId);
  const request = validateSumRequest(input);
  const rows = await sumTransactionsInSql(ctx.orm.em.fork(), userId, request);
  // int64 on the wire: a total beyond it (many near-maximal amounts) is refused, never wrapped.
  if (rows.some((r) => BigInt(r.total) > MAX_STORED_MINOR)) throw errors.sumTooLarge();
  return rows;
}
