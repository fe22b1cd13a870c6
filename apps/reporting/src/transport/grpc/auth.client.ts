import { authUserOf, type AuthServiceClient } from '@finance/platform/user-profile';
import type { UserAccount } from '../../application/context.js';

/** GetUser with the fields the monthly report prints (username, email) besides the profile; a user auth does not know throws `gone()`. */
export async function accountOf(auth: AuthServiceClient, userId: string, gone: () => Error): Promise<UserAccount> {
  const user = await authUserOf(auth, userId);
  if (!user) throw gone();
  return { baseCurrency: user.baseCurrency, timezone: user.timezone, username: user.username, email: user.email };
}
