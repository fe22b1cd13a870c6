import { z } from 'zod';
import { component, doc, openApiRegistry } from '../openapi-registry.js';
import { problemSchema } from '../plugins/problem.js';
import { CSV_HEADER } from './export.schemas.js';
import { idempotencyKeyHeader } from './ledger.schemas.js';

// `POST /import/csv` (API.md, Version 4) as the REST API shows it. The file is read by the
// reporting service (apps/reporting/README.md, "CSV format"); the gateway takes the upload, bounds
// its size and passes the bytes through.

export const importCsvQuery = z.object({
  // Exactly `true` or `false`: a typo (`dry_run=yes`) must not silently import for real.
  dry_run: doc(z.enum(['true', 'false']).optional(), '`true`: check the file and count what would be imported, write nothing. Default `false`'),
});

export const importHeaders = z.looseObject({ 'idempotency-key': idempotencyKeyHeader.optional() });

const FILE_DESCRIPTION =
  `UTF-8 CSV (a leading byte-order mark is accepted) with a header line naming the columns, in any order and case: \`${CSV_HEADER}\`, ` +
  'as `GET /export/csv` writes them. `date` (YYYY-MM-DD), `transaction_type` (`income`/`expense`, any case) and `amount` (a positive ' +
  'decimal within the currency’s digits, e.g. `12.50`, `1000` JPY) are required; `id` is ignored; `currency` (ISO 4217, upper case; ' +
  'empty or absent = your `base_currency`), `category` (a name: matched case-insensitively, created when you have none by that ' +
  'name; empty = uncategorized) and `description` (up to 1000 characters, kept exactly) are optional. An unknown or repeated column ' +
  'refuses the file. Records may end with CRLF, LF or CR; blank lines are skipped. A cell the export neutralised against spreadsheet ' +
  'formulas (a leading `\'` before `=`, `+`, `-`, `@`, …) gets that one `\'` removed, so an exported file imports back unchanged.';

/**
 * The request body in both media types. The body is not validated by a schema (a file is read by
 * reporting, a multipart body by the route): this only documents it, through the OpenAPI
 * generator's per-media-type `content` (the metadata below becomes the body's JSON Schema).
 */
export const importBodyDoc = z.any();
openApiRegistry.add(importBodyDoc, {
  content: {
    'multipart/form-data': {
      schema: {
        type: 'object',
        required: ['file'],
        properties: { file: { type: 'string', contentMediaType: 'text/csv', description: `The CSV file. ${FILE_DESCRIPTION}` } },
      },
      encoding: { file: { contentType: 'text/csv, application/octet-stream' } },
    },
    'text/csv': { schema: { type: 'string', description: FILE_DESCRIPTION } },
  },
});

const lineErrorSchema = component(
  z.object({
    line: doc(z.number().int().min(1), 'The line where the bad record starts, as a text editor counts: the header is line 1, and a quoted cell spanning lines counts every line'),
    message: doc(z.string(), 'What is wrong, starting with the column’s name (`amount: USD allows at most 2 decimal places`)'),
  }),
  'ImportLineError',
);

export const importResultSchema = component(
  z.object({
    imported: doc(z.number().int().min(0), 'Transactions created (a dry run: that would be created)'),
    skipped_duplicates: doc(
      z.number().int().min(0),
      'Rows equal to a transaction you already have (date, type, amount, currency, description exactly, category name case-insensitively), ' +
        'counted with multiplicity: with two identical rows in the file and one such transaction stored, one is imported and one skipped',
    ),
    errors: doc(z.array(lineErrorSchema).max(0), 'Always empty here: a file with any problem is refused whole (422)'),
  }),
  'ImportResult',
  'What an import did (or, for a dry run, would do)',
);

const fieldErrorSchema = z.object({ path: doc(z.string(), 'The request part at fault: `file`, `dry_run`, `Idempotency-Key`'), message: z.string() });

/** The 422 of POST /import/csv: a refused file names its lines; a refused request part its path. */
export const importProblemSchema = component(
  problemSchema.extend({
    errors: doc(
      z.array(z.union([lineErrorSchema, fieldErrorSchema])).optional(),
      'A refused file (`code` IMPORT_FILE_INVALID): one `{line, message}` per problem, every bad row, by line; past 1,000 problems a last item ' +
        'says how many more there are from its line on. A refused request part (`VALIDATION_FAILED`, `LEDGER_IDEMPOTENCY_KEY_REUSED`): `{path, message}`.',
    ),
  }),
  'ImportProblem',
  'RFC 9457 problem details of a refused import',
);

export const replayedHeader = {
  'Idempotent-Replayed': { type: 'string', enum: ['true'], description: 'Present when this is the stored answer to an earlier import with the same Idempotency-Key' },
};
