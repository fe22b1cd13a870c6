import { finished } from 'node:stream/promises';
import { CsvError, parse, type Parser } from 'csv-parse';
import { DATE_REQUIRED_MESSAGE, INVALID_DATE_MESSAGE, parseIsoDate, type IsoDate } from '@finance/calendar';
import { checkAmountSyntax, MoneyError, parseStoredAmount, requireCurrency, type Money } from '@finance/money';
import { charLength } from '@finance/platform/text';
import type { TransactionType } from './csv-format.js';
import { undoNeutralise } from './neutralise.js';

// Reading an import file (POST /import/csv) into rows, or into every problem it has.
//
// - The file is UTF-8 (a leading BOM is dropped); NUL bytes, invalid UTF-8 or UTF-16 → one
//   file-level error. A file without a header (empty, or blank lines only) → one file-level error.
// - Line numbers are what a text editor shows: the header is line 1, LF, CRLF and a lone CR each end
//   a line (inside quoted cells too), and a record's line is the line where it STARTS, so a
//   description spanning three lines puts the next record three lines further. (csv-parse's own
//   `info.lines` counts CRLF twice, so the lines are counted here from the byte offsets it reports.)
// - Records end at CRLF, LF or CR. Blank lines, and records whose cells are all blank (",,,,", as
//   spreadsheets write empty rows), are skipped.
// - The header names the columns in any order, trimmed and case-insensitive. `date`,
//   `transaction_type` and `amount` are required; `id` (ignored), `currency`, `category` and
//   `description` are optional; an unknown or repeated column is a file-level error (a misspelt
//   `descripton` would otherwise silently lose every description).
// - Every cell is un-neutralised (neutralise.ts). Every cell but the description is trimmed (category
//   names as the ledger stores them); the description is kept exactly. transaction_type is read
//   case-insensitively; currency codes must be upper case, as everywhere in the API.
// - EVERY problem of every row is reported, one {line, message} per bad field, the message starting
//   with the column's name. Whether any error refuses the whole file is the caller's decision.
// - The file is read a slice at a time (ImportFileReader), so POST /import/csv hands rows on while it
//   still reads; parseImportCsv reads it whole. Both answer the same rows and problems.

/** A category name as the ledger allows it (ledger's CATEGORY_NAME_MAX). */
export const CATEGORY_NAME_MAX = 100;
/** A description as the ledger allows it (ledger's DESCRIPTION_MAX). */
export const DESCRIPTION_MAX = 1000;
/** Far above the longest valid record (a 1000-character description, even all quotes and 4-byte characters, is 8 KB): a longer one is a missing quote. */
const MAX_RECORD_BYTES = 64 * 1024;

export const REQUIRED_COLUMNS = ['date', 'transaction_type', 'amount'] as const;
export const OPTIONAL_COLUMNS = ['id', 'currency', 'category', 'description'] as const;
type Column = (typeof REQUIRED_COLUMNS)[number] | (typeof OPTIONAL_COLUMNS)[number];
const KNOWN_COLUMNS: readonly string[] = [...REQUIRED_COLUMNS, ...OPTIONAL_COLUMNS];

export interface ImportRow {
  /** The line where the record starts (the header is line 1). */
  line: number;
  date: IsoDate;
  type: TransactionType;
  /** Positive, in the row's currency (the file's, or the base currency when the cell is empty or the column absent). */
  amount: Money;
  /** Trimmed; null = uncategorized (an empty cell or no column). */
  categoryName: string | null;
  /** Exactly as in the file after the undo; "" when empty or no column. */
  description: string;
}

export interface ImportError {
  line: number;
  message: string;
}

export interface ParsedImport {
  /** The rows without problems, in file order. */
  rows: ImportRow[];
  /** Every problem, by line; empty when the file is valid. A file-level problem comes alone, with rows empty. */
  errors: ImportError[];
}

export interface ParseImportOptions {
  /** The currency of rows whose currency cell is empty or absent: the user's base currency. */
  baseCurrency: string;
}

