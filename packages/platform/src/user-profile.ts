// What every service asks auth about a user, in one place: ledger, budgeting, reporting (and the
// services to come) need the same two facts and the same answer when the account is gone.
import type { authV1 } from '@finance/proto';
import { DomainError } from './errors.js';
import type { ServiceClient } from './service-client.js';

export type AuthServiceClient = ServiceClient<typeof authV1.AuthServiceService>;

/** A user's settings other services compute with. */
export interface UserProfile {
  /** ISO 4217: the currency of what is recorded without one, and of reports. */
  baseCurrency: string;
  /** IANA zone: "today" is today there. */
  timezone: string;
}

/**
 * The profile auth holds for `userId` (through createServiceClient('auth', …)). A user auth does not
 * know — deleted while a token still lives: NOT_FOUND or UNAUTHENTICATED — throws `gone()`, the
 * calling service's own "the account of this request no longer exists" error. Other failures are
 * the service client's (AUTH_UNAVAILABLE, AUTH_DEADLINE_EXCEEDED, auth's own verdicts).
 */
export async function userProfileOf(auth: AuthServiceClient, userId: string, gone: () => Error): Promise<UserProfile> {
  let user: authV1.User | undefined;
  try {
    ({ user } = await auth.getUser({ userId }));
  } catch (err) {
    if (err instanceof DomainError && (err.kind === 'not_found' || err.kind === 'unauthenticated')) throw gone();
    throw err;
  }
  if (!user) throw gone();
  return { baseCurrency: user.baseCurrency, timezone: user.timezone };
}
