import { describe, expect, test } from '@jest/globals';
import type { UserDirectory } from './context.js';
import { cachedTimezones } from './thresholds.js';

/** A strict fake of auth: answers from `zones`, counts the questions, fails for unknown users. */
function fakeUsers(zones: Map<string, string>) {
  const asked: string[] = [];
  const users: UserDirectory = {
    async profileOf(userId) {
      asked.push(userId);
      const timezone = zones.get(userId);
      if (timezone === undefined) throw new Error(`unknown user ${userId}`);
      return { baseCurrency: 'USD', timezone };
    },
  };
  return { users, asked };
}

describe('cachedTimezones', () => {
  test('a burst of one user asks auth once; after the TTL it asks again and sees a changed zone', async () => {
    const zones = new Map([['u1', 'Europe/Berlin']]);
    const { users, asked } = fakeUsers(zones);
    let now = 0;
    const cache = cachedTimezones(users, { ttlMs: 1_000, clock: () => now });
    expect(await Promise.all([cache.of('u1'), cache.of('u1'), cache.of('u1')])).toEqual(['Europe/Berlin', 'Europe/Berlin', 'Europe/Berlin']);
    zones.set('u1', 'Asia/Tokyo');
    now = 999;
    expect(await cache.of('u1')).toBe('Europe/Berlin');
    now = 1_000;
    expect(await cache.of('u1')).toBe('Asia/Tokyo');
    expect(asked).toEqual(['u1', 'u1']);
  });

  test('a failure is not kept: the next call asks again', async () => {
    const zones = new Map<string, string>();
    const { users, asked } = fakeUsers(zones);
    const cache = cachedTimezones(users, { clock: () => 0 });
    await expect(cache.of('u2')).rejects.toThrow('unknown user u2');
    zones.set('u2', 'UTC');
    expect(await cache.of('u2')).toBe('UTC');
    expect(asked).toEqual(['u2', 'u2']);
  });

  test('bounded: beyond maxUsers the cache starts over', async () => {
    const zones = new Map([
      ['a', 'UTC'],
      ['b', 'UTC'],
      ['c', 'UTC'],
    ]);
    const { users, asked } = fakeUsers(zones);
    const cache = cachedTimezones(users, { maxUsers: 2, clock: () => 0 });
    for (const u of ['a', 'b', 'c', 'a']) await cache.of(u);
    expect(asked).toEqual(['a', 'b', 'c', 'a']);
  });
});
