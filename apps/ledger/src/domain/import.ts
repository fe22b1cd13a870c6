import { createHash } from 'node:crypto';
import type { Money } from '@finance/money';
import { checkCurrency, parseAmount } from '@finance/platform/amount-fields';
import { readDateField, type CalendarDate, type IsoDate } from '@finance/calendar';
import { normalizeCategoryName } from './category.js';
import { FieldErrors, invalidImportRows } from './errors.js';
import { requestFingerprint } from './idempotency.js';
import { checkDescription, type TransactionType } from './transaction.js';

// An import (ImportTransactions): every row is checked by the rules of CreateTransaction, and the
// whole request is refused when any row is invalid (all or nothing). Rows carry their currency (the
// caller fills in the user's base currency), so nothing is asked from auth here.

/** How many field errors an invalid import answers with (see invalidImportRows); the message counts all of them. */
export const IMPORT_FIELD_ERRORS_MAX = 100;

/**
 * A category created by an import gets this colour (neutral grey) and no icon: CreateCategory has no
 * default colour (a client always sends one), and a file names only the category.
 */
export const IMPORTED_CATEGORY_COLOR = '#9E9E9E';

export interface ImportRowInput {
  amount: string;
  currency: string;
  type: TransactionType | undefined;
  date: CalendarDate | undefined;
  description: string;
  /** Absent = uncategorized; present must be a valid name (trimmed, 1–100 characters). */
  categoryName: string | undefined;
}

export interface ValidImportRow {
  amount: Money;
  type: TransactionType;
  date: IsoDate;
  description: string;
  /** Trimmed; null = uncategorized. */
  categoryName: string | null;
}

/**
 * Checks every row, reporting every problem with the path `rows[<index>].<field>` (index 0-based in
 * the request, field names as in the proto: amount, currency, transaction_type, date, description,
 * category_name). Throws LEDGER_INVALID_FIELDS (INVALID_ARGUMENT) if any row is invalid.
 */
export function validateImportRows(rows: readonly ImportRowInput[]): ValidImportRow[] {
  const errors = new FieldErrors();
  const valid: ValidImportRow[] = new Array(rows.length);
  let badRows = 0;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    const at = `rows[${i}]`;
    const before = errors.list.length;
    let amount: Money | undefined;
    if (checkCurrency(errors, row.currency, `${at}.currency`)) amount = parseAmount(errors, row.amount, row.currency, `${at}.amount`);
    if (row.type === undefined) errors.add(`${at}.transaction_type`, 'must be "income" or "expense"');
    const date = readDateField(errors, `${at}.date`, row.date, 'required');
    checkDescription(errors, row.description, `${at}.description`);
    const categoryName = row.categoryName === undefined ? null : normalizeCategoryName(errors, row.categoryName, `${at}.category_name`);
    if (errors.list.length > before) {
      badRows++;
      continue;
    }
    valid[i] = { amount: amount!, type: row.type!, date: date!, description: row.description, categoryName };
  }
  if (badRows > 0) throw invalidImportRows(errors.list, badRows, IMPORT_FIELD_ERRORS_MAX);
  return valid;
}

/**
 * What "the same request" means for an import's Idempotency-Key: the operation and a sha256 over the
 * rows as sent (in order), so a key used for another endpoint or other rows is "reused". The rows are
 * hashed one by one: no canonical JSON of 100,000 rows is built.
 */
export function importFingerprint(rows: readonly ImportRowInput[]): string {
  const hash = createHash('sha256');
  for (const row of rows) {
    const date = row.date ? [row.date.year, row.date.month, row.date.day] : null;
    hash.update(JSON.stringify([row.amount, row.currency, row.type ?? null, date, row.description, row.categoryName ?? null]));
    hash.update('\n');
  }
  return requestFingerprint({ operation: 'import', rows_sha256: hash.digest('hex'), rows: rows.length });
}
