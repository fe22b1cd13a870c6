import { DomainError, FieldErrors as PlatformFieldErrors, invalidField, type FieldError } from '@finance/platform/errors';

/**
 * Every error code the currency service answers with. Stable: the gateway, the converting services
 * (@finance/rates) and clients key on them. RATE_UNAVAILABLE carries no service prefix: every service
 * that converts answers it alike, whether it asked this service or its own cache.
 */
export const CurrencyErrorCode = {
  invalidFields: 'CURRENCY_INVALID_FIELDS',
  currencyUnknown: 'CURRENCY_UNKNOWN',
  rateUnavailable: 'RATE_UNAVAILABLE',
} as const;

/** Collects field errors; throwIfAny throws invalidFields (CURRENCY_INVALID_FIELDS). */
export class FieldErrors extends PlatformFieldErrors {
  constructor() {
    super(invalidFields);
  }
}

export function invalidFields(errors: FieldError[]): DomainError {
  return new DomainError('invalid_argument', CurrencyErrorCode.invalidFields, errors.map((e) => `${e.path}: ${e.message}`).join('; '), { errors });
}

export const errors = {
  invalidField: (path: string, message: string) => invalidField(CurrencyErrorCode.invalidFields, path, message),
  currencyUnknown: (path: string, message: string) => invalidField(CurrencyErrorCode.currencyUnknown, path, message),
  rateUnavailable: (message: string) => new DomainError('invalid_argument', CurrencyErrorCode.rateUnavailable, message),
};
