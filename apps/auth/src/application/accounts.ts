import { randomUUID } from 'node:crypto';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { enqueueEvent } from '@finance/events';
import { sessionRevoked, userDeleted, userUpdated } from '@finance/events/contracts/auth';
import { requireUserId } from '@finance/platform/ids';
import { hashPassword, verifyPassword } from '../domain/password.js';
import {
  DEFAULT_BASE_CURRENCY,
  DEFAULT_NOTIFICATION_PREFERENCES,
  DEFAULT_TIMEZONE,
  errors,
  validateProfileChanges,
  validateRegistration,
  type NotificationPreferences,
  type ProfileChanges,
} from '../domain/user.js';
import { UserEntity, type User } from '../persistence/auth.entities.js';
import { deleteLoginFailures, lockLoginKey } from '../persistence/login-failure.queries.js';
import { revokeSessionsOfUser, selectSessionsIssuingSince } from '../persistence/session.queries.js';
import { selectTakenIdentities } from '../persistence/user.queries.js';
import type { AuthContext } from './context.js';
import { liveAccessTokensSince } from './sessions.js';

/** Which of email/username is already taken (case-insensitively) by someone other than `exceptId`. */
async function findTaken(em: EntityManager, email: string | undefined, username: string | undefined, exceptId?: string) {
  const taken = await selectTakenIdentities(em, email, username, exceptId);
  if (taken.emailTaken) throw errors.emailTaken();
  if (taken.usernameTaken) throw errors.usernameTaken();
}

/** A concurrent insert can still win between the check and the write; the unique index decides. */
async function conflictsToDomain<T>(em: EntityManager, email: string | undefined, username: string | undefined, exceptId: string | undefined, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof UniqueConstraintViolationException) {
      await findTaken(em.fork(), email, username, exceptId);
    }
    throw err;
  }
}

export async function registerUser(ctx: AuthContext, input: { email: string; username: string; password: string }): Promise<User> {
  const email = input.email.trim();
  const username = input.username.trim();
  validateRegistration({ email, username, password: input.password });
  const em = ctx.orm.em.fork();
  await findTaken(em, email, username);
  const passwordHash = await hashPassword(input.password);
  const now = ctx.now();
  const user = em.create(UserEntity, {
    id: randomUUID(),
    email,
    username,
    passwordHash,
    isActive: true,
    baseCurrency: DEFAULT_BASE_CURRENCY,
    timezone: DEFAULT_TIMEZONE,
    notificationPreferences: { ...DEFAULT_NOTIFICATION_PREFERENCES },
    createdAt: now,
    updatedAt: now,
  });
  await conflictsToDomain(em, email, username, undefined, () => em.flush());
  return user;
}

export async function getUser(ctx: AuthContext, userId: string): Promise<User> {
  const user = await ctx.orm.em.fork().findOne(UserEntity, { id: requireUserId(userId, errors.invalidField) });
  if (!user) throw errors.userGone();
  return user;
}

export interface UpdateUserInput extends ProfileChanges {
  notificationPreferences?: Partial<NotificationPreferences> | undefined;
  /** The session making the request: a password change revokes every other session. */
  sessionId?: string | undefined;
}

export async function updateUser(ctx: AuthContext, callerId: string, input: UpdateUserInput): Promise<User> {
  const userId = requireUserId(callerId, errors.invalidField);
  const email = input.email?.trim();
  const username = input.username?.trim();
  const { timezone } = validateProfileChanges({ ...input, email, username });
  const em = ctx.orm.em.fork();
  const user = await em.transactional(async (tx) => {
    const user = await tx.findOne(UserEntity, { id: userId }, { lockMode: 4 /* pessimistic write */ });
    if (!user) throw errors.userGone();
    await findTaken(tx, email, username, userId);

    if (input.password !== undefined) {
      if (!(await verifyPassword(user.passwordHash, input.currentPassword ?? ''))) throw errors.wrongCurrentPassword();
      user.passwordHash = await hashPassword(input.password);
      // Every other session ends: its refresh tokens at once, and its access tokens too through
      // auth.session.revoked.v1 (the gateways refuse them). The caller's session stays: the user
      // just proved the password on it.
      const now = ctx.now();
      const revoked = await revokeSessionsOfUser(tx, userId, input.sessionId || undefined, now, 'password_changed');
      // Read after the update, which waited for any refresh in flight on these sessions to commit.
      const live = revoked.length ? new Set(await selectSessionsIssuingSince(tx, userId, liveAccessTokensSince(ctx, now))) : new Set<string>();
      const sessionIds = revoked.filter((id) => live.has(id)).sort();
      if (sessionIds.length) enqueueEvent(tx, sessionRevoked, { user_id: userId, session_ids: sessionIds, reason: 'password_changed', occurred_at: now.toISOString() });
    }
    const before = JSON.stringify(profileOf(user));
    if (email !== undefined) user.email = email;
    if (username !== undefined) user.username = username;
    if (input.baseCurrency !== undefined) user.baseCurrency = input.baseCurrency;
    if (timezone !== undefined) user.timezone = timezone;
    if (input.notificationPreferences) {
      user.notificationPreferences = { ...user.notificationPreferences, ...stripUndefined(input.notificationPreferences) };
    }
    const profileChanged = JSON.stringify(profileOf(user)) !== before;
    if (profileChanged || input.password !== undefined) user.updatedAt = ctx.now();
    if (profileChanged) enqueueEvent(tx, userUpdated, { user_id: user.id, ...profileOf(user) });
    await conflictsToDomain(tx, email, username, userId, () => tx.flush());
    return user;
  });
  ctx.eventsWritten();
  return user;
}

function profileOf(user: User) {
  return {
    email: user.email,
    username: user.username,
    base_currency: user.baseCurrency,
    timezone: user.timezone,
    notification_preferences: { ...user.notificationPreferences },
  };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * Erases the account. Sessions and refresh tokens go with it (foreign keys cascade), and
 * `auth.user.deleted.v1` is written in the same transaction so every other service erases the
 * user's data — even if NATS is down right now (the outbox relays it later).
 */
export async function deleteUser(ctx: AuthContext, callerId: string): Promise<void> {
  const userId = requireUserId(callerId, errors.invalidField);
  await ctx.orm.em.fork().transactional(async (tx) => {
    // A login counting a failure under this user's key holds this lock: it commits first (and its
    // row is deleted below) or finds the user gone.
    await lockLoginKey(tx, `user:${userId}`);
    const deleted = await tx.nativeDelete(UserEntity, { id: userId });
    if (!deleted) throw errors.userGone();
    await deleteLoginFailures(tx, `user:${userId}`);
    enqueueEvent(tx, userDeleted, { user_id: userId });
  });
  ctx.eventsWritten();
}