/** Bytes handed to csv-parse at a time: about 1,000 records of an export. */
const SLICE_BYTES = 64 * 1024;

const EMPTY_FILE_MESSAGE = 'The file is empty: expected a header line such as "date,transaction_type,amount,currency,category,description"';

/** An import file read a piece at a time: POST /import/csv hands rows on while it still reads. */
export class ImportFileReader {
  private readonly problems: ImportError[] = [];
  /** Valid rows read but not returned yet: queue[taken..]. */
  private queue: ImportRow[] = [];
  private taken = 0;
  private returned = 0;
  private problemRecords = 0;
  /** 'reading' until the end of the file; 'failed' after a file-level problem. */
  private state: 'reading' | 'done' | 'failed' = 'reading';
  private readonly baseCurrency: string;
  private readonly body: Buffer;
  private readonly lines: LineCounter;
  private readonly parser: Parser | undefined;
  private readonly sliceBytes: number;
  /** Where the body is written up to. */
  private offset = 0;
  /** The end of the last record csv-parse handed over: the next one starts after the line breaks that follow. */
  private previousEnd = 0;
  private header: { cells: number; columns: HeaderColumns } | undefined;
  /** A programming error thrown while reading a record: thrown again by every next(). */
  private broken: unknown;
  /** next() calls run one after the other. */
  private pending: Promise<unknown> = Promise.resolve();

  /** `sliceBytes`: how much of the file is handed to the CSV parser at a time (tests cut records anywhere with small slices). */
  constructor(input: Uint8Array | string, options: ParseImportOptions, sliceBytes: number = SLICE_BYTES) {
    requireCurrency(options.baseCurrency); // the caller's value: a programming error if unknown, not the user's
    if (!Number.isInteger(sliceBytes) || sliceBytes < 1) throw new RangeError(`sliceBytes must be a positive integer, got ${sliceBytes}`);
    this.baseCurrency = options.baseCurrency;
    this.sliceBytes = sliceBytes;
    const bytes = typeof input === 'string' ? textBytes(input) : input;
    // The encoding is checked over the whole file first: no row of a file that is not UTF-8 text is handed on.
    const encodingProblem = bytes instanceof Error ? { line: 1, message: bytes.message } : checkEncoding(bytes);
    const body = bytes instanceof Error || encodingProblem ? new Uint8Array(0) : hasBom(bytes) ? bytes.subarray(3) : bytes;
    this.body = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    this.lines = new LineCounter(body);
    if (encodingProblem) {
      this.fail([encodingProblem]);
      return;
    }
    // Each record is judged as csv-parse hands it over and its cells are dropped at once: a file's
    // cells (600,000 strings for 100,000 records) are never held together, only the rows made of them.
    // csv-parse calls on_record within write() (and within end() for the last record), and on a
    // problem sets `errored` before write() returns; 'error' is emitted later, and is read here
    // through `errored` and finished() instead.
    this.parser = parse({
      delimiter: ',',
      record_delimiter: ['\r\n', '\n', '\r'],
      relax_column_count: true,
      skip_empty_lines: true,
      max_record_size: MAX_RECORD_BYTES,
      on_record: (cells: string[], context) => {
        this.readCsvRecord(cells, context.bytes);
        return null; // collected here, not pushed to the stream
      },
    });
    this.parser.on('error', () => {});
  }

  /** Every problem found so far, in file order. After a file-level problem, exactly the file-level problem(s). The same array all along. */
  get errors(): ImportError[] {
    return this.problems;
  }

  /** Records after the header read so far, valid or not (blank and all-empty records not counted): valid rows returned so far + records with problems. */
  get records(): number {
    return this.returned + this.problemRecords;
  }

  /**
   * The next valid rows in file order, about `max` records' worth read (never more than `max` rows
   * returned; [] only when the whole file has been read). Records with problems are not returned;
   * their problems go to `errors`. After a file-level problem, returns [] from then on. `max` is a
   * positive integer, or Infinity for the rest of the file.
   */
  next(max: number): Promise<ImportRow[]> {
    const answer = this.pending.then(() => this.read(max));
    this.pending = answer.catch(() => undefined);
    return answer;
  }

