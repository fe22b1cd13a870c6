import { DomainError, FieldErrors as PlatformFieldErrors, invalidField, type FieldError } from '@finance/platform/errors';

/**
 * Every error code the budgeting service answers with. Stable: the gateway and clients key on them.
 * Field errors carry REST (snake_case) paths, so the gateway forwards them unchanged.
 */
export const BudgetingErrorCode = {
  invalidFields: 'BUDGETING_INVALID_FIELDS',
  invalidCursor: 'BUDGETING_INVALID_CURSOR',
  budgetNotFound: 'BUDGETING_BUDGET_NOT_FOUND',
  sumTooLarge: 'BUDGETING_SUM_TOO_LARGE',
  userNotFound: 'BUDGETING_USER_NOT_FOUND',
} as const;

/** The message of every "not one of your categories" field error (malformed, unknown, someone else's, deleted). */
export const UNKNOWN_CATEGORY_MESSAGE = 'is not one of your categories';

/** Collects field errors; throwIfAny throws invalidFields (BUDGETING_INVALID_FIELDS). */
export class FieldErrors extends PlatformFieldErrors {
  constructor() {
    super(invalidFields);
  }
}

export function invalidFields(errors: FieldError[]): DomainError {
  return new DomainError('invalid_argument', BudgetingErrorCode.invalidFields, errors.map((e) => `${e.path}: ${e.message}`).join('; '), { errors });
}

export const errors = {
  invalidField: (path: string, message: string) => invalidField(BudgetingErrorCode.invalidFields, path, message),
  unknownCategory: () => invalidField(BudgetingErrorCode.invalidFields, 'category_id', UNKNOWN_CATEGORY_MESSAGE),
  invalidCursor: () => invalidField(BudgetingErrorCode.invalidCursor, 'cursor', 'is not a cursor this list returned'),
  budgetNotFound: () => new DomainError('not_found', BudgetingErrorCode.budgetNotFound, 'Budget not found.'),
  sumTooLarge: () =>
    new DomainError('failed_precondition', BudgetingErrorCode.sumTooLarge, 'The spending of this budget is too large to report.'),
  userNotFound: () => new DomainError('unauthenticated', BudgetingErrorCode.userNotFound, 'The account of this request no longer exists.'),
};
