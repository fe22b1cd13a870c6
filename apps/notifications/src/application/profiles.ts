import type { EntityManager } from '@mikro-orm/postgresql';
import { canonicalUuid } from '@finance/platform/ids';
import { storeUserProfile } from '../persistence/user-profile.queries.js';
import { lockLiveUser } from './erasure.js';
import type { UserSnapshot } from './views.js';

/**
 * auth.user.updated.v1: the user's e-mail address, time zone and preferences as of `occurredAt`,
 * stored unless a newer snapshot is (events of one user may be handled out of order with several
 * replicas). Nothing is stored for an erased user. Returns whether it was stored.
 */
export async function rememberUserProfile(tx: EntityManager, input: { userId: string; snapshot: UserSnapshot; occurredAt: Date; now: Date }): Promise<boolean> {
  const userId = canonicalUuid(input.userId);
  if (!userId) return false;
  if (!(await lockLiveUser(tx, userId))) return false;
  return storeUserProfile(tx, userId, input.snapshot, input.occurredAt, input.now, 'newer');
}
