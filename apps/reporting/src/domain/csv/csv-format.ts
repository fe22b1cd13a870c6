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

// The quoting is written out here rather than done by csv-stringify: on a 1,000-row batch
// csv-stringify (its per-field option handling) took ~4 ms, most of reporting's CPU in a large
// export (issue 13, P4), this ~0.5 ms. It is csv-stringify's output exactly, for the options the
// export used (`,`, CRLF records, quote_record_delimiter, no escape_formulas): a cell is quoted when
// it holds `"`, `,`, CR or LF, a `"` inside is doubled, anything else (the empty cell too) is bare.
// csv-format.properties.test.ts checks that byte for byte against csv-stringify on arbitrary text.
const NEEDS_QUOTES = /[",\r\n]/;
const QUOTE = /"/g;

/** One cell value (already neutralised) as RFC 4180 writes it. */
function quoteCell(value: string): string {
  return NEEDS_QUOTES.test(value) ? `"${value.replace(QUOTE, '""')}"` : value;
}

/** One value as its cell: neutralised, then quoted. */
const cell = (value: string) => quoteCell(neutraliseCell(value));

/** The cells of one transaction, in EXPORT_COLUMNS order, neutralised, not yet quoted. */
export function toExportRecord(t: ExportTransaction): string[] {
  return [t.id, t.date, t.type, formatMoney(t.amount), t.amount.currency, t.categoryName ?? '', t.description].map(neutraliseCell);
}

/** One transaction as a CSV record ending with CRLF (toExportRecord's cells, quoted, without the array). */
function exportRecordLine(t: ExportTransaction): string {
  return (
    `${cell(t.id)},${cell(t.date)},${cell(t.type)},${cell(formatMoney(t.amount))},${cell(t.amount.currency)},` +
    `${cell(t.categoryName ?? '')},${cell(t.description)}\r\n`
  );
}

/** The header record with its CRLF; `bom` puts a UTF-8 byte-order mark before it (for Excel). */
export function formatExportHeader(options: { bom?: boolean } = {}): string {
  return (options.bom ? UTF8_BOM : '') + EXPORT_COLUMNS.map(quoteCell).join(',') + '\r\n';
}

/** A batch of transactions as CSV records, each ending with CRLF; "" for an empty batch. */
export function formatExportRows(transactions: readonly ExportTransaction[]): string {
  let text = '';
  for (const t of transactions) text += exportRecordLine(t);
  return text;
}

const utf8 = new TextEncoder();

/**
 * formatExportRows(transactions) as UTF-8 bytes, what a streamed export sends. Encoded record by
 * record into one growing array: encoding the batch's whole string at once was ~3× slower (the
 * string is a rope of thousands of pieces, and one non-Latin-1 character anywhere makes all of it
 * two-byte text to transcode), ~20 % of reporting's CPU in a large export.
 */
export function encodeExportRows(transactions: readonly ExportTransaction[]): Uint8Array {
  let bytes = new Uint8Array(Math.max(256, transactions.length * 128));
  let used = 0;
  for (const t of transactions) {
    const record = exportRecordLine(t);
    // A UTF-16 unit is at most 3 UTF-8 bytes: with that much room, encodeInto writes all of it.
    if (bytes.length - used < record.length * 3) {
      const grown = new Uint8Array(Math.max(bytes.length * 2, used + record.length * 3));
      grown.set(bytes.subarray(0, used));
      bytes = grown;
    }
    used += utf8.encodeInto(record, bytes.subarray(used)).written;
  }
  return bytes.subarray(0, used);
}

/** One transaction as a CSV record ending with CRLF. */
export function formatExportRow(t: ExportTransaction): string {
  return exportRecordLine(t);
}
