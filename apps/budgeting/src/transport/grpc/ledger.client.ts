import { fromCalendarDate, toCalendarDate } from '@finance/calendar';
import { DomainError, type ServiceClient } from '@finance/platform';
import { ledgerV1 } from '@finance/proto';
import type { Ledger } from '../../application/context.js';
import type { DailySpending } from '../../domain/analysis.js';
import { errors } from '../../domain/errors.js';

export type LedgerClient = ServiceClient<typeof ledgerV1.LedgerServiceService>;

/**
 * The Ledger port over the ledger's gRPC API (a client from createServiceClient('ledger', …)). Categories come from GetCategory (NOT_FOUND = not
 * one of the user's); spending from SumTransactions (EXPENSE, grouped by DAY so that one call
 * covers the analysed period and its history, restricted to the budget's category if it has one).
 */
export function ledgerPort(client: LedgerClient): Ledger {
  return {
    async findCategory(userId, categoryId) {
      try {
        const { category } = await client.getCategory({ userId, id: categoryId });
        return category ? { id: category.id, name: category.name } : undefined;
      } catch (err) {
        if (err instanceof DomainError && err.kind === 'not_found') return undefined;
        throw err;
      }
    },

    async expensesByDay(userId, query) {
      let rows: ledgerV1.SumRow[];
      try {
        ({ rows } = await client.sumTransactions({
          userId,
          from: toCalendarDate(query.from),
          to: toCalendarDate(query.to),
          transactionType: ledgerV1.TransactionType.TRANSACTION_TYPE_EXPENSE,
          grouping: ledgerV1.SumGrouping.SUM_GROUPING_DAY,
          categoryIds: query.categoryId === null ? [] : [query.categoryId],
          // Every currency: the budget's own are most rows and are needed per day anyway (the days
          // are bucketed into the periods), so restricting would only add a call.
          currencies: [],
        }));
      } catch (err) {
        // A total beyond int64 (LEDGER_SUM_TOO_LARGE).
        if (err instanceof DomainError && err.kind === 'failed_precondition') throw errors.sumTooLarge();
        throw err;
      }
      return rows.map((row): DailySpending => {
        const day = row.periodStart && fromCalendarDate(row.periodStart);
        if (!day || !row.total || !/^-?\d+$/.test(row.total.minorUnits)) throw new Error('the ledger answered a sum row without a day or a total');
        return { day, currency: row.total.currency, minor: BigInt(row.total.minorUnits) };
      });
    },
  };
}
