import { describe, expect, it } from '@jest/globals';
import { RevocationList } from './revocation-list.js';

function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('RevocationList', () => {
  it('refuses a revoked subject until the ttl has passed, then forgets it', () => {
    const c = clock();
    const list = new RevocationList({ ttlMs: 1000, now: c.now });
    list.revoke('user-1');
    expect(list.isRevoked('user-1')).toBe(true);
    expect(list.isRevoked('user-2')).toBe(false);
    c.advance(999);
    expect(list.isRevoked('user-1')).toBe(true);
    c.advance(1);
    expect(list.isRevoked('user-1')).toBe(false);
    expect(list.size).toBe(0);
  });

  it('takes an explicit end time, and never shortens an existing revocation', () => {
    const c = clock();
    const list = new RevocationList({ ttlMs: 1000, now: c.now });
    list.revoke('user-1', c.now() + 5000);
    list.revoke('user-1');
    c.advance(2000);
    expect(list.isRevoked('user-1')).toBe(true);
    c.advance(3000);
    expect(list.isRevoked('user-1')).toBe(false);
  });

  it('stays bounded: prunes expired entries first, then drops the oldest', () => {
    const c = clock();
    const list = new RevocationList({ ttlMs: 1000, maxEntries: 3, now: c.now });
    list.revoke('a');
    list.revoke('b');
    c.advance(1000);
    list.revoke('c');
    list.revoke('d'); // a and b have expired: pruned, nothing live dropped
    expect(list.size).toBe(2);
    list.revoke('e');
    list.revoke('f'); // full of live entries: the oldest (c) goes
    expect(list.size).toBe(3);
    expect(list.isRevoked('c')).toBe(false);
    expect(['d', 'e', 'f'].every((s) => list.isRevoked(s))).toBe(true);
  });

  it('refuses a revoked session until its end, apart from subjects', () => {
    const c = clock();
    const list = new RevocationList({ ttlMs: 1000, now: c.now });
    list.revokeSession('s-1', c.now() + 5000);
    list.revokeSession('s-1'); // shorter: kept at 5000
    expect(list.isSessionRevoked('s-1')).toBe(true);
    expect(list.isRevoked('s-1')).toBe(false); // a session id is not a subject
    expect(list.refuses('user-1', 's-1')).toBe(true);
    expect(list.refuses('user-1', 's-2')).toBe(false);
    expect(list.refuses('user-1', undefined)).toBe(false);
    list.revoke('user-2');
    expect(list.isSessionRevoked('user-2')).toBe(false);
    expect(list.refuses('user-2', 's-2')).toBe(true);
    expect(list.refuses('user-2', undefined)).toBe(true);
    c.advance(4999);
    expect(list.isSessionRevoked('s-1')).toBe(true);
    c.advance(1);
    expect(list.isSessionRevoked('s-1')).toBe(false);
    expect(list.isRevoked('user-2')).toBe(false);
    expect(list.size).toBe(0);
  });
});
