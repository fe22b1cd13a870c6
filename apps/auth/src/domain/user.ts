import { isCurrencyCode } from '@finance/money';
import { DomainError, invalidField, type FieldError } from '@finance/platform/errors';
import { charLength, hasNul } from '@finance/platform/text';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from './password.js';

export interface NotificationPreferences {
  email: boolean;
  budget_alerts: boolean;
  recurring_reminders: boolean;
  goal_milestones: boolean;
}

export const DEFAULT_NOTIFICATION_PREFERENCES: NotificationPreferences = {
  email: true,
  budget_alerts: true,
  recurring_reminders: true,
  goal_milestones: true,
};

export const DEFAULT_BASE_CURRENCY = 'USD';
export const DEFAULT_TIMEZONE = 'UTC';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const USERNAME = /^[A-Za-z0-9_.-]{3,100}$/;

function check(errors: FieldError[], ok: boolean, path: string, message: string) {
  if (!ok) errors.push({ path, message });
}

function throwIfAny(errors: FieldError[]) {
  if (errors.length) throw new DomainError('invalid_argument', 'AUTH_INVALID_FIELDS', errors.map((e) => `${e.path}: ${e.message}`).join('; '), { errors });
}

function validateEmail(errors: FieldError[], email: string) {
  // EMAIL allows any non-space character; NUL, which PostgreSQL text cannot hold, is refused here.
  check(errors, email.length <= 254 && EMAIL.test(email) && !hasNul(email) && email.isWellFormed(), 'email', 'must be a valid email address');
}

function validateUsername(errors: FieldError[], username: string) {
  check(errors, USERNAME.test(username), 'username', 'must be 3 to 100 characters: letters, digits, "_", "." or "-"');
}

function validatePassword(errors: FieldError[], password: string, path = 'password') {
  const length = charLength(password);
  check(
    errors,
    // No NUL: the gateway refuses it too, one rule for what a password may be.
    length >= PASSWORD_MIN_LENGTH && length <= PASSWORD_MAX_LENGTH && password.isWellFormed() && !hasNul(password),
    path,
    `must be ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters`,
  );
}

export function validateRegistration(input: { email: string; username: string; password: string }) {
  const errors: FieldError[] = [];
  validateEmail(errors, input.email);
  validateUsername(errors, input.username);
  validatePassword(errors, input.password);
  throwIfAny(errors);
}

/**
 * An IANA time zone name, returned in its canonical spelling ("utc" → "UTC"). Offsets like
 * "+05:00" are refused: a user's "today" should follow daylight-saving rules of a place.
 */
function canonicalTimezone(timezone: string): string | undefined {
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(timezone) || timezone.length > 64) return undefined;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: timezone }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

export interface ProfileChanges {
  email?: string | undefined;
  username?: string | undefined;
  baseCurrency?: string | undefined;
  timezone?: string | undefined;
  password?: string | undefined;
  currentPassword?: string | undefined;
}

/** Validates a profile update; returns the time zone in canonical form. */
export function validateProfileChanges(changes: ProfileChanges): { timezone?: string } {
  const errors: FieldError[] = [];
  if (changes.email !== undefined) validateEmail(errors, changes.email);
  if (changes.username !== undefined) validateUsername(errors, changes.username);
  if (changes.baseCurrency !== undefined) check(errors, isCurrencyCode(changes.baseCurrency), 'base_currency', 'must be an ISO 4217 currency code such as USD or EUR');
  let timezone: string | undefined;
  if (changes.timezone !== undefined) {
    timezone = canonicalTimezone(changes.timezone);
    check(errors, timezone !== undefined, 'timezone', 'must be an IANA time zone such as UTC or Europe/Paris');
  }
  if (changes.password !== undefined) {
    validatePassword(errors, changes.password);
    check(errors, changes.currentPassword !== undefined && changes.currentPassword !== '', 'current_password', 'is required to change the password');
  }
  throwIfAny(errors);
  return timezone === undefined ? {} : { timezone };
}

export const errors = {
  emailTaken: () => new DomainError('already_exists', 'AUTH_EMAIL_TAKEN', 'An account with this email already exists.', { errors: [{ path: 'email', message: 'is already registered' }] }),
  usernameTaken: () => new DomainError('already_exists', 'AUTH_USERNAME_TAKEN', 'This username is taken.', { errors: [{ path: 'username', message: 'is already taken' }] }),
  invalidCredentials: () => new DomainError('unauthenticated', 'AUTH_INVALID_CREDENTIALS', 'Incorrect username or password.'),
  tooManyAttempts: (retryAfterSeconds: number) =>
    new DomainError('resource_exhausted', 'AUTH_TOO_MANY_ATTEMPTS', 'Too many failed logins for this account; try again later.', { retryAfterSeconds }),
  invalidRefreshToken: () => new DomainError('unauthenticated', 'AUTH_INVALID_REFRESH_TOKEN', 'The refresh token is invalid, expired or revoked.'),
  userGone: () => new DomainError('unauthenticated', 'AUTH_USER_NOT_FOUND', 'The account of this token no longer exists.'),
  wrongCurrentPassword: () => invalidField('AUTH_WRONG_CURRENT_PASSWORD', 'current_password', 'is incorrect'),
  invalidField: (path: string, message: string) => invalidField('AUTH_INVALID_FIELDS', path, message),
};
