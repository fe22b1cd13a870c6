import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { describe, expect, test } from '@jest/globals';
import { createLogger, DomainError, toGrpcStatus } from '@finance/platform';
import { ReportingErrorCode } from '../../domain/errors.js';
import { callOptions, dependencyError, int64FromWire } from './dependency-errors.js';

const logger = createLogger('test', 'silent');

/** What a gRPC client receives when the other service threw `err` (its DomainError metadata included). */
function received(err: DomainError | { code: status; details: string }): ServiceError {
  const st = err instanceof DomainError ? toGrpcStatus(err, logger) : { ...err, metadata: new Metadata() };
  return Object.assign(new Error(st.details), { code: st.code!, details: st.details!, metadata: st.metadata! });
}

describe('dependencyError: what another service answered, as reporting says it', () => {
  test('refused arguments pass through as REPORTING_INVALID_FIELDS with the same field errors (REST paths)', () => {
    const ledgerSaid = new DomainError('invalid_argument', 'LEDGER_INVALID_FIELDS', 'from: is not a valid calendar date', {
      errors: [{ path: 'from', message: 'is not a valid calendar date' }],
    });
    expect(dependencyError('ledger', received(ledgerSaid))).toMatchObject({
      kind: 'invalid_argument',
      code: ReportingErrorCode.invalidFields,
      message: 'from: is not a valid calendar date',
      errors: [{ path: 'from', message: 'is not a valid calendar date' }],
    });
  });

  test('an unknown user (UNAUTHENTICATED or NOT_FOUND) is REPORTING_USER_NOT_FOUND', () => {
    const authSaid = new DomainError('unauthenticated', 'AUTH_USER_NOT_FOUND', 'gone');
    expect(dependencyError('auth', received(authSaid))).toMatchObject({ kind: 'unauthenticated', code: ReportingErrorCode.userNotFound });
    expect(dependencyError('budgeting', received({ code: status.NOT_FOUND, details: 'x' }))).toMatchObject({ code: ReportingErrorCode.userNotFound });
  });

  test('a sum beyond int64 (the ledger or budgeting) is REPORTING_SUM_TOO_LARGE; another precondition is not dressed up', () => {
    const ledgerSaid = new DomainError('failed_precondition', 'LEDGER_SUM_TOO_LARGE', 'too large');
    expect(dependencyError('ledger', received(ledgerSaid))).toMatchObject({ kind: 'failed_precondition', code: ReportingErrorCode.sumTooLarge });
    const other = received(new DomainError('failed_precondition', 'LEDGER_SOMETHING_ELSE', 'no'));
    expect(dependencyError('ledger', other)).toBe(other);
  });

  test('down, failing or slow: UNAVAILABLE or DEADLINE_EXCEEDED, naming the service', () => {
    for (const code of [status.UNAVAILABLE, status.INTERNAL, status.UNKNOWN, status.CANCELLED, status.RESOURCE_EXHAUSTED, status.ABORTED]) {
      expect(dependencyError('budgeting', received({ code, details: 'x' }))).toMatchObject({ kind: 'unavailable', code: ReportingErrorCode.budgetingUnavailable });
    }
    expect(dependencyError('auth', received({ code: status.DEADLINE_EXCEEDED, details: 'x' }))).toMatchObject({ kind: 'deadline', code: ReportingErrorCode.authUnavailable });
  });

  test('anything else (not a gRPC error, an unexpected status) stays as it is: an internal fault, logged and hidden', () => {
    const bug = new TypeError('oops');
    expect(dependencyError('ledger', bug)).toBe(bug);
    const unimplemented = received({ code: status.UNIMPLEMENTED, details: 'x' });
    expect(dependencyError('ledger', unimplemented)).toBe(unimplemented);
  });
});

describe('callOptions: the caller\'s request id and deadline go on', () => {
  test('no deadline: the default', () => {
    expect(callOptions({ requestId: 'r1' }, 3000, 1_000)).toEqual({ requestId: 'r1', deadlineMs: 3000 });
    expect(callOptions({ deadline: Infinity }, 3000, 1_000)).toEqual({ deadlineMs: 3000 });
  });

  test('the caller waits less than the default: its remaining time', () => {
    expect(callOptions({ deadline: 2_500 }, 3000, 1_000)).toEqual({ deadlineMs: 1500 });
    expect(callOptions({ deadline: 9_000 }, 3000, 1_000)).toEqual({ deadlineMs: 3000 });
  });

  test('a deadline already past still makes a (failing) call, never a negative one', () => {
    expect(callOptions({ deadline: 500 }, 3000, 1_000)).toEqual({ deadlineMs: 1 });
  });
});

test('int64FromWire: exact, and a malformed value is a fault', () => {
  expect(int64FromWire('9223372036854775807', 'x')).toBe(9223372036854775807n);
  expect(int64FromWire('-30', 'x')).toBe(-30n);
  expect(() => int64FromWire('1e3', 'x')).toThrow(/int64/);
  expect(() => int64FromWire(undefined, 'x')).toThrow(/int64/);
});
