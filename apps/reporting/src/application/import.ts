import { parseImportCsv, type ImportError, type ImportRow } from '../domain/csv/import-rows.js';
import { errors } from '../domain/errors.js';
import type { LedgerRowRejection, ReportingContext } from './context.js';
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

/**
 * POST /import/csv: reads the file (import-rows.ts: the export's columns in any order, currency and
 * category optional, every problem of every row by line) and, only when every record is valid,
 * hands the rows to the ledger in ONE ImportTransactions call: the ledger writes them in one
 * database transaction, skips duplicates of stored transactions (counting multiplicity) and creates
 * missing categories by name. All or nothing.
 *
 * - Rows without a currency take the user's base currency as auth answers it now.
 * - More than `ctx.importMaxRows` records (valid or not) → REPORTING_IMPORT_TOO_MANY_ROWS
 *   (resource_exhausted), before anything else is judged or the ledger asked.
 * - A bad file is an answer, not an error: `errors` lists the problems (line of the record's
 *   start, message naming the column), the ledger is not asked, nothing is written.
 * - The ledger validates too (same rules: its own are authoritative). A row it refuses
 *   (`rows[i].<field>`) comes back as that row's `{line, message}`, exactly like a problem found here.
 * - A dry run asks the ledger for the same counts without writing, and ignores the Idempotency-Key:
 *   it neither replays an earlier answer nor records one (a dry run followed by the real import
 *   with the same key must import).
 */
export async function importTransactionsCsv(ctx: ReportingContext, input: ImportCsvInput): Promise<ImportCsvAnswer> {
  const userId = requireUserId(input.userId);
  const { baseCurrency } = await ctx.users.profileOf(userId);
  const parsed = parseImportCsv(input.data, { baseCurrency });

  // Each bad record is one line in `errors` (several problems of one record share it).
  const records = parsed.rows.length + new Set(parsed.errors.map((e) => e.line)).size;
  if (records > ctx.importMaxRows) throw errors.importTooManyRows(records, ctx.importMaxRows);
  // A dry run writes nothing and a replay nothing new: only real imports are counted.
  const count = input.dryRun ? undefined : ctx.meters;
  if (parsed.errors.length) {
    count?.importRows('refused', records);
    return refused(parsed.errors);
  }

  const outcome = await ctx.ledger.importTransactions(userId, parsed.rows, {
    dryRun: input.dryRun,
    idempotencyKey: input.dryRun ? undefined : input.idempotencyKey,
  });
  if ('rejected' in outcome) {
    count?.importRows('refused', records);
    return refused(outcome.rejected.map((r) => rowProblem(parsed.rows, r)));
  }
  if (count && !outcome.replayed) {
    count.importRows('imported', Number(outcome.imported));
    count.importRows('duplicate', Number(outcome.skippedDuplicates));
  }
  return { imported: outcome.imported, skippedDuplicates: outcome.skippedDuplicates, errors: [], replayed: outcome.replayed };
}

function rowProblem(rows: readonly ImportRow[], rejection: LedgerRowRejection): ImportError {
  const row = rows[rejection.index];
  // The ledger names a row it was not sent: a fault of the ledger, not of the file.
  if (!row) throw new Error(`the ledger refused row ${rejection.index} of an import of ${rows.length} rows`);
  return { line: row.line, message: `${rejection.column}: ${rejection.message}` };
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
