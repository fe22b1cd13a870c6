import { randomUUID } from 'node:crypto';
import type { authV1 } from '@finance/proto';
import { stubError, type GrpcStub } from './grpc-stub.js';

/** What other services ask auth about a user (GetUser). */
export interface StubProfile {
  baseCurrency: string;
  timezone: string;
}

export type AuthStub = GrpcStub<typeof authV1.AuthServiceService>;

/** The authV1.User an auth stub answers for a profile. */
export const stubAuthUser = (id: string, profile: StubProfile): authV1.User => ({
  id,
  email: `${id}@example.com`,
  username: `u${id.slice(0, 8)}`,
  isActive: true,
  baseCurrency: profile.baseCurrency,
  timezone: profile.timezone,
  notificationPreferences: undefined,
  createdAt: undefined,
  updatedAt: undefined,
});

/**
 * Scripts GetUser on an auth stub from `profiles` (read at each call, so later changes count): a
 * known user's profile; for an unknown one what auth answers for a deleted account
 * (UNAUTHENTICATED, AUTH_USER_NOT_FOUND).
 */
export function answerUserProfiles(auth: AuthStub, profiles: ReadonlyMap<string, StubProfile>): void {
  auth.on('getUser', ({ userId }) => {
    const profile = profiles.get(userId);
    if (!profile) throw stubError('unauthenticated', 'AUTH_USER_NOT_FOUND', 'The account of this token no longer exists.');
    return { user: stubAuthUser(userId, profile) };
  });
}

/** A new user the stub knows (base currency USD, time zone UTC unless given); returns its id. */
export function addStubUser(profiles: Map<string, StubProfile>, profile: Partial<StubProfile> = {}): string {
  const userId = randomUUID();
  profiles.set(userId, { baseCurrency: 'USD', timezone: 'UTC', ...profile });
  return userId;
}

/** Changes what the stub answers about a user, as a profile update in auth would. */
export function updateStubUser(profiles: Map<string, StubProfile>, userId: string, fields: Partial<StubProfile>): void {
  const profile = profiles.get(userId);
  if (!profile) throw new Error(`the auth stub does not know ${userId}`);
  profiles.set(userId, { ...profile, ...fields });
}
