import { describe, expect, it } from '@jest/globals';
import { DomainError, FieldErrors, type FieldError } from './errors.js';

const invalidFields = (errors: FieldError[]) => new DomainError('invalid_argument', 'TEST_INVALID_FIELDS', `${errors.length} invalid`, { errors });

describe('FieldErrors', () => {
  it('does not throw while nothing was added', () => {
    const errors = new FieldErrors(invalidFields);
    errors.check(true, 'name', 'must not be empty');
    expect(() => errors.throwIfAny()).not.toThrow();
  });

  it("throws the service's error naming every field added, in order", () => {
    const errors = new FieldErrors(invalidFields);
    errors.add('amount', 'must be greater than zero');
    errors.check(false, 'name', 'must not be empty');
    expect(errors.has('amount')).toBe(true);
    expect(errors.has('currency')).toBe(false);
    expect(() => errors.throwIfAny()).toThrow(
      expect.objectContaining({
        code: 'TEST_INVALID_FIELDS',
        errors: [
          { path: 'amount', message: 'must be greater than zero' },
          { path: 'name', message: 'must not be empty' },
        ],
      }),
    );
  });
});
