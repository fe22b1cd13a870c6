import { DomainError, FieldErrors as PlatformFieldErrors, invalidField, type FieldError } from '@finance/platform/errors';

/**
 * Every error code the goals service answers with. Stable: the gateway and clients key on them.
 * Field errors carry REST (snake_case) paths, so the gateway forwards them unchanged.
 */
export const GoalsErrorCode = {
  invalidFields: 'GOALS_INVALID_FIELDS',
  invalidCursor: 'GOALS_INVALID_CURSOR',
  goalNotFound: 'GOALS_GOAL_NOT_FOUND',
  contributionNotFound: 'GOALS_CONTRIBUTION_NOT_FOUND',
  transactionNotFound: 'GOALS_TRANSACTION_NOT_FOUND',
  alreadyContributed: 'GOALS_ALREADY_CONTRIBUTED',
  transactionExceeded: 'GOALS_TRANSACTION_EXCEEDED',
  goalCancelled: 'GOALS_GOAL_CANCELLED',
  userNotFound: 'GOALS_USER_NOT_FOUND',
} as const;

/** Collects field errors; throwIfAny throws invalidFields (GOALS_INVALID_FIELDS). */
export class FieldErrors extends PlatformFieldErrors {
  constructor() {
    super(invalidFields);
  }
}

export function invalidFields(errors: FieldError[]): DomainError {
  return new DomainError('invalid_argument', GoalsErrorCode.invalidFields, errors.map((e) => `${e.path}: ${e.message}`).join('; '), { errors });
}

export const errors = {
  invalidField: (path: string, message: string) => invalidField(GoalsErrorCode.invalidFields, path, message),
  invalidCursor: () => invalidField(GoalsErrorCode.invalidCursor, 'cursor', 'is not a cursor this list returned'),
  goalNotFound: () => new DomainError('not_found', GoalsErrorCode.goalNotFound, 'Goal not found.'),
  contributionNotFound: () => new DomainError('not_found', GoalsErrorCode.contributionNotFound, 'Contribution not found.'),
  transactionNotFound: () => new DomainError('not_found', GoalsErrorCode.transactionNotFound, 'Transaction not found.'),
  /** A part of a transaction in another currency that converts to less than a minor unit of the goal's. */
  worthNothing: (amount: string, goalZero: string, rateDate: string) =>
    invalidField(GoalsErrorCode.invalidFields, 'amount', `${amount} is worth ${goalZero} in the goal's currency at the rate of ${rateDate}: too little to count towards it`),
  alreadyContributed: () =>
    new DomainError('already_exists', GoalsErrorCode.alreadyContributed, 'This transaction is already contributed to this goal; delete that contribution to change it.'),
  transactionExceeded: (available: string, amount: string, contributed: string) =>
    invalidField(
      GoalsErrorCode.transactionExceeded,
      'amount',
      `exceeds what is left of the transaction: ${available} of its ${amount} (${contributed} is already contributed to your goals)`,
    ),
  goalCancelled: () =>
    new DomainError('failed_precondition', GoalsErrorCode.goalCancelled, 'The goal is cancelled; set its status to active to contribute to it again.'),
  userNotFound: () => new DomainError('unauthenticated', GoalsErrorCode.userNotFound, 'The account of this request no longer exists.'),
};