  private async read(max: number): Promise<ImportRow[]> {
    if (!(max >= 1 && (Number.isInteger(max) || max === Infinity))) throw new RangeError(`max must be a positive integer, got ${max}`);
    if (this.broken !== undefined) throw this.broken;
    while (this.state === 'reading' && this.queue.length - this.taken < max) {
      if (this.offset < this.body.length) this.writeSlice();
      else await this.endOfFile();
    }
    if (this.state === 'failed') return [];
    return this.take(max);
  }

  private writeSlice(): void {
    if (this.taken > 0) {
      this.queue = this.queue.slice(this.taken);
      this.taken = 0;
    }
    const parser = this.parser!;
    const end = Math.min(this.offset + this.sliceBytes, this.body.length);
    parser.write(this.body.subarray(this.offset, end));
    this.offset = end;
    if (parser.errored) this.parseFailed(parser.errored);
  }

  /** The last record (one without a line break after it) and the checks of a quote left open come at the end. */
  private async endOfFile(): Promise<void> {
    const parser = this.parser!;
    parser.end();
    try {
      await finished(parser, { readable: false }); // the readable side never ends: nothing is read from it
    } catch (err) {
      this.parseFailed(parser.errored ?? err);
      return;
    }
    if (this.header === undefined) this.fail([{ line: 1, message: EMPTY_FILE_MESSAGE }]);
    else if ('problems' in this.header.columns) this.state = 'failed'; // its problems are in `problems` already
    else this.state = 'done';
  }

  private readCsvRecord(cells: string[], end: number): void {
    const line = this.lines.lineAt(skipLineBreaks(this.body, this.previousEnd));
    this.previousEnd = end;
    const { header } = this;
    if (header === undefined) {
      const columns = readHeader(cells);
      this.header = { cells: cells.length, columns };
      // A file-level problem; the rest of the file is still read, for a CSV syntax problem takes its place (as it always has).
      if ('problems' in columns) for (const message of columns.problems) this.problems.push({ line, message });
    } else if (!('problems' in header.columns)) {
      const before = this.problems.length;
      readRecord(cells, line, header.cells, header.columns.index, this.baseCurrency, this.queue, this.problems);
      if (this.problems.length !== before) this.problemRecords++;
    }
  }

  private parseFailed(err: unknown): void {
    if (!(err instanceof CsvError)) {
      this.broken = err;
      throw err;
    }
    this.fail([{ line: this.lines.lineAt(skipLineBreaks(this.body, this.previousEnd)), message: csvProblem(err) }]);
  }

  /** A file-level problem comes alone: it replaces the problems of rows read before it; rows not returned yet are dropped. */
  private fail(problems: ImportError[]): void {
    this.problems.length = 0;
    this.problems.push(...problems);
    this.queue = [];
    this.taken = 0;
    this.state = 'failed';
  }

  private take(max: number): ImportRow[] {
    const { queue, taken } = this;
    const count = Math.min(max, queue.length - taken);
    let rows: ImportRow[];
    if (taken === 0 && count === queue.length) {
      rows = queue;
      this.queue = [];
    } else {
      rows = queue.slice(taken, taken + count);
      this.taken += count;
    }
    this.returned += count;
    return rows;
  }
}

/** Parse and validate a whole import file (bytes as uploaded, or text already decoded). */
export async function parseImportCsv(input: Uint8Array | string, options: ParseImportOptions): Promise<ParsedImport> {
  const reader = new ImportFileReader(input, options);
  const rows = await reader.next(Infinity); // reads to the end of the file; [] after a file-level problem
  return { rows, errors: reader.errors };
}

