import { createHash } from 'node:crypto';
import type { Money } from '@finance/money';
import { checkCurrency, parseAmount } from '@finance/platform/amount-fields';
import { readDateField, type CalendarDate, type IsoDate } from '@finance/calendar';
import { normalizeCategoryName } from './category.js';
import { FieldErrors, invalidImportRows } from './errors.js';
import type { DomainError } from '@finance/platform/errors';
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
 * Checks the rows of an import as they arrive, batch after batch, reporting every problem with the
 * path `rows[<index>].<field>` (index 0-based over the whole import, field names as in the proto:
 * amount, currency, transaction_type, date, description, category_name). `failure()` is
 * LEDGER_INVALID_FIELDS (INVALID_ARGUMENT) once any row was invalid.
 */
export class ImportRowChecker {
  readonly #errors = new FieldErrors();
  #badRows = 0;
  #seen = 0;

  get failed(): boolean {
    return this.#badRows > 0;
  }

  /** The next rows: the valid ones (in order), the problems of the others kept for failure(). */
  check(rows: readonly ImportRowInput[]): ValidImportRow[] {
    const errors = this.#errors;
    const valid: ValidImportRow[] = [];
    for (const row of rows) {
      const at = `rows[${this.#seen++}]`;
      const before = errors.list.length;
      let amount: Money | undefined;
      if (checkCurrency(errors, row.currency, `${at}.currency`)) amount = parseAmount(errors, row.amount, row.currency, `${at}.amount`);
      if (row.type === undefined) errors.add(`${at}.transaction_type`, 'must be "income" or "expense"');
      const date = readDateField(errors, `${at}.date`, row.date, 'required');
      checkDescription(errors, row.description, `${at}.description`);
      const categoryName = row.categoryName === undefined ? null : normalizeCategoryName(errors, row.categoryName, `${at}.category_name`);
      if (errors.list.length > before) {
        this.#badRows++;
        continue;
      }
      valid.push({ amount: amount!, type: row.type!, date: date!, description: row.description, categoryName });
    }
    return valid;
  }

  /** The refusal of the whole import (every problem, the first IMPORT_FIELD_ERRORS_MAX listed), if any row was invalid. */
  failure(): DomainError | undefined {
    return this.#badRows > 0 ? invalidImportRows(this.#errors.list, this.#badRows, IMPORT_FIELD_ERRORS_MAX) : undefined;
  }
}

/** Checks every row of a whole import at once (ImportRowChecker); throws LEDGER_INVALID_FIELDS if any is invalid. */
export function validateImportRows(rows: readonly ImportRowInput[]): ValidImportRow[] {
  const checker = new ImportRowChecker();
  const valid = checker.check(rows);
  const failure = checker.failure();
  if (failure) throw failure;
  return valid;
}

/**
 * What "the same request" means for an import's Idempotency-Key: the operation and a sha256 over the
 * rows as sent (in order), so a key used for another endpoint or other rows is "reused". The rows are
 * hashed one by one as they arrive: no canonical JSON of 100,000 rows is built.
 */
export class ImportFingerprint {
  readonly #hash = createHash('sha256');
  #rows = 0;

  add(rows: readonly ImportRowInput[]): void {
    for (const row of rows) {
      const date = row.date ? [row.date.year, row.date.month, row.date.day] : null;
      this.#hash.update(JSON.stringify([row.amount, row.currency, row.type ?? null, date, row.description, row.categoryName ?? null]));
      this.#hash.update('\n');
    }
    this.#rows += rows.length;
  }

  /** The fingerprint of every row added (once: the hash is finished). */
  digest(): string {
    return requestFingerprint({ operation: 'import', rows_sha256: this.#hash.digest('hex'), rows: this.#rows });
  }
}

/** The fingerprint of a whole import's rows (ImportFingerprint). */
export function importFingerprint(rows: readonly ImportRowInput[]): string {
  const fingerprint = new ImportFingerprint();
  fingerprint.add(rows);
  return fingerprint.digest();
}
