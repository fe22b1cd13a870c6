import { fromCalendarDate, toCalendarDate } from '@finance/calendar';
import { formatMoney, money as moneyOf } from '@finance/money';
import { DomainError, type ServiceClient } from '@finance/platform';
import { ledgerV1 } from '@finance/proto';
import type { Ledger, LedgerRowRejection } from '../../application/context.js';
import type { ExportTransaction } from '../../domain/csv/csv-format.js';
import type { ImportRow } from '../../domain/csv/import-rows.js';
import type { PeriodSum } from '../../domain/income-vs-expense.js';
import type { IntervalKind } from '../../domain/intervals.js';
import type { DateRange } from '../../domain/range.js';
import type { CategorySum } from '../../domain/spending.js';
import { asReportingError, int64FromWire } from './dependency-verdicts.js';

export type LedgerClient = ServiceClient<typeof ledgerV1.LedgerServiceService>;
/** The ledger's largest page. */
const CATEGORY_PAGE_SIZE = 200;
/**
 * A client deadline covers a whole stream, and a large export takes longer than one unary call's
 * 5 s: the caller's own deadline (the gateway's, inherited through the call scope) is what bounds it.
 */
const EXPORT_STREAM_DEADLINE_MS = 10 * 60_000;

/**
 * One ImportTransactions call (a stream of the file's rows) writes up to IMPORT_MAX_ROWS (100,000)
 * rows in one database transaction; the gateway's own deadline for the request (longer) is what
 * bounds it further.
 */
export const IMPORT_DEADLINE_MS = 120_000;

const { SumGrouping, TransactionType } = ledgerV1;

const GROUPING: Record<IntervalKind, ledgerV1.SumGrouping> = {
  day: SumGrouping.SUM_GROUPING_DAY,
  week: SumGrouping.SUM_GROUPING_WEEK,
  month: SumGrouping.SUM_GROUPING_MONTH,
  year: SumGrouping.SUM_GROUPING_YEAR,
};

const money = (row: ledgerV1.SumRow) => {
  if (!row.total?.currency) throw new Error('the ledger answered a sum row without a total');
  return { currency: row.total.currency, minor: int64FromWire(row.total.minorUnits, 'SumRow.total.minor_units') };
};

const categorySum = (row: ledgerV1.SumRow): CategorySum => ({ categoryId: row.categoryId || null, ...money(row), count: int64FromWire(row.count, 'SumRow.count') });

const periodSum = (row: ledgerV1.SumRow): PeriodSum => {
  const type =
    row.transactionType === TransactionType.TRANSACTION_TYPE_INCOME ? 'income' : row.transactionType === TransactionType.TRANSACTION_TYPE_EXPENSE ? 'expense' : undefined;
  if (!type) throw new Error(`the ledger answered a sum row of transaction type ${row.transactionType}`);
  return { type, day: dayOf(row), ...money(row) };
};

function dayOf(row: ledgerV1.SumRow) {
  const day = row.periodStart && fromCalendarDate(row.periodStart);
  if (!day) throw new Error('the ledger answered a sum row without a day');
  return day;
}

/** A streamed transaction as the export writes it: exact minor units in its own currency, its category's name. */
function exportTransaction(t: ledgerV1.StreamedTransaction): ExportTransaction {
  const type =
    t.transactionType === TransactionType.TRANSACTION_TYPE_INCOME ? 'income' : t.transactionType === TransactionType.TRANSACTION_TYPE_EXPENSE ? 'expense' : undefined;
  if (!type) throw new Error(`the ledger streamed a transaction of type ${t.transactionType}`);
  const date = t.date && fromCalendarDate(t.date);
  if (!date) throw new Error('the ledger streamed a transaction without a date');
  if (!t.amount?.currency) throw new Error('the ledger streamed a transaction without an amount');
  return {
    id: t.id,
    date,
    type,
    amount: moneyOf(int64FromWire(t.amount.minorUnits, 'StreamedTransaction.amount.minor_units'), t.amount.currency),
    categoryName: t.categoryName ?? null,
    description: t.description,
  };
}

/** A parsed row as ImportTransactions takes it: the exact decimal in its currency (already the base currency when the file had none). */
function importRow(row: ImportRow): ledgerV1.ImportRow {
  const out: ledgerV1.ImportRow = {
    amount: formatMoney(row.amount),
    currency: row.amount.currency,
    transactionType: row.type === 'income' ? TransactionType.TRANSACTION_TYPE_INCOME : TransactionType.TRANSACTION_TYPE_EXPENSE,
    date: toCalendarDate(row.date),
    description: row.description,
  };
  if (row.categoryName !== null) out.categoryName = row.categoryName;
  return out;
}

/** The ledger's field names of an ImportRow → the file's columns. */
const IMPORT_COLUMNS: Record<string, string> = {
  amount: 'amount',
  currency: 'currency',
  transaction_type: 'transaction_type',
  date: 'date',
  description: 'description',
  category_name: 'category',
  // The proto's JSON names, should the ledger use them.
  transactionType: 'transaction_type',
  categoryName: 'category',
};

