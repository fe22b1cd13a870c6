import type { EntityManager } from '@mikro-orm/postgresql';
import { canonicalUuid } from '@finance/platform/ids';
import { storeUserTimezone } from '../persistence/recurring.queries.js';
import { guardUserWrite } from './erasure.js';

// Each user's time zone, so the scheduler knows every user's "today" without asking auth per
// template. Kept from auth.user.updated.v1 (a profile change replaces it); auth publishes no event at
// registration, so creating a template also stores the zone GetUser answered, only where none is
// known yet (an event is newer than that snapshot). No row = UTC.

/**
 * auth.user.updated.v1: replaces the user's zone, in the consumer's transaction. An update arriving
 * after the user's erasure stores nothing (the erasure guard), so no row of the user comes back.
 */
export async function rememberUserTimezone(em: EntityManager, userId: string, timezone: string, now: Date): Promise<boolean> {
  const id = canonicalUuid(userId);
  if (!id) return false;
  try {
    await guardUserWrite(em, id);
  } catch {
    return false;
  }
  await storeUserTimezone(em, id, timezone, now, 'replace');
  return true;
}
