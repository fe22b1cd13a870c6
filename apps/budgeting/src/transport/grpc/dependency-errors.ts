import { transientFailure } from '@finance/platform';
import { errors } from '../../domain/errors.js';

/**
 * A failed call to auth or the ledger that says nothing about the request: the other service is
 * down, overloaded or slow. Becomes UNAVAILABLE (or DEADLINE_EXCEEDED), which the gateway answers
 * with 503 (504); undefined for any other failure, which the caller decides about.
 */
export function dependencyFailure(dependency: 'auth' | 'ledger', err: unknown): Error | undefined {
  const kind = transientFailure(err);
  if (kind === 'deadline') return errors.deadline(dependency, err);
  return kind === 'unavailable' ? errors.unavailable(dependency, err) : undefined;
}
