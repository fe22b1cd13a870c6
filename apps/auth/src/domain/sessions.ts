/**
 * Refresh-token rotation with reuse detection. A session (a "family") starts at login; each
 * refresh spends the presented token and issues the next one in the same family. Presenting a
 * token that was already spent means it leaked (or a client is replaying it): the whole family
 * is revoked, so the thief's and the owner's tokens both stop working.
 */
export interface PresentedToken {
  usedAt?: Date | null | undefined;
  expiresAt: Date;
}

export interface SessionState {
  revokedAt?: Date | null | undefined;
}

export type RefreshDecision = 'rotate' | 'unknown' | 'revoked' | 'expired' | 'reuse_detected';

export function decideRefresh(token: PresentedToken | null, session: SessionState | null, now: Date): RefreshDecision {
  if (!token || !session) return 'unknown';
  if (session.revokedAt) return 'revoked';
  if (token.usedAt) return 'reuse_detected';
  if (token.expiresAt.getTime() <= now.getTime()) return 'expired';
  return 'rotate';
}

/**
 * Failed-login lockout: with `max` failures inside the sliding `windowMs`, the account is locked
 * until the oldest of the last `max` failures leaves the window.
 */
export function loginLockout(
  failures: readonly Date[],
  now: Date,
  max: number,
  windowMs: number,
): { locked: false } | { locked: true; retryAfterSeconds: number } {
  const since = now.getTime() - windowMs;
  const recent = failures.map((d) => d.getTime()).filter((t) => t > since).sort((a, b) => b - a);
  if (recent.length < max) return { locked: false };
  const unlockAt = recent[max - 1]! + windowMs;
  return { locked: true, retryAfterSeconds: Math.max(1, Math.ceil((unlockAt - now.getTime()) / 1000)) };
}
