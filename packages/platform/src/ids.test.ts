import { describe, expect, it } from '@jest/globals';
import { DomainError, invalidField } from './errors.js';
import { canonicalUuid, requireUserId, USER_ID_MESSAGE } from './ids.js';

describe('canonicalUuid', () => {
  it('keeps a lower-case uuid as it is', () => {
    expect(canonicalUuid('3f2b8c1e-9a4d-4e6f-8b21-0c5d7e9fa123')).toBe('3f2b8c1e-9a4d-4e6f-8b21-0c5d7e9fa123');
  });

  it('spells an upper-case or mixed-case uuid in lower case, as PostgreSQL prints it', () => {
    expect(canonicalUuid('3F2B8C1E-9A4D-4E6F-8B21-0C5D7E9FA123')).toBe('3f2b8c1e-9a4d-4e6f-8b21-0c5d7e9fa123');
    expect(canonicalUuid('3f2B8c1E-9a4D-4e6F-8b21-0C5d7E9fA123')).toBe('3f2b8c1e-9a4d-4e6f-8b21-0c5d7e9fa123');
  });

  it('accepts the nil uuid (any version or variant is a uuid to PostgreSQL)', () => {
    expect(canonicalUuid('00000000-0000-0000-0000-000000000000')).toBe('00000000-0000-0000-0000-000000000000');
  });

  it.each([undefined, null, 42, {}, ['3f2b8c1e-9a4d-4e6f-8b21-0c5d7e9fa123']])('is undefined for a value that is not a string (%p)', (value) => {
    expect(canonicalUuid(value)).toBeUndefined();
  });

  it.each([
    ['empty', ''],
    ['one character short', '3f2b8c1e-9a4d-4e6f-8b21-0c5d7e9fa12'],
    ['one character long', '3f2b8c1e-9a4d-4e6f-8b21-0c5d7e9fa1234'],
    ['without hyphens', '3f2b8c1e9a4d4e6f8b210c5d7e9fa123'],
    ['in braces', '{3f2b8c1e-9a4d-4e6f-8b21-0c5d7e9fa123}'],
    ['with surrounding spaces', ' 3f2b8c1e-9a4d-4e6f-8b21-0c5d7e9fa123 '],
    ['with a trailing newline', '3f2b8c1e-9a4d-4e6f-8b21-0c5d7e9fa123\n'],
    ['with a non-hex letter', '3f2b8c1e-9a4d-4e6f-8b21-0c5d7e9fa12g'],
    ['with hyphens in the wrong places', '3f2b8c1e9-a4d-4e6f-8b21-0c5d7e9fa123'],
  ])('is undefined for a string that is not a uuid (%s)', (_, value) => {
    expect(canonicalUuid(value)).toBeUndefined();
  });
});

describe('requireUserId', () => {
  const invalid = (path: string, message: string) => invalidField('TEST_INVALID_FIELDS', path, message);

  it('answers the canonical spelling of a well-formed id', () => {
    expect(requireUserId('3F2B8C1E-9A4D-4E6F-8B21-0C5D7E9FA123', invalid)).toBe('3f2b8c1e-9a4d-4e6f-8b21-0c5d7e9fa123');
  });

  it.each([
    ['missing (proto default)', ''],
    ['absent', undefined],
    ['malformed', 'me'],
    ['almost a uuid', '3f2b8c1e-9a4d-4e6f-8b21-0c5d7e9fa12'],
  ])('refuses a %s id as an invalid user_id field with the service\'s code, never as unauthenticated', (_, value) => {
    const err = (() => {
      try {
        requireUserId(value, invalid);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(DomainError);
    expect(err).toMatchObject({ kind: 'invalid_argument', code: 'TEST_INVALID_FIELDS', errors: [{ path: 'user_id', message: USER_ID_MESSAGE }] });
  });
});
