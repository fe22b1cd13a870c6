import { DomainError, FieldErrors as PlatformFieldErrors, invalidField, type FieldError } from '@finance/platform/errors';

/**
 * Every error code the reporting service answers with. Stable: the gateway and clients key on them.
 * Field errors carry REST (snake_case) paths, so the gateway forwards them unchanged.
 */
export const ReportingErrorCode = {
  invalidFields: 'REPORTING_INVALID_FIELDS',
  tooManyIntervals: 'REPORTING_TOO_MANY_INTERVALS',
  sumTooLarge: 'REPORTING_SUM_TOO_LARGE',
  userNotFound: 'REPORTING_USER_NOT_FOUND',
  /** POST /import/csv: more records than IMPORT_MAX_ROWS (the gateway answers 413, not resource_exhausted's 429). */
  importTooManyRows: 'REPORTING_IMPORT_TOO_MANY_ROWS',
} as const;

/** Collects field errors; throwIfAny throws invalidFields (REPORTING_INVALID_FIELDS). */
export class FieldErrors extends PlatformFieldErrors {
  constructor() {
    super(invalidFields);
  }
}

export function invalidFields(errors: FieldError[], message = errors.map((e) => `${e.path}: ${e.message}`).join('; ')): DomainError {
  return new DomainError('invalid_argument', ReportingErrorCode.invalidFields, message, { errors });
}

export const errors = {
  invalidField: (path: string, message: string) => invalidField(ReportingErrorCode.invalidFields, path, message),
  /** The range holds more intervals than one answer may: named on `interval`, with what to do instead. */
  tooManyIntervals: (message: string) => invalidField(ReportingErrorCode.tooManyIntervals, 'interval', message),
  sumTooLarge: () => new DomainError('failed_precondition', ReportingErrorCode.sumTooLarge, 'A total of this report is too large to answer exactly.'),
  userNotFound: () => new DomainError('unauthenticated', ReportingErrorCode.userNotFound, 'The account of this request no longer exists.'),
  importTooManyRows: (records: number, max: number) =>
    new DomainError(
      'resource_exhausted',
      ReportingErrorCode.importTooManyRows,
      `The file holds ${records} records; at most ${max} are imported at once: split it into smaller files.`,
    ),
};
