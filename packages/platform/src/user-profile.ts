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
 * The user as auth holds it, or undefined when auth does not know them — deleted while a token still
 * lives: NOT_FOUND or UNAUTHENTICATED. Other failures are the service client's (AUTH_UNAVAILABLE,
 * AUTH_DEADLINE_EXCEEDED, auth's own verdicts). Every service's GetUser goes through here, so "the
 * account is gone" is decided once.
 */
export async function authUserOf(auth: AuthServiceClient, userId: string): Promise<authV1.User | undefined> {
  try {
    return (await auth.getUser({ userId })).user;
  } catch (err) {
    if (err instanceof DomainError && (err.kind === 'not_found' || err.kind === 'unauthenticated')) return undefined;
    throw err;
  }
}

/**
 * The profile auth holds for `userId` (through createServiceClient('auth', …)). A user auth does not
 * know throws `gone()`, the calling service's own "the account of this request no longer exists"
 * error; other failures as authUserOf.
 */
export async function userProfileOf(auth: AuthServiceClient, userId: string, gone: () => Error): Promise<UserProfile> {
  const user = await authUserOf(auth, userId);
  if (!user) throw gone();
  return { baseCurrency: user.baseCurrency, timezone: user.timezone };
}
