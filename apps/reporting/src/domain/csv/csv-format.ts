import { stringify, type Options as StringifyOptions } from 'csv-stringify/sync';
import { formatMoney, type Money } from '@finance/money';
import { neutraliseCell } from './neutralise.js';

// The CSV format of GET /export/csv (and what POST /import/csv reads back, import-rows.ts):
// - UTF-8, RFC 4180: `,` between cells, CRLF after every record (the header included), a cell
//   quoted when it holds `,`, `"`, CR or LF, a `"` inside doubled. Other cells are written bare.
// - header `id,date,transaction_type,amount,currency,category,description`;
// - date YYYY-MM-DD; transaction_type `income` | `expense`; amount the exact decimal string with the
//   currency's minor digits ("12.50", "1000" JPY), never negative (the type carries the sign);
//   currency the ISO 4217 code; category the name ("" = uncategorized); description as stored.
// - every cell neutralised against formulas (neutralise.ts). No id, date, type, amount or currency
//   ever starts with a trigger (amounts are positive, dates start with a digit), so those cells are
//   written unchanged and a spreadsheet still reads the amounts and dates as numbers and dates; only
//   category names and descriptions can gain a leading `'`.
// Encoding is done in batches (formatExportRows) so that a streamed export writes one string per
// batch of rows it receives, keeping back-pressure with its socket and memory flat.

export type TransactionType = 'income' | 'expense';

export const EXPORT_COLUMNS = ['id', 'date', 'transaction_type', 'amount', 'currency', 'category', 'description'] as const;
export type ExportColumn = (typeof EXPORT_COLUMNS)[number];

/** A byte-order mark: Excel on Windows opens a CSV as UTF-8 only when the file starts with it (the import accepts it). */
export const UTF8_BOM = '\uFEFF';

/** One transaction as exported. */
export interface ExportTransaction {
  id: string;
  /** YYYY-MM-DD. */
  date: string;
  type: TransactionType;
  /** Positive; its currency is the row's currency. */
  amount: Money;
  /** null = uncategorized. */
  categoryName: string | null;
  description: string;
}

const STRINGIFY_OPTIONS: StringifyOptions = {
  delimiter: ',',
  record_delimiter: 'windows',
  // csv-stringify stops quoting a lone CR or LF once record_delimiter is given; a description holding
  // one must still be quoted, or it would split the record on import.
  quote_record_delimiter: true,
  // Our own neutralise runs instead: csv-stringify's escape_formulas has no exact undo (see neutralise.ts).
  escape_formulas: false,
};

/** The cells of one transaction, in EXPORT_COLUMNS order, neutralised, not yet quoted. */
export function toExportRecord(t: ExportTransaction): string[] {
  return [t.id, t.date, t.type, formatMoney(t.amount), t.amount.currency, t.categoryName ?? '', t.description].map(neutraliseCell);
}

/** The header record with its CRLF; `bom` puts a UTF-8 byte-order mark before it (for Excel). */
export function formatExportHeader(options: { bom?: boolean } = {}): string {
  return (options.bom ? UTF8_BOM : '') + stringify([[...EXPORT_COLUMNS]], STRINGIFY_OPTIONS);
}

/** A batch of transactions as CSV records, each ending with CRLF; "" for an empty batch. */
export function formatExportRows(transactions: readonly ExportTransaction[]): string {
  if (transactions.length === 0) return '';
  return stringify(transactions.map(toExportRecord), STRINGIFY_OPTIONS);
}

/** One transaction as a CSV record ending with CRLF. */
export function formatExportRow(t: ExportTransaction): string {
  return formatExportRows([t]);
}
