import { status } from '@grpc/grpc-js';
import { isServiceError } from '@finance/platform';
import { errors } from '../../domain/errors.js';

/**
 * A failed call to auth or the ledger that says nothing about the request: the other service is
 * down, overloaded or slow. Becomes UNAVAILABLE (or DEADLINE_EXCEEDED), which the gateway answers
 * with 503 (504); undefined for any other failure, which the caller decides about.
 */
export function dependencyFailure(dependency: 'auth' | 'ledger', err: unknown): Error | undefined {
  if (!isServiceError(err)) return undefined;
  switch (err.code) {
    case status.DEADLINE_EXCEEDED:
      return errors.deadline(dependency, err);
    case status.UNAVAILABLE:
    case status.CANCELLED:
    case status.RESOURCE_EXHAUSTED:
    case status.ABORTED:
    case status.UNKNOWN:
    case status.INTERNAL:
      return errors.unavailable(dependency, err);
    default:
      return undefined;
  }
}
