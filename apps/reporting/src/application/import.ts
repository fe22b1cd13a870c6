import { ImportFileReader, type ImportError, type ImportRow } from '../domain/csv/import-rows.js';
import { errors } from '../domain/errors.js';
import type { LedgerImportOutcome, LedgerRowRejection, ReportingContext } from './context.js';
import { requireUserId } from './users.js';

/**
 * At most this many problems are listed in one answer; past it, one last item says how many more
 * there are. A file whose every row is wrong (a wrong date format throughout) would otherwise
 * answer up to six problems per row for 100,000 rows: tens of MB that no one reads, beyond what
 * one gRPC answer and a sensible HTTP response hold. The first thousand show what to fix.
 */
export const IMPORT_MAX_LISTED_ERRORS = 1000;

export interface ImportCsvInput {
  userId: string;
  /** The file as uploaded (UTF-8; a BOM is accepted). */
  data: Uint8Array;
  dryRun: boolean;
  /** The client's Idempotency-Key; undefined = none. */
  idempotencyKey: string | undefined;
}

export interface ImportCsvAnswer {
  imported: bigint;
  skippedDuplicates: bigint;
  /** Non-empty = the file was refused and nothing was imported (counts are 0). */
  errors: ImportError[];
  replayed: boolean;
}

/** Rows per message of the ledger's ImportTransactions stream (~60 KB each). */
export const IMPORT_MESSAGE_ROWS = 1000;

/** Thrown into the ledger's call when the file turns out bad: the call is cancelled and nothing written. */
class FileRefused extends Error {}

/**
 * POST /import/csv: reads the file (import-rows.ts: the export's columns in any order, currency and
 * category optional, every problem of every row by line) and streams its rows to the ledger's
 * ImportTransactions while it reads on: the ledger writes them in one database transaction, skips
 * duplicates of stored transactions (counting multiplicity) and creates missing categories by name,
 * and stores the first rows while the last are still being read. All or nothing:
 *
 * - Rows without a currency take the user's base currency as auth answers it now.
 * - More than `ctx.importMaxRows` records (valid or not) → REPORTING_IMPORT_TOO_MANY_ROWS
 *   (resource_exhausted), whatever else is wrong with the file.
 * - A bad file is an answer, not an error: `errors` lists the problems (line of the record's start,
 *   message naming the column) and nothing is written. Problems in the first IMPORT_MESSAGE_ROWS
 *   records (a wrong header, a small file) are found before the ledger is asked; a problem further
 *   on cancels the ledger's call, which rolls back what it had written, and the file is read to its
 *   end so that every problem is listed.
 * - The ledger validates too (same rules: its own are authoritative). A row it refuses
 *   (`rows[i].<field>`) comes back as that row's `{line, message}`, exactly like a problem found here.
 * - A dry run asks the ledger for the same counts without writing, and ignores the Idempotency-Key:
 *   it neither replays an earlier answer nor records one (a dry run followed by the real import
 *   with the same key must import).
 */
export async function importTransactionsCsv(ctx: ReportingContext, input: ImportCsvInput): Promise<ImportCsvAnswer> {
  const userId = requireUserId(input.userId);
  const { baseCurrency } = await ctx.users.profileOf(userId);
  const reader = new ImportFileReader(input.data, { baseCurrency });
  const fileIsBad = () => reader.errors.length > 0 || reader.records > ctx.importMaxRows;
  // A dry run writes nothing and a replay nothing new: only real imports are counted.
  const count = input.dryRun ? undefined : ctx.meters;
  /** The file's verdict once it is bad: read to the end, then too many rows, or every problem. */
  const refuseFile = async (): Promise<ImportCsvAnswer> => {
    while ((await reader.next(IMPORT_MESSAGE_ROWS)).length > 0);
    if (reader.records > ctx.importMaxRows) throw errors.importTooManyRows(reader.records, ctx.importMaxRows);
    count?.importRows('refused', reader.records);
    return refused(reader.errors);
  };

  const first = await reader.next(IMPORT_MESSAGE_ROWS);
  if (fileIsBad()) return refuseFile();
  /** The line of each row sent, by its index in the stream (the ledger names refused rows by index). */
  const lines: number[] = [];
  async function* batches(): AsyncGenerator<ImportRow[]> {
    for (let rows = first; rows.length > 0; rows = await reader.next(IMPORT_MESSAGE_ROWS)) {
      if (fileIsBad()) throw new FileRefused();
      for (const row of rows) lines.push(row.line);
      yield rows;
    }
    if (fileIsBad()) throw new FileRefused(); // a problem found at the very end (an unclosed quote)
  }

  let outcome: LedgerImportOutcome;
  try {
    outcome = await ctx.ledger.importTransactions(userId, batches(), {
      dryRun: input.dryRun,
      idempotencyKey: input.dryRun ? undefined : input.idempotencyKey,
    });
  } catch (err) {
    if (err instanceof FileRefused) return refuseFile();
    throw err;
  }
  if ('rejected' in outcome) {
    count?.importRows('refused', reader.records);
    return refused(outcome.rejected.map((r) => rowProblem(lines, r)));
  }
  if (count && !outcome.replayed) {
    count.importRows('imported', Number(outcome.imported));
    count.importRows('duplicate', Number(outcome.skippedDuplicates));
  }
  return { imported: outcome.imported, skippedDuplicates: outcome.skippedDuplicates, errors: [], replayed: outcome.replayed };
}

function rowProblem(lines: readonly number[], rejection: LedgerRowRejection): ImportError {
  const line = lines[rejection.index];
  // The ledger names a row it was not sent: a fault of the ledger, not of the file.
  if (line === undefined) throw new Error(`the ledger refused row ${rejection.index} of an import of ${lines.length} rows`);
  return { line, message: `${rejection.column}: ${rejection.message}` };
}

/** The file's problems by line (stable for one line), at most IMPORT_MAX_LISTED_ERRORS of them and then how many more. */
function refused(problems: readonly ImportError[]): ImportCsvAnswer {
  const sorted = [...problems].sort((a, b) => a.line - b.line);
  let listed = sorted;
  if (sorted.length > IMPORT_MAX_LISTED_ERRORS) {
    const shown = sorted.slice(0, IMPORT_MAX_LISTED_ERRORS);
    const rest = sorted.slice(IMPORT_MAX_LISTED_ERRORS);
    const shownLines = new Set(shown.map((e) => e.line));
    const restLines = new Set(rest.map((e) => e.line).filter((line) => !shownLines.has(line))).size;
    listed = [
      ...shown,
      {
        line: rest[0]!.line,
        message: `and ${rest.length} more problem${rest.length === 1 ? '' : 's'} (${restLines} more line${restLines === 1 ? '' : 's'}) from this line on, not listed: fix these first`,
      },
    ];
  }
  return { imported: 0n, skippedDuplicates: 0n, errors: listed, replayed: false };
}
