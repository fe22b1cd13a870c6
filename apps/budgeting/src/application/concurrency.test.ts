import { describe, expect, test } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { mapConcurrently } from './concurrency.js';

describe('mapConcurrently', () => {
  test('never runs more than the bound at once and keeps the order of the items', async () => {
    let running = 0;
    let peak = 0;
    const results = await mapConcurrently([5, 1, 4, 2, 3, 0, 6, 2], 3, async (n) => {
      running++;
      peak = Math.max(peak, running);
      await sleep(n * 3);
      running--;
      return n * 10;
    });
    expect(results).toEqual([50, 10, 40, 20, 30, 0, 60, 20]);
    expect(peak).toBe(3);
  });

  test('the first failure rejects the whole, and no new call starts after it', async () => {
    const started: number[] = [];
    await expect(
      mapConcurrently([1, 2, 3, 4, 5], 1, async (n) => {
        started.push(n);
        if (n === 2) throw new Error('boom');
        return n;
      }),
    ).rejects.toThrow('boom');
    expect(started).toEqual([1, 2]);
  });

  test('no items, no calls', async () => {
    expect(await mapConcurrently([], 4, async () => 1)).toEqual([]);
  });
});
