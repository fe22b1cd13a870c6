import type { CalendarDate } from '@finance/calendar';
import { encodeExportRows, formatExportHeader } from '../domain/csv/csv-format.js';
import { FieldErrors } from '../domain/errors.js';
import { readOpenRange } from '../domain/range.js';
import type { ReportingContext } from './context.js';
import { requireUserId } from './users.js';

/**
 * The user's transactions in [from, to] (either bound optional) as CSV (csv-format.ts) in UTF-8
 * bytes, oldest first: the header, then one chunk per batch the ledger streams, each encoded as it
 * arrives, so the whole file is never held (memory stays flat whatever the count).
 *
 * The header waits for the ledger's first answer (a batch, or the end of an empty stream): a request
 * the ledger refuses, or a ledger that cannot answer, fails the export before any byte of it, so the
 * gateway can still answer with an error status instead of a truncated 200. A failure after that
 * ends the stream with the error, never a clean end: a cut export must not look complete.
 * No byte-order mark: the export is plain UTF-8 (formatExportHeader's `bom` is for a caller that asks).
 */
export async function* exportTransactionsCsv(
  ctx: ReportingContext,
  input: { userId: string; from: CalendarDate | undefined; to: CalendarDate | undefined },
): AsyncGenerator<Uint8Array> {
  const userId = requireUserId(input.userId);
  const errors = new FieldErrors();
  const range = readOpenRange(errors, input.from, input.to);
  errors.throwIfAny();
  const batches = ctx.ledger.transactionBatches(userId, range)[Symbol.asyncIterator]();
  try {
    let next = await batches.next();
    yield new TextEncoder().encode(formatExportHeader());
    for (; !next.done; next = await batches.next()) {
      ctx.meters?.exportRows(next.value.length);
      const rows = encodeExportRows(next.value);
      if (rows.length > 0) yield rows;
    }
  } finally {
    // The caller went away (or a batch failed to encode): close the ledger stream, which cancels its call.
    await batches.return?.();
  }
}
