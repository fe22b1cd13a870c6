import { status } from '@grpc/grpc-js';
import { fromGrpcError, isServiceError, transientFailure, type RequestOptions } from '@finance/platform';
import type { CallScope } from '../../application/context.js';
import { errors, invalidFields, type Dependency } from '../../domain/errors.js';

/**
 * A failed call to another service that says nothing about the request: it is down, overloaded or
 * slow. Becomes UNAVAILABLE (or DEADLINE_EXCEEDED), which the gateway answers with 503 (504);
 * undefined for any other failure.
 */
export function dependencyFailure(dependency: Dependency, err: unknown): Error | undefined {
  const kind = transientFailure(err);
  if (kind === 'deadline') return errors.deadline(dependency, err);
  return kind === 'unavailable' ? errors.unavailable(dependency, err) : undefined;
}

/**
 * Any failed call to auth, the ledger or budgeting, as reporting's own error. Every request names
 * only the user (and dates), so: an unknown user → REPORTING_USER_NOT_FOUND (401); a refused
 * argument → REPORTING_INVALID_FIELDS with the dependency's field errors (same REST paths); a total
 * beyond int64 → REPORTING_SUM_TOO_LARGE; down or slow → see dependencyFailure. Anything else is a
 * fault of this service and stays an INTERNAL error (logged, never shown).
 */
export function dependencyError(dependency: Dependency, err: unknown): unknown {
  const failure = dependencyFailure(dependency, err);
  if (failure || !isServiceError(err)) return failure ?? err;
  switch (err.code) {
    case status.UNAUTHENTICATED:
    case status.NOT_FOUND:
      return errors.userNotFound();
    case status.INVALID_ARGUMENT: {
      const remote = fromGrpcError(err);
      return invalidFields(remote.errors ?? [], remote.detail);
    }
    case status.FAILED_PRECONDITION:
      // LEDGER_SUM_TOO_LARGE, BUDGETING_SUM_TOO_LARGE: the only preconditions these RPCs have.
      if (fromGrpcError(err).code.endsWith('_SUM_TOO_LARGE')) return errors.sumTooLarge();
      return err;
    default:
      return err;
  }
}

/** The request id and the caller's remaining time (at most `defaultMs`) for one call to a dependency. */
export function callOptions(scope: CallScope, defaultMs: number, now = Date.now()): RequestOptions {
  const remaining = scope.deadline === undefined || !Number.isFinite(scope.deadline) ? defaultMs : Math.min(defaultMs, scope.deadline - now);
  // A deadline already past still makes the call fail as DEADLINE_EXCEEDED, through the same path.
  const options: RequestOptions = { deadlineMs: Math.max(1, Math.floor(remaining)) };
  if (scope.requestId) options.requestId = scope.requestId;
  return options;
}

/** A minor-units or count string from another service (int64 as text); a malformed one is a fault. */
export function int64FromWire(value: string | undefined, what: string): bigint {
  if (value === undefined || !/^-?\d+$/.test(value)) throw new Error(`${what}: expected an int64 string, got ${JSON.stringify(value)}`);
  return BigInt(value);
}
