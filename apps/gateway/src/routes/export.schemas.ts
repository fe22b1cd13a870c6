import { z } from 'zod';
import { doc } from '../openapi-registry.js';
import { dateField } from './schemas.js';

// `GET /export/csv` (API.md, Version 4) as the REST API shows it. The CSV itself is written by the
// reporting service (apps/reporting/README.md, "CSV format"); the gateway only checks the range,
// names the file and passes the bytes through.

export const CSV_HEADER = 'id,date,transaction_type,amount,currency,category,description';

export const exportCsvQuery = z
  .object({
    // Copies: doc() describes the schema object itself, and dateField is shared by every route.
    from: doc(dateField.clone().optional(), 'First day exported, YYYY-MM-DD (inclusive); absent = from your first transaction'),
    to: doc(dateField.clone().optional(), 'Last day exported, YYYY-MM-DD (inclusive); absent = up to your last transaction, future-dated ones included'),
  })
  .superRefine((query, ctx) => {
    // Refused here, before reporting is asked: a range that is empty by construction is a mistake.
    // ISO dates compare correctly as strings.
    if (query.from !== undefined && query.to !== undefined && query.from > query.to) {
      ctx.addIssue({ code: 'custom', path: ['from'], message: 'must not be after `to`' });
    }
  });

export const CSV_DESCRIPTION =
  'UTF-8 text, RFC 4180: `,` between cells, CRLF after every record, a cell quoted when it holds `,`, `"`, CR or LF, with `"` doubled inside. ' +
  `The first line is the header \`${CSV_HEADER}\`, then one record per transaction dated within [\`from\`, \`to\`], oldest first ` +
  '(by date; transactions of the same day in a fixed order, by id). `date` is YYYY-MM-DD; `transaction_type` is `income` or `expense`; `amount` is the exact decimal with the ' +
  'currency’s minor digits (`4.50`, `1000` JPY, `4.750` KWD), never negative; `currency` is the ISO 4217 code; `category` is the category’s ' +
  'name (empty = uncategorized); `description` may be empty. A cell a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, ' +
  'TAB or CR, or their fullwidth forms `＝＋－＠`), and a cell starting with one or more `\'` followed by one of those, gets a leading `\'` ' +
  '(OWASP); `POST /import/csv` removes exactly that one `\'`, so an exported file imports back unchanged. Only category names and ' +
  'descriptions can gain it. With no transactions in the range the file is the header line alone.';

export const csvSchema = doc(z.string(), CSV_DESCRIPTION);

export const csvHeaders = {
  'Content-Disposition': {
    type: 'string',
    description:
      '`attachment; filename="transactions-<from>-<to>.csv"`: `from` or `all` when absent, `to` or, when absent, the day of the export (UTC), ' +
      'e.g. `transactions-all-2026-12-05.csv`',
  },
};

/** `transactions-<from or all>-<to or today>.csv`; `today` is the day of the export in UTC (the gateway does not know your time zone). */
export function exportFileName(from: string | undefined, to: string | undefined, now: Date = new Date()): string {
  return `transactions-${from ?? 'all'}-${to ?? now.toISOString().slice(0, 10)}.csv`;
}
