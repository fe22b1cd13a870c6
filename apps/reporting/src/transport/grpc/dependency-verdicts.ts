import { DomainError } from '@finance/platform';
import { errors, invalidFields } from '../../domain/errors.js';

/**
 * A failed call to auth, the ledger or budgeting (already a DomainError: the service client maps
 * every gRPC failure once) as reporting's answer. Every request names only the user (and dates), so:
 * an unknown user → REPORTING_USER_NOT_FOUND (401); a refused argument → REPORTING_INVALID_FIELDS
 * with the dependency's field errors (same REST paths); a total beyond int64 →
 * REPORTING_SUM_TOO_LARGE. Unavailability and deadlines pass through with their generic codes.
 */
export function asReportingError(err: unknown): unknown {
  if (!(err instanceof DomainError)) return err;
  switch (err.kind) {
    case 'unauthenticated':
    case 'not_found':
      return errors.userNotFound();
    case 'invalid_argument':
      return invalidFields(err.errors ?? [], err.message);
    case 'failed_precondition':
      // LEDGER_SUM_TOO_LARGE, BUDGETING_SUM_TOO_LARGE: the only preconditions these RPCs have.
      return err.code.endsWith('_SUM_TOO_LARGE') ? errors.sumTooLarge() : err;
    default:
      return err;
  }
}

/** A minor-units or count string from another service (int64 as text); a malformed one is a fault. */
export function int64FromWire(value: string | undefined, what: string): bigint {
  if (value === undefined || !/^-?\d+$/.test(value)) throw new Error(`${what}: expected an int64 string, got ${JSON.stringify(value)}`);
  return BigInt(value);
}
