import { DomainError, FieldErrors as PlatformFieldErrors, invalidField, type FieldError } from '@finance/platform/errors';

/**
 * Every error code the notifications service answers with. Stable: the gateway and clients key on
 * them. Field errors carry REST (snake_case) paths, so the gateway forwards them unchanged.
 */
export const NotificationsErrorCode = {
  invalidFields: 'NOTIFICATIONS_INVALID_FIELDS',
  invalidCursor: 'NOTIFICATIONS_INVALID_CURSOR',
  notificationNotFound: 'NOTIFICATIONS_NOTIFICATION_NOT_FOUND',
} as const;

/** Collects field errors; throwIfAny throws invalidFields (NOTIFICATIONS_INVALID_FIELDS). */
export class FieldErrors extends PlatformFieldErrors {
  constructor() {
    super(invalidFields);
  }
}

export function invalidFields(errors: FieldError[]): DomainError {
  return new DomainError('invalid_argument', NotificationsErrorCode.invalidFields, errors.map((e) => `${e.path}: ${e.message}`).join('; '), { errors });
}

export const errors = {
  invalidField: (path: string, message: string) => invalidField(NotificationsErrorCode.invalidFields, path, message),
  invalidCursor: () => invalidField(NotificationsErrorCode.invalidCursor, 'cursor', 'is not a cursor this list returned'),
  notificationNotFound: () => new DomainError('not_found', NotificationsErrorCode.notificationNotFound, 'Notification not found.'),
};