/** One record after the header: a row into `rows`, or its problems into `errors`. */
function readRecord(
  cells: readonly string[],
  line: number,
  headerCells: number,
  index: ReadonlyMap<Column, number>,
  baseCurrency: string,
  rows: ImportRow[],
  errors: ImportError[],
): void {
  if (cells.every((cell) => cell.trim() === '')) return;
  if (cells.length !== headerCells) {
    errors.push({ line, message: `has ${cells.length} cells where the header has ${headerCells}: a comma or a quote may be missing` });
    return;
  }
  const cell = (name: Column) => {
    const at = index.get(name);
    return at === undefined ? '' : cells[at]!;
  };
  const problems: string[] = [];
  const row = readRow(cell, baseCurrency, problems);
  if (problems.length) for (const message of problems) errors.push({ line, message });
  else rows.push({ line, ...row! });
}

function readRow(cellText: (name: Column) => string, baseCurrency: string, problems: string[]): Omit<ImportRow, 'line'> | undefined {
  // Trimmed around the undo: the export neutralises trimmed values, so a cell padded by hand is read the same.
  const trimmed = (name: Column) => undoNeutralise(cellText(name).trim()).trim();
  const dateText = trimmed('date');
  const date = parseIsoDate(dateText);
  if (dateText === '') problems.push(`date: ${DATE_REQUIRED_MESSAGE}`);
  else if (date === undefined) problems.push(`date: ${INVALID_DATE_MESSAGE}`);

  const typeText = trimmed('transaction_type').toLowerCase();
  const type = typeText === 'income' || typeText === 'expense' ? typeText : undefined;
  if (type === undefined) problems.push(typeText === '' ? 'transaction_type: is required ("income" or "expense")' : 'transaction_type: must be "income" or "expense"');

  const currencyText = trimmed('currency');
  let currency: string | undefined = baseCurrency;
  if (currencyText !== '') {
    try {
      currency = requireCurrency(currencyText).code;
    } catch (err) {
      if (!(err instanceof MoneyError)) throw err;
      problems.push(`currency: ${err.message}`);
      currency = undefined;
    }
  }

  const amountText = trimmed('amount');
  let amount: Money | undefined;
  if (amountText === '') problems.push('amount: is required (a positive decimal like "12.50")');
  else {
    const read = readAmount(amountText, currency);
    if (typeof read === 'string') problems.push(`amount: ${read}`);
    else amount = read;
  }

  const categoryText = trimmed('category');
  if (charLength(categoryText) > CATEGORY_NAME_MAX) problems.push(`category: must be at most ${CATEGORY_NAME_MAX} characters`);

  const description = undoNeutralise(cellText('description'));
  if (charLength(description) > DESCRIPTION_MAX) problems.push(`description: must be at most ${DESCRIPTION_MAX} characters`);

  if (problems.length || date === undefined || type === undefined || amount === undefined) return undefined;
  return { date, type, amount, categoryName: categoryText === '' ? null : categoryText, description };
}

/**
 * The amount, or why `text` is none. Without a valid currency only the syntax, sign and size can be
 * judged (the decimals are judged once the currency is right): undefined when they are fine.
 */
function readAmount(text: string, currency: string | undefined): Money | string | undefined {
  try {
    if (currency !== undefined) return parseStoredAmount(text, currency);
    checkAmountSyntax(text);
    return undefined;
  } catch (err) {
    if (!(err instanceof MoneyError)) throw err;
    switch (err.reason) {
      case 'format':
        return 'must be a positive decimal like "12.50" (digits, optionally "." and decimals; no sign, spaces or separators)';
      case 'negative':
      case 'not_positive':
        return 'must be greater than zero (transaction_type says whether it is income or expense)';
      default:
        return err.message; // precision ("USD allows at most 2 decimal places"), too_large
    }
  }
}

type HeaderColumns = { index: Map<Column, number> } | { problems: string[] };

