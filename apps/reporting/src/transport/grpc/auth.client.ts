import { DomainError } from '@finance/platform/errors';
import type { AuthServiceClient } from '@finance/platform/user-profile';
import type { UserAccount } from '../../application/context.js';

/**
 * GetUser with the fields the monthly report prints (username, email) besides the profile. A user
 * auth does not know (deleted while a token still lives) throws `gone()`, as userProfileOf does.
 */
export async function accountOf(auth: AuthServiceClient, userId: string, gone: () => Error): Promise<UserAccount> {
  let user;
  try {
    ({ user } = await auth.getUser({ userId }));
  } catch (err) {
    if (err instanceof DomainError && (err.kind === 'not_found' || err.kind === 'unauthenticated')) throw gone();
    throw err;
  }
  if (!user) throw gone();
  return { baseCurrency: user.baseCurrency, timezone: user.timezone, username: user.username, email: user.email };
}
