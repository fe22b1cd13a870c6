import { randomUUID } from 'node:crypto';
import { ForeignKeyConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { enqueueEvent } from '@finance/events';
import { sessionRevoked } from '@finance/events/contracts/auth';
import { requireUserId } from '@finance/platform/ids';
import { verifyDecoy, verifyPassword } from '../domain/password.js';
import { decideRefresh, loginLockout } from '../domain/sessions.js';
import { hashRefreshToken, issueAccessToken, newRefreshToken } from '../domain/tokens.js';
import { errors } from '../domain/user.js';
import { RefreshTokenEntity, SessionEntity, UserEntity } from '../persistence/auth.entities.js';
import { deleteLoginFailures, deleteLoginFailuresUpTo, insertLoginFailure, lockLoginKey, selectRecentLoginFailures } from '../persistence/login-failure.queries.js';
import { selectUserIdByLogin, userExists } from '../persistence/user.queries.js';
import type { AuthContext } from './context.js';

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  tokenType: 'bearer';
  expiresIn: number;
}

async function issuePair(ctx: AuthContext, em: EntityManager, userId: string, sessionId: string): Promise<TokenPair> {
  const now = ctx.now();
  const refreshToken = newRefreshToken();
  em.create(RefreshTokenEntity, {
    id: randomUUID(),
    sessionId,
    tokenHash: hashRefreshToken(refreshToken),
    createdAt: now,
    expiresAt: new Date(now.getTime() + ctx.settings.refreshTokenTtlSeconds * 1000),
    usedAt: null,
  });
  const access = await issueAccessToken(ctx.keys.signingKey(), { userId, sessionId }, {
    issuer: ctx.settings.issuer,
    audience: ctx.settings.audience,
    ttlSeconds: ctx.settings.accessTokenTtlSeconds,
  }, now);
  return { accessToken: access.token, refreshToken, tokenType: 'bearer', expiresIn: access.expiresIn };
}

/** Characters PostgreSQL text cannot hold: U+0000, and UTF-16 surrogates that are not part of a pair. */
const UNSTORABLE = /[\u0000\ud800-\udfff]/u;

/**
 * The lockout key of a name that is no user's: `name:<lower-case name>`. A name with characters
 * PostgreSQL text cannot hold has them spelled out (`\u0000`), under a prefix of its own and with
 * `\` doubled, so the key is storable and no other name shares its count.
 */
