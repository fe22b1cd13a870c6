import { describe, expect, it } from '@jest/globals';
import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { transientFailure } from './grpc-errors.js';

const failed = (code: status): ServiceError => Object.assign(new Error(`code ${code}`), { code, details: '', metadata: new Metadata() });

describe('transientFailure', () => {
  it('is "deadline" for DEADLINE_EXCEEDED', () => {
    expect(transientFailure(failed(status.DEADLINE_EXCEEDED))).toBe('deadline');
  });

  it.each([status.UNAVAILABLE, status.CANCELLED, status.RESOURCE_EXHAUSTED, status.ABORTED, status.UNKNOWN, status.INTERNAL])(
    'is "unavailable" for a failure that says nothing about the request (%s)',
    (code) => {
      expect(transientFailure(failed(code))).toBe('unavailable');
    },
  );

  it.each([status.INVALID_ARGUMENT, status.NOT_FOUND, status.ALREADY_EXISTS, status.FAILED_PRECONDITION, status.UNAUTHENTICATED, status.PERMISSION_DENIED])(
    'is undefined for a verdict on the request (%s)',
    (code) => {
      expect(transientFailure(failed(code))).toBeUndefined();
    },
  );

  it('is undefined for an error that is not from gRPC', () => {
    expect(transientFailure(new Error('boom'))).toBeUndefined();
  });
});
