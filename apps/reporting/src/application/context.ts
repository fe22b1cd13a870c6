import type { IsoDate } from '@finance/calendar';
import type { RateBook } from '@finance/rates';
import type { BudgetStatusReport } from '../domain/budget-status.js';
import type { ExportTransaction } from '../domain/csv/csv-format.js';
import type { ImportRow } from '../domain/csv/import-rows.js';
import type { PeriodSum } from '../domain/income-vs-expense.js';
import type { IntervalKind } from '../domain/intervals.js';
import type { DateRange, OpenDateRange } from '../domain/range.js';
import type { GoalLine } from '../domain/report/model.js';
import type { CategorySum } from '../domain/spending.js';

/** What reporting needs to know about a user, answered by auth. */
export interface UserProfile {
  /** ISO 4217: the currency of every report. */
  baseCurrency: string;
}

/** Who the monthly report is for (its header) and the zone its "today" and generation time are in. */
export interface UserAccount extends UserProfile {
  username: string;
  email: string;
  /** IANA zone ('' or unknown counts as UTC). */
  timezone: string;
}

/** Port: the auth service. Throws a DomainError when the user is gone or auth cannot answer. */
export interface UserDirectory {
  profileOf(userId: string): Promise<UserProfile>;
  /** GetUser with the fields the monthly report prints. */
  accountOf(userId: string): Promise<UserAccount>;
}

/** Port: the ledger, owner of transactions and categories. Throws a DomainError when it cannot answer. */
export interface Ledger {
  /** Expense totals over the range per category and currency (SumTransactions, CATEGORY). */
  expensesByCategory(userId: string, range: DateRange): Promise<CategorySum[]>;
  /**
   * Expense totals over the range per day, category and currency, of these currencies only
   * (SumTransactions, DAY_CATEGORY, `currencies`; empty = all): per day, so that each is converted
   * at its own day's rate.
   */
  expensesByDayAndCategory(userId: string, range: DateRange, currencies: readonly string[]): Promise<(CategorySum & { day: IsoDate })[]>;
  /**
   * Income and expense totals over the range per interval of `kind` and currency (SumTransactions,
   * DAY/WEEK/MONTH/YEAR); each sum's `day` is the first day of its interval (weeks from Monday).
   */
  sumsByInterval(userId: string, range: DateRange, kind: IntervalKind): Promise<PeriodSum[]>;
  /** Income and expense totals over the range per day and currency, of these currencies only (SumTransactions, DAY, `currencies`; empty = all). */
  sumsByDay(userId: string, range: DateRange, currencies: readonly string[]): Promise<PeriodSum[]>;
  /** Every category of the user: id → name (all pages of ListCategories). */
  categoryNames(userId: string): Promise<Map<string, string>>;
  /**
   * Every transaction of the user in the range (either bound optional), oldest first ((date, id)
   * ascending), in the ledger's batches as they arrive (StreamTransactions): nothing is held beyond
   * the batch being consumed. A failure, at the start or after some batches, is thrown (never a
   * clean end), so an export is never silently cut short.
   */
  transactionBatches(userId: string, range: OpenDateRange): AsyncIterable<ExportTransaction[]>;
  /**
   * A whole import in one call (ImportTransactions: one database transaction in the ledger; rows
   * equal to stored transactions skipped counting multiplicity, categories created by name), the
   * rows streamed batch by batch as `batches` yields them: the ledger writes the first while the
   * file is still being read. Rows the ledger refuses come back as `rejected` (by their index over
   * all the rows sent), nothing written; any other refusal or failure is thrown. When `batches`
   * throws, the call is cancelled (nothing written) and that error is thrown.
   */
  importTransactions(userId: string, batches: AsyncIterable<readonly ImportRow[]>, options: LedgerImportOptions): Promise<LedgerImportOutcome>;
}

export interface LedgerImportOptions {
  /** Count only, write nothing. */
  dryRun: boolean;
  /** The client's Idempotency-Key; undefined = none. */
  idempotencyKey: string | undefined;
}

/** One field of one row the ledger refused: `index` into the rows sent, `column` as the file names it. */
export interface LedgerRowRejection {
  index: number;
  column: string;
  message: string;
}

export type LedgerImportOutcome =
  | { imported: bigint; skippedDuplicates: bigint; replayed: boolean }
  | { rejected: LedgerRowRejection[] };

/** Port: the goals service. Throws a DomainError when it cannot answer. */
export interface Goals {
  /** Every goal of the user, every status, in the goals service's order (all pages of ListGoals). */
  goalsOf(userId: string): Promise<GoalLine[]>;
}

/** Port: the PDF renderer (src/pdf, a shared Chromium). Throws REPORTING_PDF_BUSY / REPORTING_PDF_UNAVAILABLE. */
export interface PdfPrinter {
  /** One self-contained HTML document → an A4 PDF. */
  renderPdf(html: string): Promise<Buffer>;
}

/** Port: the budgeting service. Throws a DomainError when it cannot answer. */
export interface Budgets {
  /** Every budget active on `date` (undefined = today in the user's zone, resolved by budgeting). */
  statusOn(userId: string, date: IsoDate | undefined): Promise<BudgetStatusReport>;
}

/**
 * Port: the currency service's ECB rates, cached (a RateBook of @finance/rates). Throws
 * RATE_UNAVAILABLE for a currency without a usable rate on the date, CURRENCY_UNAVAILABLE when the
 * service cannot answer.
 */
export type Rates = RateBook;

/** What a row of an import came to: written, skipped as a duplicate, or in a file refused (nothing written). */
export type ImportRowOutcome = 'imported' | 'duplicate' | 'refused';

/** Port: what the use cases count (metrics.ts, served on METRICS_PORT). Absent: nothing is counted. */
export interface ReportingMeters {
  importRows(outcome: ImportRowOutcome, rows: number): void;
  /** Called once per batch the ledger streams, never per row. */
  exportRows(rows: number): void;
}

/** What every use case needs; built once in the composition root. */
export interface ReportingContext {
  users: UserDirectory;
  ledger: Ledger;
  budgets: Budgets;
  rates: Rates;
  /** GET /export/pdf: goals listed in the monthly report. */
  goals: Goals;
  /** GET /export/pdf: prints the monthly report. */
  pdf: PdfPrinter;
  /** The clock of "today" and of the report's generation time (tests pin it). */
  now: () => Date;
  /** POST /import/csv: at most this many records per file (IMPORT_MAX_ROWS), more → REPORTING_IMPORT_TOO_MANY_ROWS. */
  importMaxRows: number;
  /** Rows imported and exported, for the metrics. */
  meters?: ReportingMeters;
}