function unknownNameKey(lower: string): string {
  if (!UNSTORABLE.test(lower)) return `name:${lower}`;
  const escaped = lower.replaceAll('\\', '\\\\').replace(/[\u0000\ud800-\udfff]/gu, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return `name-escaped:${escaped}`;
}

/**
 * Password login by username or email. Unknown user and wrong password answer alike (and take
 * as long). After `maxFailedLogins` failures within the window, the account answers "too many
 * attempts" until the window passes; failures for unknown names are counted too, so the lockout
 * does not reveal which names exist.
 */
export async function loginUser(ctx: AuthContext, identifier: string, password: string): Promise<TokenPair> {
  const em = ctx.orm.em.fork();
  const name = identifier.trim();
  // Usernames cannot contain "@", so an "@" means an email. lower() matches the unique indexes.
  const column = name.includes('@') ? 'email' : 'username';
  // A name with NUL (or a lone surrogate) names no user: PostgreSQL text cannot hold it, so it is
  // not looked up, and it goes the unknown-name way (same answer, counted for the lockout).
  const foundId = UNSTORABLE.test(name) ? undefined : await selectUserIdByLogin(em, column, name);
  const user = foundId ? await em.findOne(UserEntity, { id: foundId }) : null;
  const key = user ? `user:${user.id}` : unknownNameKey(name.toLowerCase());
  const now = ctx.now();

  const windowStart = new Date(now.getTime() - ctx.settings.failedLoginWindowMs);
  // Every attempt is counted as a failure before the password is checked, under a lock on the key,
  // so concurrent attempts cannot all pass the check before any of them is counted: at most
  // maxFailedLogins passwords are ever tried per window. A success clears the key's failures.
  await em.transactional(async (tx) => {
    await lockLoginKey(tx, key);
    // deleteUser takes the same key's lock: a user deleted meanwhile is not counted under its id
    // (the row would outlive the erasure) and is answered as an unknown one.
    if (user && !(await userExists(tx, user.id))) throw errors.invalidCredentials();
    const failures = await selectRecentLoginFailures(tx, key, windowStart, ctx.settings.maxFailedLogins);
    const lock = loginLockout(failures, now, ctx.settings.maxFailedLogins, ctx.settings.failedLoginWindowMs);
    if (lock.locked) throw errors.tooManyAttempts(lock.retryAfterSeconds);
    await insertLoginFailure(tx, key, now);
    // Old rows of this key are no use to anyone; keep the table small.
    await deleteLoginFailuresUpTo(tx, key, windowStart);
  });

  const ok = user && user.isActive ? await verifyPassword(user.passwordHash, password) : await verifyDecoy(password);
  if (!ok || !user) throw errors.invalidCredentials();

  try {
    return await em.transactional(async (tx) => {
      // The key's lock again (deleteUser takes it first): without it this transaction and a
      // deletion wait for each other's rows (the failures here, the user row for the session).
      await lockLoginKey(tx, key);
      await deleteLoginFailures(tx, key);
      const session = tx.create(SessionEntity, { id: randomUUID(), userId: user.id, createdAt: now, revokedAt: null, revokedReason: null });
      // The tokens reference the session by a plain column, so the ORM cannot order the inserts.
      await tx.flush();
      const pair = await issuePair(ctx, tx, user.id, session.id);
      await tx.flush();
      return pair;
    });
  } catch (err) {
    // The account was deleted while its password was checked: no session for a user that is gone.
    if (err instanceof ForeignKeyConstraintViolationException) throw errors.invalidCredentials();
    throw err;
  }
}

/** Spends a refresh token for a new pair in the same session; reuse of a spent token revokes the session. */
export async function refreshSession(ctx: AuthContext, refreshToken: string): Promise<TokenPair> {
  const outcome = await ctx.orm.em.fork().transactional(async (tx) => {
    const token = await tx.findOne(RefreshTokenEntity, { tokenHash: hashRefreshToken(refreshToken) }, { lockMode: 4 /* pessimistic write */ });
    const session = token ? await tx.findOne(SessionEntity, { id: token.sessionId }, { lockMode: 4 }) : null;
    const now = ctx.now();
    const decision = decideRefresh(token, session, now);
    if (decision === 'reuse_detected') {
      session!.revokedAt = now;
      session!.revokedReason = 'refresh_token_reused';
      // The family's access tokens (the thief's and the owner's) are refused from now on too.
      enqueueEvent(tx, sessionRevoked, { user_id: session!.userId, session_ids: [session!.id], reason: 'refresh_token_reused', occurred_at: now.toISOString() });
      await tx.flush();
      return { error: true as const, revoked: true };
    }
    if (decision !== 'rotate') return { error: true as const };
    token!.usedAt = now;
    const pair = await issuePair(ctx, tx, session!.userId, session!.id);
    await tx.flush();
    return { pair };
  });
  // The revocation above must commit, so the error is raised outside the transaction.
  if ('error' in outcome) {
    if (outcome.revoked) ctx.eventsWritten();
    throw errors.invalidRefreshToken();
  }
  return outcome.pair;
}

/**
 * Logout: the session of this refresh token stops working, and `auth.session.revoked.v1` tells
 * the gateways to refuse its access tokens. Answers the id of the session it ended; unknown,
 * foreign or already revoked tokens change nothing (undefined).
 */
export async function revokeSession(ctx: AuthContext, callerId: string, refreshToken: string): Promise<string | undefined> {
  const userId = requireUserId(callerId, errors.invalidField);
  const em = ctx.orm.em.fork();
  const token = await em.findOne(RefreshTokenEntity, { tokenHash: hashRefreshToken(refreshToken) });
  if (!token) return undefined;
  const ended = await em.transactional(async (tx) => {
    const now = ctx.now();
    const revoked = await tx.nativeUpdate(SessionEntity, { id: token.sessionId, userId, revokedAt: null }, { revokedAt: now, revokedReason: 'logout' });
    if (!revoked) return false;
    enqueueEvent(tx, sessionRevoked, { user_id: userId, session_ids: [token.sessionId], reason: 'logout', occurred_at: now.toISOString() });
    return true;
  });
  if (!ended) return undefined;
  ctx.eventsWritten();
  return token.sessionId;
}

/**
 * Access tokens live `accessTokenTtlSeconds` from the pair they came with; a session whose last
 * pair is older than that (plus a minute for the gateways' clock tolerance) has none left alive,
 * so announcing its revocation would change nothing.
 */
export function liveAccessTokensSince(ctx: AuthContext, now: Date): Date {
  return new Date(now.getTime() - (ctx.settings.accessTokenTtlSeconds + 60) * 1000);
}
