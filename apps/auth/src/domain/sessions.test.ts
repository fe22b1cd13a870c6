import { describe, expect, test } from '@jest/globals';
import { decideRefresh, loginLockout } from './sessions.js';

const now = new Date('2026-11-24T12:00:00Z');
const later = new Date('2026-12-24T12:00:00Z');
const earlier = new Date('2026-11-01T12:00:00Z');

describe('refresh rotation', () => {
  test.each([
    ['an unspent, unexpired token of a live session rotates', { usedAt: null, expiresAt: later }, { revokedAt: null }, 'rotate'],
    ['an unknown token', null, null, 'unknown'],
    ['a spent token is reuse: the family must be revoked', { usedAt: earlier, expiresAt: later }, { revokedAt: null }, 'reuse_detected'],
    ['any token of a revoked session', { usedAt: null, expiresAt: later }, { revokedAt: earlier }, 'revoked'],
    ['a spent token of a revoked session is just revoked', { usedAt: earlier, expiresAt: later }, { revokedAt: earlier }, 'revoked'],
    ['an expired token', { usedAt: null, expiresAt: now }, { revokedAt: null }, 'expired'],
  ] as const)('%s', (_name, token, session, expected) => {
    expect(decideRefresh(token, session, now)).toBe(expected);
  });
});

describe('failed-login lockout', () => {
  const window = 15 * 60_000;
  const failuresAgo = (...secondsAgo: number[]) => secondsAgo.map((s) => new Date(now.getTime() - s * 1000));

  test('nine failures in the window do not lock', () => {
    expect(loginLockout(failuresAgo(1, 2, 3, 4, 5, 6, 7, 8, 9), now, 10, window)).toEqual({ locked: false });
  });

  test('the tenth failure locks until the oldest of the ten leaves the window', () => {
    // the oldest of the ten is 600 s old: it leaves the 900 s window in 300 s
    expect(loginLockout(failuresAgo(1, 2, 3, 4, 5, 6, 7, 8, 9, 600), now, 10, window)).toEqual({ locked: true, retryAfterSeconds: 300 });
  });

  test('failures older than the window do not count', () => {
    expect(loginLockout(failuresAgo(1, 2, 3, 4, 5, 6, 7, 8, 9, 900), now, 10, window)).toEqual({ locked: false });
  });

  test('with more than ten failures the tenth most recent decides', () => {
    expect(loginLockout(failuresAgo(800, 850, 1, 2, 3, 4, 5, 6, 7, 8, 9), now, 10, window)).toEqual({ locked: true, retryAfterSeconds: 100 });
  });
});
