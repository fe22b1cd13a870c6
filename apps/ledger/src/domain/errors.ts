import { DomainError, FieldErrors as PlatformFieldErrors, invalidField, type FieldError } from '@finance/platform/errors';

/**
 * Every error code the ledger answers with. Stable: the gateway and clients key on them.
 * Field errors carry REST (snake_case) paths, so the gateway forwards them unchanged.
 */
export const LedgerErrorCode = {
  invalidFields: 'LEDGER_INVALID_FIELDS',
  invalidCursor: 'LEDGER_INVALID_CURSOR',
  unknownCategory: 'LEDGER_UNKNOWN_CATEGORY',
  transactionNotFound: 'LEDGER_TRANSACTION_NOT_FOUND',
  categoryNotFound: 'LEDGER_CATEGORY_NOT_FOUND',
  recurringNotFound: 'LEDGER_RECURRING_NOT_FOUND',
  recurringInactive: 'LEDGER_RECURRING_INACTIVE',
  recurringEnded: 'LEDGER_RECURRING_ENDED',
  categoryNameTaken: 'LEDGER_CATEGORY_NAME_TAKEN',
  idempotencyKeyReused: 'LEDGER_IDEMPOTENCY_KEY_REUSED',
  idempotencyInProgress: 'LEDGER_IDEMPOTENCY_IN_PROGRESS',
  sumTooLarge: 'LEDGER_SUM_TOO_LARGE',
  userNotFound: 'LEDGER_USER_NOT_FOUND',
  importCategoriesChanged: 'LEDGER_IMPORT_CATEGORIES_CHANGED',
} as const;

/** Collects field errors; throwIfAny throws invalidFields (LEDGER_INVALID_FIELDS). */
export class FieldErrors extends PlatformFieldErrors {
  constructor() {
    super(invalidFields);
  }
}

export function invalidFields(errors: FieldError[]): DomainError {
  return new DomainError('invalid_argument', LedgerErrorCode.invalidFields, errors.map((e) => `${e.path}: ${e.message}`).join('; '), { errors });
}

/**
 * Invalid rows of an import: the first IMPORT_FIELD_ERRORS_MAX field errors (paths `rows[i].<field>`,
 * in row order) travel in the error, which goes back in gRPC trailers (HTTP/2 headers, bounded), so a
 * file of 100,000 bad rows cannot make the answer itself fail; the message says how many there were.
 */
export function invalidImportRows(all: FieldError[], badRows: number, max: number): DomainError {
  const shown = all.slice(0, max);
  const more = all.length > shown.length ? `; the first ${shown.length} are listed` : '';
  return new DomainError('invalid_argument', LedgerErrorCode.invalidFields, `${badRows} row(s) invalid (${all.length} field error(s)${more}); nothing was imported.`, {
    errors: shown,
  });
}

export const errors = {
  invalidField: (path: string, message: string) => invalidField(LedgerErrorCode.invalidFields, path, message),
  invalidCursor: () => invalidField(LedgerErrorCode.invalidCursor, 'cursor', 'is not a cursor this list returned'),
  /** A category id in a request body that is not one of the user's categories (malformed, unknown or someone else's). */
  unknownCategory: (path: 'category_id' | 'reassign_to' | 'category_ids') => invalidField(LedgerErrorCode.unknownCategory, path, 'is not one of your categories'),
  transactionNotFound: () => new DomainError('not_found', LedgerErrorCode.transactionNotFound, 'Transaction not found.'),
  categoryNotFound: () => new DomainError('not_found', LedgerErrorCode.categoryNotFound, 'Category not found.'),
  recurringNotFound: () => new DomainError('not_found', LedgerErrorCode.recurringNotFound, 'Recurring template not found.'),
  recurringInactive: () =>
    new DomainError('failed_precondition', LedgerErrorCode.recurringInactive, 'This recurring template is inactive; activate it (is_active: true) to process it.'),
  recurringEnded: () => new DomainError('failed_precondition', LedgerErrorCode.recurringEnded, 'This recurring template has no further occurrence (past its end_date).'),
  categoryNameTaken: () =>
    new DomainError('already_exists', LedgerErrorCode.categoryNameTaken, 'You already have a category with this name.', {
      errors: [{ path: 'name', message: 'is already used by another of your categories' }],
    }),
  idempotencyKeyReused: () =>
    invalidField(LedgerErrorCode.idempotencyKeyReused, 'Idempotency-Key', 'was already used with a different request; use a new key for a new request'),
  idempotencyInProgress: () =>
    new DomainError('already_exists', LedgerErrorCode.idempotencyInProgress, 'A request with this Idempotency-Key is still being processed; retry shortly.'),
  sumTooLarge: () => new DomainError('failed_precondition', LedgerErrorCode.sumTooLarge, 'A total is too large to report; narrow the date range or the categories.'),
  userNotFound: () => new DomainError('unauthenticated', LedgerErrorCode.userNotFound, 'The account of this request no longer exists.'),
  /** An import's categories kept being created and deleted by other requests; nothing was written. Retrying is safe. */
  importCategoriesChanged: () =>
    new DomainError('unavailable', LedgerErrorCode.importCategoriesChanged, 'Categories of this import were changed by other requests meanwhile; nothing was imported. Retry.'),
};
