import { fromCalendarDate, toCalendarDate } from '@finance/calendar';
import type { ServiceClient } from '@finance/platform';
import { ledgerV1 } from '@finance/proto';
import type { Ledger } from '../../application/context.js';
import type { PeriodSum } from '../../domain/income-vs-expense.js';
import type { DateRange } from '../../domain/range.js';
import { asReportingError, int64FromWire } from './dependency-verdicts.js';

export type LedgerClient = ServiceClient<typeof ledgerV1.LedgerServiceService>;
/** The ledger's largest page. */
const CATEGORY_PAGE_SIZE = 200;

const { SumGrouping, TransactionType } = ledgerV1;

const money = (row: ledgerV1.SumRow) => {
  if (!row.total?.currency) throw new Error('the ledger answered a sum row without a total');
  return { currency: row.total.currency, minor: int64FromWire(row.total.minorUnits, 'SumRow.total.minor_units') };
};

const dayOf = (row: ledgerV1.SumRow) => {
  const day = row.periodStart && fromCalendarDate(row.periodStart);
  if (!day) throw new Error('the ledger answered a sum row without a day');
  return day;
};

/**
 * The Ledger port over the ledger's gRPC API: SumTransactions (grouped in the ledger's SQL, exact
 * minor units as int64 strings; per day, so that reporting converts each day at its own rate) and
 * every page of ListCategories.
 */
export function ledgerPort(client: LedgerClient): Ledger {
  async function sum(userId: string, range: DateRange, type: ledgerV1.TransactionType, grouping: ledgerV1.SumGrouping) {
    try {
      const { rows } = await client.sumTransactions(
        { userId, from: toCalendarDate(range.from), to: toCalendarDate(range.to), transactionType: type, grouping, categoryIds: [] },
      );
      return rows;
    } catch (err) {
      throw asReportingError(err);
    }
  }

  return {
    async expensesByDayAndCategory(userId, range) {
      const rows = await sum(userId, range, TransactionType.TRANSACTION_TYPE_EXPENSE, SumGrouping.SUM_GROUPING_DAY_CATEGORY);
      return rows.map((row) => ({ categoryId: row.categoryId || null, day: dayOf(row), ...money(row), count: int64FromWire(row.count, 'SumRow.count') }));
    },

    async sumsByDay(userId, range) {
      const rows = await sum(userId, range, TransactionType.TRANSACTION_TYPE_UNSPECIFIED, SumGrouping.SUM_GROUPING_DAY);
      return rows.map((row): PeriodSum => {
        const type =
          row.transactionType === TransactionType.TRANSACTION_TYPE_INCOME ? 'income' : row.transactionType === TransactionType.TRANSACTION_TYPE_EXPENSE ? 'expense' : undefined;
        if (!type) throw new Error(`the ledger answered a sum row of transaction type ${row.transactionType}`);
        return { type, day: dayOf(row), ...money(row) };
      });
    },

    async categoryNames(userId) {
      const names = new Map<string, string>();
      const seen = new Set<string>();
      let cursor = '';
      do {
        let page: ledgerV1.ListCategoriesResponse;
        try {
          page = await client.listCategories({ userId, page: { limit: CATEGORY_PAGE_SIZE, cursor } });
        } catch (err) {
          throw asReportingError(err);
        }
        for (const category of page.items) names.set(category.id, category.name);
        cursor = page.page?.nextCursor ?? '';
        // A cursor handed out twice would loop for ever.
        if (seen.has(cursor)) throw new Error('the ledger answered the same category cursor twice');
        seen.add(cursor);
      } while (cursor);
      return names;
    },
  };
}
