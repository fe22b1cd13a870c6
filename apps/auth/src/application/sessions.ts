import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { requireUserId } from '@finance/platform/ids';
import { verifyDecoy, verifyPassword } from '../domain/password.js';
import { decideRefresh, loginLockout } from '../domain/sessions.js';
import { hashRefreshToken, issueAccessToken, newRefreshToken } from '../domain/tokens.js';
import { errors } from '../domain/user.js';
import { RefreshTokenEntity, SessionEntity, UserEntity } from '../persistence/auth.entities.js';
import { deleteLoginFailures, deleteLoginFailuresUpTo, insertLoginFailure, lockLoginKey, selectRecentLoginFailures } from '../persistence/login-failure.queries.js';
import { selectUserIdByLogin } from '../persistence/user.queries.js';
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
  const foundId = await selectUserIdByLogin(em, column, name);
  const user = foundId ? await em.findOne(UserEntity, { id: foundId }) : null;
  const key = user ? `user:${user.id}` : `name:${name.toLowerCase()}`;
  const now = ctx.now();

  const windowStart = new Date(now.getTime() - ctx.settings.failedLoginWindowMs);
  // Every attempt is counted as a failure before the password is checked, under a lock on the key,
  // so concurrent attempts cannot all pass the check before any of them is counted: at most
  // maxFailedLogins passwords are ever tried per window. A success clears the key's failures.
  await em.transactional(async (tx) => {
    await lockLoginKey(tx, key);
    const failures = await selectRecentLoginFailures(tx, key, windowStart, ctx.settings.maxFailedLogins);
    const lock = loginLockout(failures, now, ctx.settings.maxFailedLogins, ctx.settings.failedLoginWindowMs);
    if (lock.locked) throw errors.tooManyAttempts(lock.retryAfterSeconds);
    await insertLoginFailure(tx, key, now);
    // Old rows of this key are no use to anyone; keep the table small.
    await deleteLoginFailuresUpTo(tx, key, windowStart);
  });

  const ok = user && user.isActive ? await verifyPassword(user.passwordHash, password) : await verifyDecoy(password);
  if (!ok || !user) throw errors.invalidCredentials();

  return em.transactional(async (tx) => {
    await deleteLoginFailures(tx, key);
    const session = tx.create(SessionEntity, { id: randomUUID(), userId: user.id, createdAt: now, revokedAt: null, revokedReason: null });
    // The tokens reference the session by a plain column, so the ORM cannot order the inserts.
    await tx.flush();
    const pair = await issuePair(ctx, tx, user.id, session.id);
    await tx.flush();
    return pair;
  });
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
      await tx.flush();
      return { error: true as const };
    }
    if (decision !== 'rotate') return { error: true as const };
    token!.usedAt = now;
    const pair = await issuePair(ctx, tx, session!.userId, session!.id);
    await tx.flush();
    return { pair };
  });
  // The revocation above must commit, so the error is raised outside the transaction.
  if ('error' in outcome) throw errors.invalidRefreshToken();
  return outcome.pair;
}

/** Logout: the session of this refresh token stops working. Unknown or foreign tokens change nothing. */
export async function revokeSession(ctx: AuthContext, callerId: string, refreshToken: string): Promise<void> {
  const userId = requireUserId(callerId, errors.invalidField);
  const em = ctx.orm.em.fork();
  const token = await em.findOne(RefreshTokenEntity, { tokenHash: hashRefreshToken(refreshToken) });
  if (!token) return;
  await em.nativeUpdate(SessionEntity, { id: token.sessionId, userId, revokedAt: null }, { revokedAt: ctx.now(), revokedReason: 'logout' });
}
