import { describe, expect, test } from '@jest/globals';
import { DomainError } from '@finance/platform';
import { ReportingErrorCode } from '../../domain/errors.js';
import { asReportingError, int64FromWire } from './dependency-verdicts.js';

// What reporting answers when auth, the ledger or budgeting refused a call (the service client has
// already turned the gRPC failure into a DomainError; platform's service-client tests cover that).
describe('asReportingError: what another service answered, as reporting says it', () => {
  test('refused arguments pass through as REPORTING_INVALID_FIELDS with the same field errors (REST paths)', () => {
    const ledgerSaid = new DomainError('invalid_argument', 'LEDGER_INVALID_FIELDS', 'from: is not a valid calendar date', {
      errors: [{ path: 'from', message: 'is not a valid calendar date' }],
    });
    expect(asReportingError(ledgerSaid)).toMatchObject({
      kind: 'invalid_argument',
      code: ReportingErrorCode.invalidFields,
      message: 'from: is not a valid calendar date',
      errors: [{ path: 'from', message: 'is not a valid calendar date' }],
    });
  });

  test('an unknown user (UNAUTHENTICATED or NOT_FOUND) is REPORTING_USER_NOT_FOUND', () => {
    expect(asReportingError(new DomainError('unauthenticated', 'AUTH_USER_NOT_FOUND', 'gone'))).toMatchObject({ kind: 'unauthenticated', code: ReportingErrorCode.userNotFound });
    expect(asReportingError(new DomainError('not_found', 'BUDGETING_USER_NOT_FOUND', 'x'))).toMatchObject({ code: ReportingErrorCode.userNotFound });
  });

  test('a sum beyond int64 (the ledger or budgeting) is REPORTING_SUM_TOO_LARGE; another precondition is not dressed up', () => {
    expect(asReportingError(new DomainError('failed_precondition', 'LEDGER_SUM_TOO_LARGE', 'too large'))).toMatchObject({ kind: 'failed_precondition', code: ReportingErrorCode.sumTooLarge });
    expect(asReportingError(new DomainError('failed_precondition', 'BUDGETING_SUM_TOO_LARGE', 'too large'))).toMatchObject({ code: ReportingErrorCode.sumTooLarge });
    const other = new DomainError('failed_precondition', 'LEDGER_SOMETHING_ELSE', 'no');
    expect(asReportingError(other)).toBe(other);
  });

  test('down or slow keeps the generic code naming the service (LEDGER_UNAVAILABLE, AUTH_DEADLINE_EXCEEDED)', () => {
    const down = new DomainError('unavailable', 'LEDGER_UNAVAILABLE', 'x');
    expect(asReportingError(down)).toBe(down);
    const slow = new DomainError('deadline', 'AUTH_DEADLINE_EXCEEDED', 'x');
    expect(asReportingError(slow)).toBe(slow);
  });

  test('anything else (not a DomainError: a bug on this side) stays as it is: an internal fault, logged and hidden', () => {
    const bug = new TypeError('oops');
    expect(asReportingError(bug)).toBe(bug);
  });
});

test('int64FromWire: exact, and a malformed value is a fault', () => {
  expect(int64FromWire('9223372036854775807', 'x')).toBe(9223372036854775807n);
  expect(int64FromWire('-30', 'x')).toBe(-30n);
  expect(() => int64FromWire('1e3', 'x')).toThrow(/int64/);
  expect(() => int64FromWire(undefined, 'x')).toThrow(/int64/);
});