function readHeader(cells: readonly string[]): HeaderColumns {
  const index = new Map<Column, number>();
  const problems: string[] = [];
  const unknown: string[] = [];
  cells.forEach((cell, i) => {
    const name = cell.trim().toLowerCase();
    if (!KNOWN_COLUMNS.includes(name)) unknown.push(JSON.stringify(cell));
    else if (index.has(name as Column)) problems.push(`header: the column "${name}" appears more than once`);
    else index.set(name as Column, i);
  });
  const missing = REQUIRED_COLUMNS.filter((name) => !index.has(name));
  if (missing.length) problems.unshift(`header: the required column${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')} ${missing.length > 1 ? 'are' : 'is'} missing (columns: ${KNOWN_COLUMNS.join(', ')})`);
  if (unknown.length) problems.push(`header: unknown column${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (known: ${KNOWN_COLUMNS.join(', ')})`);
  return problems.length ? { problems } : { index };
}

function csvProblem(err: CsvError): string {
  switch (err.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'a quoted cell starting on this line is never closed: a closing " is missing';
    case 'CSV_INVALID_CLOSING_QUOTE':
      return 'a quoted cell is followed by other characters before the next comma: inside quotes, write a " as ""';
    case 'INVALID_OPENING_QUOTE': // csv-parse's one code without the CSV_ prefix
      return 'a " appears inside a cell that is not quoted: quote the whole cell and write the " as ""';
    case 'CSV_MAX_RECORD_SIZE':
      return `a record starting on this line is longer than ${MAX_RECORD_BYTES / 1024} KB: a closing " is probably missing`;
    default:
      return 'is not valid CSV (RFC 4180)';
  }
}

const CR = 0x0d;
const LF = 0x0a;

function hasBom(bytes: Uint8Array): boolean {
  return bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
}

function textBytes(text: string): Uint8Array | Error {
  // A lone surrogate has no UTF-8 form; encoding it would silently turn it into U+FFFD.
  if (!text.isWellFormed()) return new Error('The file is not valid text: it holds unpaired UTF-16 surrogates');
  return new TextEncoder().encode(text);
}

/** A NUL byte or invalid UTF-8 (a binary file, or text in another encoding), with the line of the first bad byte. */
function checkEncoding(bytes: Uint8Array): ImportError | undefined {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    return { line: 1, message: 'The file is UTF-16 text: save it as "CSV UTF-8" (comma delimited)' };
  }
  const nul = bytes.indexOf(0);
  if (nul !== -1) return { line: new LineCounter(bytes).lineAt(nul), message: 'The file is binary, not CSV text: it contains NUL bytes' };
  if (isUtf8(bytes)) return undefined;
  // Find the line: LF is never part of a multi-byte sequence, so each LF-separated piece is valid on its own or not.
  let start = 0;
  while (start <= bytes.length) {
    const lf = bytes.indexOf(LF, start);
    const end = lf === -1 ? bytes.length : lf;
    if (!isUtf8(bytes.subarray(start, end))) {
      return { line: new LineCounter(bytes).lineAt(start), message: 'The file is not UTF-8 text (binary, or another encoding): save it as "CSV UTF-8"' };
    }
    start = end + 1;
  }
  return { line: 1, message: 'The file is not UTF-8 text (binary, or another encoding): save it as "CSV UTF-8"' };
}

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Whether `bytes` are valid UTF-8 (the decoded text is dropped at once). */
function isUtf8(bytes: Uint8Array): boolean {
  try {
    UTF8.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** The offset after the line breaks (empty lines) that start at `offset`: where the next record begins. */
function skipLineBreaks(bytes: Uint8Array, offset: number): number {
  let at = offset;
  while (at < bytes.length && (bytes[at] === CR || bytes[at] === LF)) at++;
  return at;
}

/** Line numbers of byte offsets, asked in increasing order: one pass over the file in all. LF, CRLF and a lone CR each end a line. */
class LineCounter {
  private position = 0;
  private line = 1;

  constructor(private readonly bytes: Uint8Array) {}

  lineAt(offset: number): number {
    if (offset < this.position) {
      this.position = 0;
      this.line = 1;
    }
    const { bytes } = this;
    for (let i = this.position; i < offset && i < bytes.length; i++) {
      if (bytes[i] === LF || (bytes[i] === CR && bytes[i + 1] !== LF)) this.line++;
    }
    this.position = Math.max(this.position, Math.min(offset, bytes.length));
    return this.line;
  }
}