const ROW_PATH = /^rows\[(\d+)\]\.([A-Za-z_]+)$/;

/**
 * The ledger's refusal of rows (INVALID_ARGUMENT whose every field error is `rows[i].<field>`), by
 * row index and file column; undefined for any other failure (a refused Idempotency-Key, a fault),
 * which the caller throws as it is.
 */
function rowRejections(err: unknown): LedgerRowRejection[] | undefined {
  if (!(err instanceof DomainError) || err.kind !== 'invalid_argument' || !err.errors?.length) return undefined;
  const rejections: LedgerRowRejection[] = [];
  for (const { path, message } of err.errors) {
    const match = ROW_PATH.exec(path);
    if (!match) return undefined;
    rejections.push({ index: Number(match[1]), column: IMPORT_COLUMNS[match[2]!] ?? match[2]!, message });
  }
  return rejections;
}

/**
 * The Ledger port over the ledger's gRPC API: SumTransactions (grouped in the ledger's SQL, exact
 * minor units as int64 strings; coarse, or per day for the currencies reporting converts), every
 * page of ListCategories, and StreamTransactions for the CSV export.
 */
export function ledgerPort(client: LedgerClient): Ledger {
  async function sum(userId: string, range: DateRange, type: ledgerV1.TransactionType, grouping: ledgerV1.SumGrouping, currencies: readonly string[] = []) {
    try {
      const { rows } = await client.sumTransactions(
        { userId, from: toCalendarDate(range.from), to: toCalendarDate(range.to), transactionType: type, grouping, categoryIds: [], currencies: [...currencies] },
      );
      return rows;
    } catch (err) {
      throw asReportingError(err);
    }
  }

  return {
    async expensesByCategory(userId, range) {
      const rows = await sum(userId, range, TransactionType.TRANSACTION_TYPE_EXPENSE, SumGrouping.SUM_GROUPING_CATEGORY);
      return rows.map(categorySum);
    },

    async expensesByDayAndCategory(userId, range, currencies) {
      const rows = await sum(userId, range, TransactionType.TRANSACTION_TYPE_EXPENSE, SumGrouping.SUM_GROUPING_DAY_CATEGORY, currencies);
      return rows.map((row) => ({ ...categorySum(row), day: dayOf(row) }));
    },

    async sumsByInterval(userId, range, kind) {
      const rows = await sum(userId, range, TransactionType.TRANSACTION_TYPE_UNSPECIFIED, GROUPING[kind]);
      return rows.map(periodSum);
    },

    async sumsByDay(userId, range, currencies) {
      const rows = await sum(userId, range, TransactionType.TRANSACTION_TYPE_UNSPECIFIED, SumGrouping.SUM_GROUPING_DAY, currencies);
      return rows.map(periodSum);
    },

    async *transactionBatches(userId, range) {
      const request = {
        userId,
        from: range.from === undefined ? undefined : toCalendarDate(range.from),
        to: range.to === undefined ? undefined : toCalendarDate(range.to),
      };
      try {
        for await (const batch of client.streamTransactions(request, { deadlineMs: EXPORT_STREAM_DEADLINE_MS })) yield batch.rows.map(exportTransaction);
      } catch (err) {
        throw asReportingError(err);
      }
    },

    async importTransactions(userId, batches, { dryRun, idempotencyKey }) {
      // The first message says whose import it is; an empty last one says every row was sent.
      async function* requests(): AsyncGenerator<ledgerV1.ImportTransactionsRequest> {
        let first = true;
        const message = (rows: ledgerV1.ImportRow[], endOfRows: boolean): ledgerV1.ImportTransactionsRequest => {
          const request: ledgerV1.ImportTransactionsRequest = { userId: first ? userId : '', rows, dryRun: first && dryRun, endOfRows };
          if (first && idempotencyKey !== undefined) request.idempotencyKey = idempotencyKey;
          first = false;
          return request;
        };
        for await (const rows of batches) yield message(rows.map(importRow), false);
        yield message([], true);
      }
      try {
        const answer = await client.importTransactions(requests(), { deadlineMs: IMPORT_DEADLINE_MS });
        return {
          imported: int64FromWire(answer.imported, 'ImportTransactionsResponse.imported'),
          skippedDuplicates: int64FromWire(answer.skippedDuplicates, 'ImportTransactionsResponse.skipped_duplicates'),
          replayed: answer.replayed,
        };
      } catch (err) {
        const rejected = rowRejections(err);
        if (rejected) return { rejected };
        // Other refusals keep the ledger's code: LEDGER_IDEMPOTENCY_KEY_REUSED (422) and
        // LEDGER_IDEMPOTENCY_IN_PROGRESS (409) are what the client must see, as for POST /transactions.
        if (err instanceof DomainError && (err.kind === 'invalid_argument' || err.kind === 'already_exists')) throw err;
        throw asReportingError(err);
      }
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
